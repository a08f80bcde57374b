"""The triage service's rules with fakes (no database, no HTTP, no Slack): one-click decisions
on a fake ticket store, a tracker that fails, `/triage now` picking its channel, the auto-closer
carrying on past a failing workspace, and the summary's carry-over and SLA counts."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from bot.integrations.tracker_types import (
    CreatedIssue,
    IssueTracker,
    NewIssue,
    TrackerUnavailable,
)
from bot.rituals.triage.domain import (
    ClosedSession,
    Outcome,
    Severity,
    Source,
    TicketStatus,
    TicketView,
    TriageUnavailable,
    summary_of,
)
from bot.rituals.triage.jobs import TriageAutoCloser
from bot.rituals.triage.metrics import TriageMetrics
from bot.rituals.triage.ports import NewEvent
from bot.rituals.triage.service import TriageService
from tests.support.feedback_fakes import AllowEveryone

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TEAM = "T1"


def _ticket(ticket_id: int = 1, **changes: Any) -> TicketView:
    base = TicketView(
        id=ticket_id,
        title="Export times out",
        description="",
        account_name="Acme",
        severity=Severity.HIGH,
        link=None,
        source=Source.SLASH,
        helpdesk=None,
        external_id=None,
        reporter_user_id="USUPPORT",
        status=TicketStatus.OPEN,
        outcome=None,
        outcome_reason=None,
        decided_by=None,
        decided_at=None,
        owner_user_id=None,
        tracker_key=None,
        tracker_url=None,
        feedback_id=None,
        created_at=NOW - timedelta(days=2),
        version=1,
    )
    return replace(base, **changes)


class FakeTickets:
    """A `TicketStore` in memory with the same rule: only an undecided ticket can be claimed."""

    def __init__(self, *tickets: TicketView) -> None:
        self.tickets = {t.id: t for t in tickets}
        self.events: list[NewEvent] = []

    def claim(
        self,
        *,
        team_id: str,
        ticket_id: int,
        values: dict[str, object],
        abandoned_before: datetime,
        event: NewEvent | None,
    ) -> tuple[bool, TicketView]:
        ticket = self.tickets[ticket_id]
        if ticket.status is not TicketStatus.OPEN:
            return False, ticket
        self.tickets[ticket_id] = _apply(ticket, values)
        if event is not None:
            self.events.append(event)
        return True, self.tickets[ticket_id]

    def release(self, *, team_id: str, ticket_id: int, now: datetime) -> None:
        ticket = self.tickets[ticket_id]
        if ticket.status is TicketStatus.FILING:
            self.tickets[ticket_id] = replace(ticket, status=TicketStatus.OPEN)

    def update(
        self, *, team_id: str, ticket_id: int, values: dict[str, object], event: NewEvent
    ) -> TicketView:
        self.tickets[ticket_id] = _apply(self.tickets[ticket_id], values)
        self.events.append(event)
        return self.tickets[ticket_id]

    def get(self, *, team_id: str, ticket_id: int) -> TicketView:
        return self.tickets[ticket_id]


def _apply(ticket: TicketView, values: dict[str, object]) -> TicketView:
    fields: dict[str, Any] = {k: v for k, v in values.items() if k != "updated_at"}
    if "status" in fields:
        fields["status"] = TicketStatus(str(fields["status"]))
    if fields.get("outcome"):
        fields["outcome"] = Outcome(str(fields["outcome"]))
    return replace(ticket, **fields)


class FakeWorkspaces:
    def __init__(self, settings: dict[str, dict[str, Any]] | None = None) -> None:
        self.settings = settings or {}

    def get_setting(self, *, team_id: str, key: str) -> dict[str, Any] | None:
        return self.settings.get(team_id)

    def set_setting(
        self, *, team_id: str, key: str, value: dict[str, Any], user_id: str, now: datetime
    ) -> None:
        self.settings[team_id] = value

    def ensure_workspace(self, *, team_id: str, now: datetime) -> None:
        return None


class NoDatabase:
    """Sessions that fail if a rule under test reaches for the database."""

    def __call__(self) -> Any:
        raise AssertionError("this rule must not touch the database")

    begin = __call__


class FailingTracker:
    def create_issue(self, issue: NewIssue) -> CreatedIssue:
        raise TrackerUnavailable("Jira answered 503")


@dataclass
class RecordingTracker:
    filed: list[NewIssue] = field(default_factory=list)

    def create_issue(self, issue: NewIssue) -> CreatedIssue:
        self.filed.append(issue)
        return CreatedIssue(key="OPS-7", url="https://acme.atlassian.net/browse/OPS-7")


class FakeFeedback:
    def __init__(self, fail: bool = False) -> None:
        self.fail = fail

    def capture_from_ticket(self, **kwargs: Any) -> int:
        if self.fail:
            raise RuntimeError("feedback is down")
        return 41


TRACKER = {"kind": "jira", "project": "OPS", "token": "t", "user": "a@b.c", "base_url": "https://j"}


def _service(
    tickets: FakeTickets,
    *,
    tracker: IssueTracker | None = None,
    feedback: FakeFeedback | None = None,
    settings: dict[str, Any] | None = None,
) -> tuple[TriageService, TriageMetrics]:
    metrics = TriageMetrics(CollectorRegistry())
    service = TriageService(
        sessions=NoDatabase(),  # type: ignore[arg-type]
        workspaces=FakeWorkspaces({TEAM: settings if settings is not None else {}}),
        trackers=lambda config: tracker or RecordingTracker(),
        metrics=metrics,
        feedback=feedback or FakeFeedback(),
        outbox=None,  # type: ignore[arg-type]
        tickets=tickets,
        permissions=AllowEveryone(),
    )
    return service, metrics


def _counted(metrics: TriageMetrics, outcome: str, result: str) -> float:
    return metrics.decisions.labels(outcome, result)._value.get()


def test_the_second_decision_on_a_ticket_loses_and_sees_the_first() -> None:
    tickets = FakeTickets(_ticket())
    service, metrics = _service(tickets)

    first = service.decide(team_id=TEAM, ticket_id=1, outcome=Outcome.KNOWN, user_id="UPM", now=NOW)
    second = service.decide(
        team_id=TEAM, ticket_id=1, outcome=Outcome.NEEDS_INFO, user_id="ULEAD", now=NOW
    )

    assert (first.won, second.won) == (True, False)
    assert second.ticket.outcome is Outcome.KNOWN
    assert second.ticket.decided_by == "UPM"
    assert [e.action for e in tickets.events] == ["known"]
    assert _counted(metrics, "needs-info", "lost") == 1


def test_a_bug_without_a_tracker_is_refused_and_the_ticket_is_not_held() -> None:
    tickets = FakeTickets(_ticket())
    service, _ = _service(tickets)

    with pytest.raises(TriageUnavailable, match="No issue tracker"):
        service.file_bug(team_id=TEAM, ticket_id=1, user_id="UPM", now=NOW)

    assert tickets.tickets[1].status is TicketStatus.OPEN


def test_when_the_tracker_fails_the_ticket_is_released_and_counted_as_failed() -> None:
    tickets = FakeTickets(_ticket())
    service, metrics = _service(tickets, tracker=FailingTracker(), settings={"tracker": TRACKER})

    with pytest.raises(TriageUnavailable, match="Jira answered 503"):
        service.file_bug(team_id=TEAM, ticket_id=1, user_id="UPM", now=NOW)

    assert tickets.tickets[1].status is TicketStatus.OPEN
    assert tickets.events == []
    assert _counted(metrics, "bug", "failed") == 1


def test_a_filed_bug_links_the_issue_and_records_its_url() -> None:
    tracker = RecordingTracker()
    tickets = FakeTickets(_ticket(account_name="Globex"))
    service, _ = _service(tickets, tracker=tracker, settings={"tracker": TRACKER, "sla_days": 3})

    decision = service.file_bug(team_id=TEAM, ticket_id=1, user_id="UPM", now=NOW)

    assert decision.won
    assert decision.sla_days == 3
    assert decision.ticket.tracker_key == "OPS-7"
    assert "Account: Globex" in tracker.filed[0].body
    assert tickets.events[-1].detail == "https://acme.atlassian.net/browse/OPS-7"


def test_a_feature_capture_that_fails_releases_the_ticket() -> None:
    tickets = FakeTickets(_ticket())
    service, _ = _service(tickets, feedback=FakeFeedback(fail=True))

    with pytest.raises(RuntimeError):
        service.capture_feature(team_id=TEAM, ticket_id=1, user_id="UPM", now=NOW)

    assert tickets.tickets[1].status is TicketStatus.OPEN


@dataclass
class FakeRuns:
    answers: list[tuple[dict[str, int], list[str]]]
    asked: list[list[str] | None] = field(default_factory=list)

    def recently_run_now(self, **_: Any) -> None:
        return None

    def run_now(self, *, team_id: str, ritual: str, now: datetime, channel_ids: Any = None) -> Any:
        self.asked.append(list(channel_ids) if channel_ids is not None else None)
        enqueued, skipped = self.answers.pop(0)
        return _Outcome(enqueued, skipped)


@dataclass
class _Outcome:
    enqueued: dict[str, int]
    skipped: list[str]


def test_triage_now_uses_the_triage_channel_when_one_is_set() -> None:
    service, _ = _service(FakeTickets(), settings={"channel_id": "CTRIAGE"})
    runs = FakeRuns([({"CTRIAGE": 3}, [])])

    channels = service.post_now(
        runs=runs, team_id=TEAM, user_id="UPM", fallback_channel_id="CHERE", now=NOW
    )

    assert channels == ["CTRIAGE"]
    assert runs.asked == [["CTRIAGE"]]


def test_triage_now_falls_back_to_where_it_was_typed_without_channel_or_schedule() -> None:
    service, _ = _service(FakeTickets())
    runs = FakeRuns([({}, []), ({"CHERE": 1}, [])])

    channels = service.post_now(
        runs=runs, team_id=TEAM, user_id="UPM", fallback_channel_id="CHERE", now=NOW
    )

    assert channels == ["CHERE"]
    assert runs.asked == [None, ["CHERE"]]


class FlakyClosing:
    """Two due sessions; closing the first workspace's fails."""

    def __init__(self) -> None:
        self.closed: list[str] = []

    def sessions_due_for_closing(self, *, now: datetime) -> list[tuple[str, int]]:
        return [("TBROKEN", 1), ("TFINE", 2)]

    def close_session(
        self,
        *,
        team_id: str,
        session_id: int,
        user_id: str,
        now: datetime,
        on_schedule: bool = False,
    ) -> ClosedSession:
        assert on_schedule
        if team_id == "TBROKEN":
            raise RuntimeError("database says no")
        self.closed.append(team_id)
        return ClosedSession(
            session_id=session_id,
            channel_id="C1",
            parent_ts="1.1",
            summary=summary_of([], since=now, now=now, sla_days=7),
            closed_by=user_id,
            closed_at=now,
            already_closed=False,
            counts=None,  # type: ignore[arg-type]
            started_at=now,
            sla_days=7,
        )


