"""Triage rules without Slack or a database: order, age buckets, SLA, counts, summary, payloads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.rituals.triage.domain import (
    AgeBucket,
    Helpdesk,
    Outcome,
    PayloadError,
    Severity,
    Source,
    TicketDraft,
    TicketStatus,
    TicketView,
    age_bucket,
    closing_is_due,
    count_thread,
    format_duration,
    is_overdue,
    median_duration,
    parse_helpdesk_payload,
    summarise,
    title_from_message,
    triage_order,
    validate_draft,
)

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def ticket(ticket_id: int, severity: Severity, days_old: float) -> TicketView:
    return TicketView(
        id=ticket_id,
        title=f"ticket {ticket_id}",
        description="",
        account_name=None,
        severity=severity,
        link=None,
        source=Source.SLASH,
        helpdesk=None,
        external_id=None,
        reporter_user_id="U1",
        status=TicketStatus.OPEN,
        outcome=None,
        outcome_reason=None,
        decided_by=None,
        decided_at=None,
        owner_user_id=None,
        tracker_key=None,
        tracker_url=None,
        feedback_id=None,
        created_at=NOW - timedelta(days=days_old),
        version=1,
    )


def test_tickets_are_ordered_most_severe_first_then_oldest_first() -> None:
    tickets = [
        ticket(1, Severity.LOW, 30),
        ticket(2, Severity.URGENT, 1),
        ticket(3, Severity.HIGH, 2),
        ticket(4, Severity.URGENT, 5),
        ticket(5, Severity.HIGH, 9),
    ]

    assert [t.id for t in triage_order(tickets)] == [4, 2, 5, 3, 1]


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (0, AgeBucket.THIS_WEEK),
        (6.9, AgeBucket.THIS_WEEK),
        (7, AgeBucket.ONE_TO_TWO_WEEKS),
        (13.9, AgeBucket.ONE_TO_TWO_WEEKS),
        (14, AgeBucket.TWO_TO_FOUR_WEEKS),
        (28, AgeBucket.OVER_A_MONTH),
    ],
)
def test_age_buckets_split_at_one_two_and_four_weeks(days: float, bucket: AgeBucket) -> None:
    assert age_bucket(NOW - timedelta(days=days), NOW) is bucket


def test_a_ticket_is_overdue_only_once_it_is_older_than_the_sla() -> None:
    assert not is_overdue(NOW - timedelta(days=7), NOW, 7)
    assert is_overdue(NOW - timedelta(days=7, minutes=1), NOW, 7)


def test_thread_counts_split_new_from_carried_over_and_flag_overdue() -> None:
    tickets = [
        ticket(1, Severity.URGENT, 1),
        ticket(2, Severity.NORMAL, 10),
        ticket(3, Severity.NORMAL, 40),
    ]

    counts = count_thread(tickets, shown_before={2, 3}, now=NOW, sla_days=7)

    assert (counts.total, counts.new, counts.carried_over, counts.overdue) == (3, 1, 2, 2)
    assert counts.by_severity == {
        Severity.URGENT: 1,
        Severity.HIGH: 0,
        Severity.NORMAL: 2,
        Severity.LOW: 0,
    }
    assert counts.by_age[AgeBucket.OVER_A_MONTH] == 1


def test_the_first_thread_has_nothing_carried_over() -> None:
    counts = count_thread([ticket(1, Severity.LOW, 20)], shown_before=set(), now=NOW, sla_days=7)

    assert (counts.new, counts.carried_over) == (1, 0)


def test_summary_counts_outcomes_and_takes_the_median_time_to_triage() -> None:
    summary = summarise(
        decided=[
            (Outcome.BUG, timedelta(hours=2)),
            (Outcome.BUG, timedelta(hours=10)),
            (Outcome.WONT_FIX, timedelta(hours=4)),
        ],
        left=5,
        left_overdue=1,
        created_issues=[],
    )

    assert summary.outcomes[Outcome.BUG] == 2
    assert summary.outcomes[Outcome.FEATURE] == 0
    assert summary.triaged == 3
    assert summary.median_time_to_triage == timedelta(hours=4)


def test_median_of_nothing_is_none_and_durations_read_short() -> None:
    assert median_duration([]) is None
    assert format_duration(timedelta(days=3, hours=4, minutes=5)) == "3d 4h"
    assert format_duration(timedelta(hours=5, minutes=10)) == "5h 10m"
    assert format_duration(timedelta(minutes=12)) == "12m"


def test_a_draft_needs_a_title_and_bounded_fields() -> None:
    assert validate_draft(TicketDraft(title="  ")) == {"title": "Give the ticket a short title."}
    assert set(validate_draft(TicketDraft(title="x" * 201, description="y" * 4001))) == {
        "title",
        "description",
    }
    assert validate_draft(TicketDraft(title="Export fails")) == {}


def test_a_message_title_is_its_first_line_cut_at_a_word() -> None:
    assert title_from_message("\n  Export broken\nmore detail") == "Export broken"
    long = "word " * 40
    title = title_from_message(long, limit=20)
    assert title.endswith("…")
    assert len(title) <= 21


def test_a_zendesk_payload_is_parsed_with_its_priority_and_time() -> None:
    parsed = parse_helpdesk_payload(
        {
            "helpdesk": "Zendesk",
            "id": 4711,
            "title": "Export times out",
            "severity": "urgent",
            "account": "Acme",
            "created_at": "2026-11-16T08:00:00Z",
        }
    )

    assert parsed.helpdesk is Helpdesk.ZENDESK
    assert parsed.external_id == "4711"
    assert parsed.severity is Severity.URGENT
    assert parsed.created_at == datetime(2026, 11, 16, 8, 0, tzinfo=UTC)
    assert not parsed.deleted


def test_freshdesk_numeric_priorities_map_to_severities() -> None:
    parsed = parse_helpdesk_payload(
        {"helpdesk": "freshdesk", "id": "9", "title": "t", "severity": 3}
    )

    assert parsed.severity is Severity.HIGH


def test_a_deletion_needs_no_title() -> None:
    parsed = parse_helpdesk_payload({"helpdesk": "intercom", "id": "5", "status": "deleted"})

    assert parsed.deleted


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ([], "body must be a JSON object"),
        ({"id": "1", "title": "t"}, "missing field: helpdesk"),
        ({"helpdesk": "jira", "id": "1", "title": "t"}, "helpdesk must be one of"),
        ({"helpdesk": "zendesk", "title": "t"}, "missing field: id"),
        ({"helpdesk": "zendesk", "id": "1"}, "missing field: title"),
        ({"helpdesk": "zendesk", "id": "1", "title": "t", "severity": "meh"}, "severity"),
        ({"helpdesk": "zendesk", "id": "1", "title": "t", "created_at": "2026-11-16"}, "zone"),
        ({"helpdesk": "zendesk", "id": "1", "title": ["t"]}, "must be a string"),
    ],
)
def test_bad_payloads_are_refused_with_a_reason(payload: object, reason: str) -> None:
    with pytest.raises(PayloadError, match=reason):
        parse_helpdesk_payload(payload)


def test_closing_is_due_only_after_the_configured_hours() -> None:
    started = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)

    assert not closing_is_due(started, None, started + timedelta(days=30))
    assert not closing_is_due(started, 48, started + timedelta(hours=47, minutes=59))
    assert closing_is_due(started, 48, started + timedelta(hours=48))
