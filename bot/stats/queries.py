"""The stats as SQL aggregations, each scoped by team and bounded by a time window.

No query loads the rows it measures into Python: counts and distinct counts are aggregates, and
medians and 90th percentiles are computed by the database: `percentile_cont` on Postgres, and
on SQLite a count followed by the one or two middle rows of the sorted durations (ORDER BY ...
OFFSET, as the feedback digest's median does), interpolated exactly like `percentile_cont`, so
both backends give the same numbers. None of these commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    case,
    cast,
    distinct,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import array as pg_array
from sqlalchemy.orm import Session, aliased

from bot.outbox.domain import DeliveryState
from bot.rituals.buddies.domain import CallStatus, Group
from bot.rituals.feedback.domain import Status
from bot.rituals.feedback.models import FeedbackItem
from bot.rituals.reporting.models import PulseSurvey
from bot.rituals.triage.domain import SessionState, TicketStatus
from bot.rituals.triage.models import SessionTicket, Ticket, TriageSession
from bot.scheduling.models import RitualSchedule
from bot.stats import models as _indexes  # noqa: F401  (the indexes these queries read)
from bot.stats.domain import Percentiles, Window, interpolate, low_index

FRACTIONS = (0.5, 0.9)
SENT = DeliveryState.SENT.value
TRIAGED = TicketStatus.TRIAGED.value
DELETED = TicketStatus.DELETED.value
PLANNED = Status.PLANNED.value
SHIPPED = Status.SHIPPED.value
SUPERSEDED = SessionState.SUPERSEDED.value
CLAIMED = CallStatus.CLAIMED.value
PM = Group.PM.value


def seconds_between(session: Session, later: Any, earlier: Any) -> ColumnElement[Any]:
    """Seconds from `earlier` to `later`, in each backend's own date arithmetic."""
    if session.get_bind().dialect.name == "sqlite":
        return (func.julianday(later) - func.julianday(earlier)) * 86400.0
    return func.extract("epoch", later - earlier)


def percentiles(
    session: Session, seconds: ColumnElement[Any], conditions: Sequence[Any]
) -> Percentiles:
    """Median and p90 of `seconds` over the rows matching `conditions` (whole seconds), from
    one sort of the durations: Postgres's `percentile_cont` over an array of fractions, or on
    SQLite a row number over the sorted durations, keeping only the (at most four) rows on
    either side of each percentile's position."""
    if session.get_bind().dialect.name == "postgresql":
        row = session.execute(
            select(
                func.count(),
                func.percentile_cont(pg_array(list(FRACTIONS))).within_group(seconds),
            ).where(*conditions)
        ).one()
        if not row[0]:
            return Percentiles(0, None, None)
        median, p90 = row[1]
        return Percentiles(int(row[0]), _whole(median), _whole(p90))
    ranked = (
        select(
            seconds.label("value"),
            func.row_number().over(order_by=seconds).label("rank"),
            func.count().over().label("total"),
        )
        .where(*conditions)
        .subquery()
    )
    near = []
    for fraction in FRACTIONS:
        # CAST truncates, which is floor for these non-negative positions (as `low_index`)
        first = cast(fraction * (ranked.c.total - 1), Integer) + 1
        near.append(ranked.c.rank.between(first, first + 1))
    rows = session.execute(
        select(ranked.c.value, ranked.c.rank, ranked.c.total)
        .where(or_(*near))
        .order_by(ranked.c.rank)
    ).all()
    if not rows:
        return Percentiles(0, None, None)
    count = int(rows[0].total)
    by_rank = {int(row.rank): float(row.value) for row in rows}
    found = []
    for fraction in FRACTIONS:
        low = low_index(fraction, count)
        values = [by_rank[rank] for rank in (low + 1, low + 2) if rank in by_rank]
        found.append(interpolate(values, fraction, count, low))
    return Percentiles(count, _whole(found[0]), _whole(found[1]))