class RecordingParents:
    def __init__(self) -> None:
        self.shown: list[str] = []

    def show_closed(self, closed: ClosedSession, parent_ts: str) -> None:
        self.shown.append(parent_ts)


def test_the_auto_closer_carries_on_past_a_workspace_that_fails() -> None:
    closing = FlakyClosing()
    parents = RecordingParents()
    closer = TriageAutoCloser(service=closing, slack=parents, bot_user_id=lambda: "UBOT")

    closed = closer.run(now=NOW)

    assert closed == 1
    assert closing.closed == ["TFINE"]
    assert parents.shown == ["1.1"]


def test_the_summary_counts_only_this_sessions_decisions_and_what_is_left_past_the_sla() -> None:
    started = NOW - timedelta(hours=3)
    tickets = [
        _ticket(1, status=TicketStatus.TRIAGED, outcome=Outcome.KNOWN, decided_at=NOW),
        _ticket(
            2,
            status=TicketStatus.TRIAGED,
            outcome=Outcome.BUG,
            decided_at=started - timedelta(days=7),
        ),
        _ticket(3, created_at=NOW - timedelta(days=9)),  # carried over, past a 7-day SLA
        _ticket(4, status=TicketStatus.FILING),
    ]

    summary = summary_of(tickets, since=started, now=NOW, sla_days=7)

    assert summary.outcomes[Outcome.KNOWN] == 1
    assert summary.outcomes[Outcome.BUG] == 0  # decided in an earlier session
    assert (summary.left, summary.left_overdue) == (2, 1)
    assert summary.median_time_to_triage == timedelta(days=2)
