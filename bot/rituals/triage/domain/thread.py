"""The weekly thread's rules on plain values: age buckets, the SLA, when a session closes by
itself, the counts on the parent and the closing summary. Pure."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from bot.rituals.triage.domain.tickets import (
    SEVERITIES_MOST_FIRST,
    Outcome,
    Severity,
    TicketStatus,
    TicketView,
    triage_order,
)


class AgeBucket(StrEnum):
    THIS_WEEK = "this week"
    ONE_TO_TWO_WEEKS = "1-2 weeks"
    TWO_TO_FOUR_WEEKS = "2-4 weeks"
    OVER_A_MONTH = "over 4 weeks"


def age_bucket(created_at: datetime, now: datetime) -> AgeBucket:
    age = now - created_at
    if age < timedelta(days=7):
        return AgeBucket.THIS_WEEK
    if age < timedelta(days=14):
        return AgeBucket.ONE_TO_TWO_WEEKS
    if age < timedelta(days=28):
        return AgeBucket.TWO_TO_FOUR_WEEKS
    return AgeBucket.OVER_A_MONTH


CLOSE_AFTER_HOURS_MAX = 24 * 14


def closing_is_due(started_at: datetime, close_after_hours: int | None, now: datetime) -> bool:
    """A session closes by itself `close_after_hours` after its thread started (if configured),
    like a PM pressing Close triage at the end of the meeting."""
    return close_after_hours is not None and now >= started_at + timedelta(hours=close_after_hours)


def is_overdue(created_at: datetime, now: datetime, sla_days: int) -> bool:
    """Past the workspace's SLA: open longer than `sla_days` days."""
    return now - created_at > timedelta(days=sla_days)


@dataclass(frozen=True)
class ThreadCounts:
    total: int
    new: int
    carried_over: int
    overdue: int
    by_severity: dict[Severity, int]
    by_age: dict[AgeBucket, int]


def count_thread(
    tickets: Sequence[TicketView],
    *,
    shown_before: Collection[int],
    now: datetime,
    sla_days: int,
) -> ThreadCounts:
    """Carried over = already shown in an earlier thread (`shown_before`: ticket ids); the
    rest are new."""
    carried = sum(1 for t in tickets if t.id in shown_before)
    severity = Counter(t.severity for t in tickets)
    ages = Counter(age_bucket(t.created_at, now) for t in tickets)
    return ThreadCounts(
        total=len(tickets),
        new=len(tickets) - carried,
        carried_over=carried,
        overdue=sum(1 for t in tickets if is_overdue(t.created_at, now, sla_days)),
        by_severity={s: severity.get(s, 0) for s in SEVERITIES_MOST_FIRST},
        by_age={b: ages.get(b, 0) for b in AgeBucket},
    )


@dataclass(frozen=True)
class CreatedIssue:
    ticket_id: int
    title: str
    key: str
    url: str


@dataclass(frozen=True)
class SessionSummary:
    outcomes: dict[Outcome, int]
    left: int
    left_overdue: int
    median_time_to_triage: timedelta | None
    created_issues: list[CreatedIssue] = field(default_factory=list)

    @property
    def triaged(self) -> int:
        return sum(self.outcomes.values())


def summarise(
    *,
    decided: Sequence[tuple[Outcome, timedelta]],
    left: int,
    left_overdue: int,
    created_issues: Sequence[CreatedIssue],
) -> SessionSummary:
    """`decided`: each triaged ticket's outcome and its time from arrival to the decision."""
    counts = Counter(outcome for outcome, _ in decided)
    return SessionSummary(
        outcomes={o: counts.get(o, 0) for o in Outcome},
        left=left,
        left_overdue=left_overdue,
        median_time_to_triage=median_duration([d for _, d in decided]),
        created_issues=list(created_issues),
    )


def median_duration(durations: Sequence[timedelta]) -> timedelta | None:
    if not durations:
        return None
    seconds = statistics.median(d.total_seconds() for d in durations)
    return timedelta(seconds=round(seconds))


def format_duration(duration: timedelta) -> str:
    """'3d 4h', '5h 10m', '12m': short enough for a summary line."""
    minutes = int(duration.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    return f"{minutes}m"


OPEN_STATUSES = frozenset({TicketStatus.OPEN, TicketStatus.FILING})


def still_open(tickets: Sequence[TicketView]) -> list[TicketView]:
    """Tickets nobody has decided yet (a Bug or Feature click in flight counts as open)."""
    return [t for t in tickets if t.status in OPEN_STATUSES]


def summary_of(
    tickets: Sequence[TicketView], *, since: datetime, now: datetime, sla_days: int
) -> SessionSummary:
    """A session's summary: what was decided since it started, what is left and how late."""
    decided = [
        t
        for t in tickets
        if t.status == TicketStatus.TRIAGED
        and t.outcome is not None
        and t.decided_at is not None
        and t.decided_at >= since
    ]
    left = still_open(tickets)
    issues = [
        CreatedIssue(t.id, t.title, t.tracker_key or "", t.tracker_url or "")
        for t in triage_order(decided)
        if t.outcome is Outcome.BUG and t.tracker_url
    ]
    return summarise(
        decided=[
            (t.outcome, t.decided_at - t.created_at) for t in decided if t.outcome and t.decided_at
        ],
        left=len(left),
        left_overdue=sum(1 for t in left if is_overdue(t.created_at, now, sla_days)),
        created_issues=issues,
    )