def _whole(value: Any) -> float | None:
    # whole seconds: SQLite's julianday arithmetic carries float noise in the microseconds
    return None if value is None else float(round(float(value)))


def _within(column: Any, window: Window) -> list[Any]:
    return [column >= window.start, column < window.end]


# ---- what exists at all (an empty workspace gets an explanation, not zeros) ------------------


def has_feedback(session: Session, team_id: str) -> bool:
    return bool(session.scalar(select(exists().where(FeedbackItem.team_id == team_id))))


def has_tickets(session: Session, team_id: str) -> bool:
    return bool(session.scalar(select(exists().where(Ticket.team_id == team_id))))


def has_sessions(session: Session, team_id: str) -> bool:
    return bool(session.scalar(select(exists().where(TriageSession.team_id == team_id))))


def has_schedules(session: Session, team_id: str) -> bool:
    return bool(session.scalar(select(exists().where(RitualSchedule.team_id == team_id))))


def has_surveys(session: Session, team_id: str) -> bool:
    return bool(session.scalar(select(exists().where(PulseSurvey.team_id == team_id))))


# ---- feedback ---------------------------------------------------------------------------------


def time_to_review(session: Session, team_id: str, window: Window) -> Percentiles:
    """Capture → first review, over the items first reviewed in the window."""
    seconds = seconds_between(session, FeedbackItem.reviewed_at, FeedbackItem.captured_at)
    return percentiles(
        session,
        seconds,
        [
            FeedbackItem.team_id == team_id,
            FeedbackItem.merged_into_id.is_(None),
            *_within(FeedbackItem.reviewed_at, window),
        ],
    )


def time_to_planned(session: Session, team_id: str, window: Window) -> Percentiles:
    """Capture → planned, over the items that became planned in the window and still are
    (the feedback table keeps only the latest status change: once shipped, the planned date
    is gone)."""
    seconds = seconds_between(session, FeedbackItem.status_changed_at, FeedbackItem.captured_at)
    return percentiles(
        session,
        seconds,
        [
            FeedbackItem.team_id == team_id,
            FeedbackItem.status == PLANNED,
            FeedbackItem.merged_into_id.is_(None),
            *_within(FeedbackItem.status_changed_at, window),
        ],
    )


