"""Triage use cases on a real database (SQLite and Postgres): intake, the thread plan, decisions,
races, the tracker failing, closing and exporting."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, update

from bot.rituals.triage.domain import (
    Helpdesk,
    HelpdeskTicket,
    Outcome,
    Severity,
    Source,
    TicketDraft,
    TicketStatus,
)
from bot.rituals.triage.export import render, ticket_record
from bot.rituals.triage.models import Ticket
from bot.rituals.triage.service import TriageService, TriageUnavailable, WebhookResult
from bot.wiring import Container
from tests.support.clock import FakeClock
from tests.support.fake_slack import TEAM_ID
from tests.support.fake_tracker import TOKEN, FakeTracker
from tests.support.people import reviewer

CHANNEL = "CTRIAGE"


@pytest.fixture
def tracker() -> Iterator[FakeTracker]:
    fake = FakeTracker().start()
    yield fake
    fake.stop()


@pytest.fixture
def triage(container: Container, clock: FakeClock, tracker: FakeTracker) -> TriageService:
    for person in ("U1", "UPM", "UA", "ULEAD", "UOTHER"):  # the people closing sessions review
        reviewer(container, person)
    service = container.services.triage
    service.configure(
        team_id=TEAM_ID,
        changes={
            "channel_id": CHANNEL,
            "sla_days": 7,
            "tracker": {
                "kind": "github",
                "project": "acme/app",
                "token": TOKEN,
                "base_url": tracker.base_url,
            },
        },
        user_id="UADMIN",
        now=clock(),
    )
    return service


def _file(
    triage: TriageService,
    clock: FakeClock,
    title: str,
    severity: Severity = Severity.NORMAL,
    *,
    team_id: str = TEAM_ID,
) -> int:
    return triage.submit(
        team_id=team_id,
        draft=TicketDraft(
            title=title, description="details", account_name="Acme", severity=severity
        ),
        source=Source.SLASH,
        reporter_user_id="USUPPORT",
        now=clock(),
    ).id


def _helpdesk(
    external_id: str, title: str = "From Zendesk", deleted: bool = False
) -> HelpdeskTicket:
    return HelpdeskTicket(
        helpdesk=Helpdesk.ZENDESK,
        external_id=external_id,
        deleted=deleted,
        title=title,
        description="",
        account_name="Globex",
        severity=Severity.HIGH,
        link="https://acme.zendesk.com/agent/tickets/" + external_id,
        reporter="dana@globex.example",
        created_at=datetime(2026, 11, 10, 8, 0, tzinfo=UTC),
    )


def test_a_helpdesk_ticket_sent_twice_is_stored_once_and_updated(
    triage: TriageService, clock: FakeClock
) -> None:
    first = triage.receive_from_helpdesk(team_id=TEAM_ID, incoming=_helpdesk("42"), now=clock())
    second = triage.receive_from_helpdesk(
        team_id=TEAM_ID, incoming=_helpdesk("42", title="Renamed"), now=clock()
    )

    assert (first[0], second[0]) == (WebhookResult.CREATED, WebhookResult.UPDATED)
    assert first[1] == second[1]
    tickets = triage.export(team_id=TEAM_ID)
    assert [(t.title, t.external_id, t.created_at.day) for t in tickets] == [("Renamed", "42", 10)]


def test_a_deleted_helpdesk_ticket_leaves_the_queue(
    triage: TriageService, clock: FakeClock
) -> None:
    triage.receive_from_helpdesk(team_id=TEAM_ID, incoming=_helpdesk("7"), now=clock())
    result = triage.receive_from_helpdesk(
        team_id=TEAM_ID, incoming=_helpdesk("7", deleted=True), now=clock()
    )

    plan = triage.plan_thread(team_id=TEAM_ID, channel_id=CHANNEL, period="2026-W48", now=clock())

    assert result[0] is WebhookResult.DELETED
    assert plan.tickets == []


def test_the_thread_plan_is_most_severe_first_and_stable_when_replanned(
    triage: TriageService, clock: FakeClock
) -> None:
    low = _file(triage, clock, "low one", Severity.LOW)
    clock.advance(hours=1)
    urgent = _file(triage, clock, "urgent one", Severity.URGENT)
    clock.advance(hours=1)
    first = triage.plan_thread(team_id=TEAM_ID, channel_id=CHANNEL, period="2026-W47", now=clock())
    _file(triage, clock, "arrived after the thread", Severity.URGENT)
    again = triage.plan_thread(team_id=TEAM_ID, channel_id=CHANNEL, period="2026-W47", now=clock())

    assert [t.id for t in first.tickets] == [urgent, low]
    assert [t.id for t in again.tickets] == [urgent, low]
    assert again.session_id == first.session_id


def test_the_thread_stores_its_ticket_list_in_one_statement_with_tickets_being_filed(
    triage: TriageService, container: Container, clock: FakeClock
) -> None:
    ids = [_file(triage, clock, f"ticket {n}") for n in range(30)]
    _file(triage, clock, "another workspace's", team_id="TOTHER")
    with container.sessions.begin() as session:
        session.execute(update(Ticket).where(Ticket.id == ids[0]).values(status="filing"))
        session.execute(update(Ticket).where(Ticket.id == ids[1]).values(status="triaged"))
    inserts: list[str] = []

    def record(*args: object) -> None:
        if "INSERT INTO triage_session_tickets" in str(args[2]):
            inserts.append(str(args[2]))

    event.listen(container.engine, "before_cursor_execute", record)
    try:
        plan = triage.plan_thread(
            team_id=TEAM_ID, channel_id=CHANNEL, period="2026-W47", now=clock()
        )
    finally:
        event.remove(container.engine, "before_cursor_execute", record)

    assert len(inserts) == 1
    assert sorted(t.id for t in plan.tickets) == sorted(ids[:1] + ids[2:])
    assert plan.counts.total == 29


def test_untriaged_tickets_carry_over_with_age_and_sla_flags(
    triage: TriageService, clock: FakeClock
) -> None:
    old = _file(triage, clock, "old")
    week1 = triage.plan_thread(team_id=TEAM_ID, channel_id=CHANNEL, period="2026-W47", now=clock())
    clock.advance(days=8)
    new = _file(triage, clock, "new")

    week2 = triage.plan_thread(team_id=TEAM_ID, channel_id=CHANNEL, period="2026-W48", now=clock())

    assert [t.id for t in week1.tickets] == [old]
    assert {t.id for t in week2.tickets} == {old, new}
    assert (week2.counts.new, week2.counts.carried_over, week2.counts.overdue) == (1, 1, 1)


def test_two_people_deciding_at_once_one_wins_and_the_other_sees_the_winner(
    triage: TriageService, clock: FakeClock
) -> None:
    ticket_id = _file(triage, clock, "contested")
    barrier = threading.Barrier(2)

    def decide(user_and_outcome: tuple[str, Outcome]) -> tuple[bool, str | None]:
        user, outcome = user_and_outcome
        barrier.wait()
        decision = triage.decide(
            team_id=TEAM_ID, ticket_id=ticket_id, outcome=outcome, user_id=user, now=clock()
        )
        return decision.won, decision.ticket.decided_by

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(decide, [("UA", Outcome.KNOWN), ("UB", Outcome.NEEDS_INFO)]))

    assert sorted(won for won, _ in results) == [False, True]
    winners = {by for _, by in results}
    assert len(winners) == 1
    history = triage.history(team_id=TEAM_ID, ticket_id=ticket_id)
    assert [action for action, _, _ in history] == [
        "created",
        next(iter(_outcomes(triage, ticket_id))),
    ]


def _outcomes(triage: TriageService, ticket_id: int) -> list[str]:
    ticket = triage.ticket(team_id=TEAM_ID, ticket_id=ticket_id)
    return [ticket.outcome.value] if ticket.outcome else []


def test_a_bug_creates_one_tracker_issue_and_stores_its_link(
    triage: TriageService, clock: FakeClock, tracker: FakeTracker
) -> None:
    ticket_id = _file(triage, clock, "Export broken", Severity.HIGH)

    decision = triage.file_bug(team_id=TEAM_ID, ticket_id=ticket_id, user_id="UPM", now=clock())
    again = triage.file_bug(team_id=TEAM_ID, ticket_id=ticket_id, user_id="UPM2", now=clock())

    assert (decision.won, again.won) == (True, False)
    assert decision.ticket.tracker_url == "https://github.com/acme/app/issues/1"
    assert (decision.ticket.outcome, decision.ticket.decided_by) == (Outcome.BUG, "UPM")
    assert len(tracker.created) == 1
    assert "Account: Acme" in tracker.created[0].body["body"]


def test_when_the_tracker_is_down_the_ticket_stays_untriaged_and_can_be_retried(
    triage: TriageService, clock: FakeClock, tracker: FakeTracker
) -> None:
    ticket_id = _file(triage, clock, "Export broken")
    tracker.go_down()

    with pytest.raises(TriageUnavailable, match="unavailable"):
        triage.file_bug(team_id=TEAM_ID, ticket_id=ticket_id, user_id="UPM", now=clock())
    stuck = triage.ticket(team_id=TEAM_ID, ticket_id=ticket_id)
    tracker.come_back()
    retried = triage.file_bug(team_id=TEAM_ID, ticket_id=ticket_id, user_id="UPM", now=clock())

    assert (stuck.status, stuck.outcome) == (TicketStatus.OPEN, None)
    assert retried.won
    assert retried.ticket.tracker_key == "acme/app#1"


def test_bad_tracker_credentials_leave_the_ticket_untriaged_with_the_reason(
    triage: TriageService, clock: FakeClock, tracker: FakeTracker
) -> None:
    tracker.token = "rotated"
    ticket_id = _file(triage, clock, "Export broken")

    with pytest.raises(TriageUnavailable, match="refused opsbot's credentials"):
        triage.file_bug(team_id=TEAM_ID, ticket_id=ticket_id, user_id="UPM", now=clock())

    assert triage.ticket(team_id=TEAM_ID, ticket_id=ticket_id).status is TicketStatus.OPEN


def test_a_feature_request_becomes_a_feedback_item_linked_both_ways(
    triage: TriageService, container: Container, clock: FakeClock
) -> None:
    ticket_id = _file(triage, clock, "Bulk export to S3")

    decision = triage.capture_feature(
        team_id=TEAM_ID, ticket_id=ticket_id, user_id="UPM", now=clock()
    )

    assert decision.won
    assert decision.ticket.feedback_id is not None
    item = container.services.feedback.get_item(
        team_id=TEAM_ID, item_id=decision.ticket.feedback_id
    )
    assert "Bulk export to S3" in item.text
    assert item.account_name == "Acme"


def test_closing_summarises_outcomes_what_is_left_and_the_median_time(
    triage: TriageService, clock: FakeClock
) -> None:
    bug = _file(triage, clock, "bug")
    known = _file(triage, clock, "known")
    _file(triage, clock, "left")
    plan = triage.plan_thread(team_id=TEAM_ID, channel_id=CHANNEL, period="2026-W47", now=clock())
    clock.advance(hours=2)
    triage.file_bug(team_id=TEAM_ID, ticket_id=bug, user_id="UPM", now=clock())
    clock.advance(hours=2)
    triage.decide(
        team_id=TEAM_ID, ticket_id=known, outcome=Outcome.KNOWN, user_id="UPM", now=clock()
    )

    closed = triage.close_session(
        team_id=TEAM_ID, session_id=plan.session_id, user_id="ULEAD", now=clock()
    )
    twice = triage.close_session(
        team_id=TEAM_ID, session_id=plan.session_id, user_id="UOTHER", now=clock()
    )

    assert closed.summary.outcomes[Outcome.BUG] == 1
    assert closed.summary.outcomes[Outcome.KNOWN] == 1
    assert closed.summary.left == 1
    assert closed.summary.median_time_to_triage == timedelta(hours=3)
    assert [i.url for i in closed.summary.created_issues] == [
        "https://github.com/acme/app/issues/1"
    ]
    assert (twice.already_closed, twice.closed_by) == (True, "ULEAD")


def test_tickets_of_another_workspace_are_never_in_the_thread(
    triage: TriageService, clock: FakeClock
) -> None:
    _file(triage, clock, "theirs", team_id="T0OTHER")
    mine = _file(triage, clock, "mine")

    plan = triage.plan_thread(team_id=TEAM_ID, channel_id=CHANNEL, period="2026-W47", now=clock())

    assert [t.id for t in plan.tickets] == [mine]
    with pytest.raises(Exception, match="no longer in the triage queue"):
        triage.ticket(team_id="T0OTHER", ticket_id=mine)


def test_export_renders_csv_and_json_with_outcomes(triage: TriageService, clock: FakeClock) -> None:
    ticket_id = _file(triage, clock, "Export, with a comma")
    triage.decide(
        team_id=TEAM_ID,
        ticket_id=ticket_id,
        outcome=Outcome.WONT_FIX,
        user_id="UPM",
        reason="by design",
        now=clock(),
    )
    records = [ticket_record(TEAM_ID, t) for t in triage.export(team_id=TEAM_ID)]

    csv_text = "".join(render(records, "csv"))
    data = json.loads("".join(render(records, "json")))

    assert csv_text.splitlines()[0].startswith("team_id,id,title")
    assert '"Export, with a comma"' in csv_text
    assert (data[0]["outcome"], data[0]["outcome_reason"]) == ("wont-fix", "by design")


def test_a_ticket_left_filing_by_a_crash_can_be_decided_again_after_two_minutes(
    triage: TriageService, container: Container, clock: FakeClock
) -> None:
    ticket_id = _file(triage, clock, "Stuck")
    with container.sessions.begin() as session:  # a Bug click that crashed mid-call
        session.execute(
            update(Ticket)
            .where(Ticket.id == ticket_id)
            .values(status=TicketStatus.FILING.value, updated_at=clock())
        )

    clock.advance(seconds=30)
    early = triage.decide(
        team_id=TEAM_ID, ticket_id=ticket_id, outcome=Outcome.KNOWN, user_id="UPM", now=clock()
    )
    clock.advance(minutes=2)
    later = triage.decide(
        team_id=TEAM_ID, ticket_id=ticket_id, outcome=Outcome.KNOWN, user_id="UPM", now=clock()
    )

    assert (early.won, early.ticket.status) == (False, TicketStatus.FILING)
    assert (later.won, later.ticket.status) == (True, TicketStatus.TRIAGED)


def test_many_clicks_at_once_make_one_decision_and_at_most_one_tracker_issue(
    triage: TriageService, clock: FakeClock, tracker: FakeTracker
) -> None:
    ticket_id = _file(triage, clock, "Everyone clicks")
    tracker.stall(0.2)  # the Bug click holds the ticket while the tracker answers
    clickers = [f"U{i}" for i in range(8)]
    barrier = threading.Barrier(len(clickers))

    def click(user: str) -> bool:
        barrier.wait()
        if user in {"U0", "U1", "U2", "U3"}:
            return triage.file_bug(
                team_id=TEAM_ID, ticket_id=ticket_id, user_id=user, now=clock()
            ).won
        return triage.decide(
            team_id=TEAM_ID, ticket_id=ticket_id, outcome=Outcome.KNOWN, user_id=user, now=clock()
        ).won

    with ThreadPoolExecutor(len(clickers)) as pool:
        wins = list(pool.map(click, clickers))

    assert wins.count(True) == 1
    stored = triage.ticket(team_id=TEAM_ID, ticket_id=ticket_id)
    assert stored.status is TicketStatus.TRIAGED
    assert len(tracker.created) == (1 if stored.outcome is Outcome.BUG else 0)