def feedback_in(session: Session, team_id: str, window: Window) -> int:
    """Every capture in the window, duplicates merged since included (each was a capture)."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(FeedbackItem)
            .where(FeedbackItem.team_id == team_id, *_within(FeedbackItem.captured_at, window))
        )
        or 0
    )


def on_roadmap(session: Session, team_id: str, window: Window) -> tuple[int, int]:
    """(items captured in the window, of which planned or shipped now), duplicates excluded."""

    def captured(statuses: Sequence[str]) -> int:
        # one index range per status on (team, status, merged_into_id, captured_at)
        return int(
            session.scalar(
                select(func.count())
                .select_from(FeedbackItem)
                .where(
                    FeedbackItem.team_id == team_id,
                    FeedbackItem.status.in_(list(statuses)),
                    FeedbackItem.merged_into_id.is_(None),
                    *_within(FeedbackItem.captured_at, window),
                )
            )
            or 0
        )

    return captured([status.value for status in Status]), captured([PLANNED, SHIPPED])


def shipped(session: Session, team_id: str, window: Window) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(FeedbackItem)
            .where(
                FeedbackItem.team_id == team_id,
                FeedbackItem.status == SHIPPED,
                FeedbackItem.merged_into_id.is_(None),
                *_within(FeedbackItem.status_changed_at, window),
            )
        )
        or 0
    )


def people_who_captured(session: Session, team_id: str, window: Window) -> int:
    return int(
        session.scalar(
            select(func.count(distinct(FeedbackItem.submitted_by))).where(
                FeedbackItem.team_id == team_id, *_within(FeedbackItem.captured_at, window)
            )
        )
        or 0
    )


def accounts_covered(session: Session, team_id: str, window: Window) -> int:
    return int(
        session.scalar(
            select(func.count(distinct(FeedbackItem.account_id))).where(
                FeedbackItem.team_id == team_id,
                FeedbackItem.account_id.is_not(None),
                *_within(FeedbackItem.captured_at, window),
            )
        )
        or 0
    )


# ---- triage -----------------------------------------------------------------------------------


def tickets_in(session: Session, team_id: str, window: Window) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(Ticket)
            .where(
                Ticket.team_id == team_id,
                Ticket.status != DELETED,
                *_within(Ticket.created_at, window),
            )
        )
        or 0
    )


def time_to_triage(session: Session, team_id: str, window: Window) -> Percentiles:
    """Ticket created → decided in triage, over the tickets decided in the window."""
    seconds = seconds_between(session, Ticket.decided_at, Ticket.created_at)
    return percentiles(
        session,
        seconds,
        [Ticket.team_id == team_id, Ticket.status == TRIAGED, *_within(Ticket.decided_at, window)],
    )


def past_sla(session: Session, team_id: str, window: Window, sla_days: int) -> int:
    """Tickets whose SLA ran out in the window while they were still undecided."""
    sla_seconds = sla_days * 86400.0
    deadline_start = window.start - timedelta(days=sla_days)
    deadline_end = window.end - timedelta(days=sla_days)
    late = seconds_between(session, Ticket.decided_at, Ticket.created_at) > sla_seconds
    return int(
        session.scalar(
            select(func.count())
            .select_from(Ticket)
            .where(
                Ticket.team_id == team_id,
                Ticket.status != DELETED,
                Ticket.created_at >= deadline_start,
                Ticket.created_at < deadline_end,
                (Ticket.decided_at.is_(None)) | late,
            )
        )
        or 0
    )


def carried_over(session: Session, team_id: str, window: Window) -> int:
    """Distinct tickets shown again in a session held in the window (an earlier session had
    already shown them). Read from the window's sessions, then their tickets by primary key."""
    earlier = aliased(SessionTicket)
    return int(
        session.scalar(
            select(func.count(distinct(SessionTicket.ticket_id)))
            .select_from(TriageSession)
            .join(
                SessionTicket,
                (SessionTicket.session_id == TriageSession.id)
                & (SessionTicket.team_id == TriageSession.team_id),
            )
            .where(
                TriageSession.team_id == team_id,
                *_within(TriageSession.started_at, window),
                exists().where(
                    earlier.team_id == team_id,
                    earlier.ticket_id == SessionTicket.ticket_id,
                    earlier.session_id < SessionTicket.session_id,
                ),
            )
        )
        or 0
    )


def sessions_held(session: Session, team_id: str, window: Window) -> int:
    """Triage threads posted in the window (a thread replaced by a newer one is not counted)."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(TriageSession)
            .where(
                TriageSession.team_id == team_id,
                TriageSession.parent_ts.is_not(None),
                TriageSession.state != SUPERSEDED,
                *_within(TriageSession.started_at, window),
            )
        )
        or 0
    )


def sessions_closed(session: Session, team_id: str, window: Window) -> tuple[int, int]:
    """(sessions closed in the window, of which every ticket shown was decided by the close)."""
    undecided = (
        select(SessionTicket.ticket_id)
        .join(Ticket, Ticket.id == SessionTicket.ticket_id)
        .where(
            SessionTicket.team_id == team_id,
            SessionTicket.session_id == TriageSession.id,
            Ticket.team_id == team_id,
            Ticket.status != DELETED,
            (Ticket.decided_at.is_(None)) | (Ticket.decided_at > TriageSession.closed_at),
        )
        .exists()
    )
    row = session.execute(
        select(func.count(), func.coalesce(func.sum(case((~undecided, 1), else_=0)), 0)).where(
            TriageSession.team_id == team_id,
            TriageSession.closed_at.is_not(None),
            *_within(TriageSession.closed_at, window),
        )
    ).one()
    return int(row[0] or 0), int(row[1] or 0)
