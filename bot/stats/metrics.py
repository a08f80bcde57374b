"""Measures of two windows → the report's metrics, each with its label, unit, which way is
good news and what to say when there is nothing to measure (pure)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.stats.domain import (
    Better,
    Group,
    Metric,
    Percentiles,
    PulseTally,
    Unit,
    share,
    shown_average,
)
from bot.stats.ritual_metrics import buddy_metrics, release_metrics

NO_DURATIONS = Percentiles(0, None, None)


@dataclass(frozen=True)
class Sources:
    feedback: bool
    tickets: bool
    sessions: bool
    schedules: bool
    surveys: bool
    home: bool
    buddies: bool = False
    releases: bool = False

    @property
    def any(self) -> bool:
        return any(
            (
                self.feedback,
                self.tickets,
                self.sessions,
                self.schedules,
                self.surveys,
                self.home,
                self.buddies,
                self.releases,
            )
        )


@dataclass(frozen=True)
class Measures:
    """Everything measured over one window."""

    review: Percentiles
    planned: Percentiles
    feedback_in: int
    captured: int
    on_roadmap: int
    shipped: int
    people: int
    accounts: int
    tickets_in: int
    weeks: float
    triage: Percentiles
    carried_over: int
    past_sla: int
    held: int
    closed: int
    all_decided: int
    home: int
    runs_due: int
    runs_done: int
    pulse: PulseTally | None
    calls_joined: int = 0
    pms: int = 0
    pms_at_target: int = 0
    call_target: int | None = None  # per PM over the window; None: the buddy ritual is absent
    releases: int = 0
    acks_asked: int = 0
    acks_done: int = 0
    market: Percentiles = NO_DURATIONS


def build_metrics(now: Measures, before: Measures, sources: Sources) -> list[Metric]:
    no_feedback = "no feedback captured yet"
    no_tickets = "no ticket sent to triage yet"
    no_sessions = "no triage session held yet"
    metrics: list[Metric] = []

    def add(
        key: str,
        label: str,
        group: Group,
        unit: Unit,
        pick: Callable[[Measures], float | None],
        better: Better,
        *,
        source: bool,
        never: str,
        missing: str,
        detail: Callable[[Measures], str] = lambda m: "",
    ) -> None:
        metrics.append(
            Metric(
                key=key,
                label=label,
                group=group,
                unit=unit,
                value=pick(now) if source else None,
                previous=pick(before) if source else None,
                better=better,
                detail=detail(now) if source else "",
                missing=missing if source else never,
            )
        )

    fb = sources.feedback
    add(
        "insight.review_median",
        "Capture → reviewed, median",
        Group.INSIGHT,
        Unit.DURATION,
        lambda m: m.review.median,
        Better.LOWER,
        source=fb,
        never=no_feedback,
        missing="no item was reviewed in this period",
        detail=lambda m: f"{m.review.count} items reviewed",
    )
    add(
        "insight.review_p90",
        "Capture → reviewed, 90th percentile",
        Group.INSIGHT,
        Unit.DURATION,
        lambda m: m.review.p90,
        Better.LOWER,
        source=fb,
        never=no_feedback,
        missing="no item was reviewed in this period",
    )
    add(
        "insight.planned_median",
        "Capture → planned, median",
        Group.INSIGHT,
        Unit.DURATION,
        lambda m: m.planned.median,
        Better.LOWER,
        source=fb,
        never=no_feedback,
        missing="no item was planned in this period",
        detail=lambda m: f"{m.planned.count} items planned",
    )
    add(
        "insight.planned_p90",
        "Capture → planned, 90th percentile",
        Group.INSIGHT,
        Unit.DURATION,
        lambda m: m.planned.p90,
        Better.LOWER,
        source=fb,
        never=no_feedback,
        missing="no item was planned in this period",
    )
    add(
        "roadmap.share",
        "Captured items now planned or shipped",
        Group.ROADMAP,
        Unit.SHARE,
        lambda m: share(m.on_roadmap, m.captured),
        Better.HIGHER,
        source=fb,
        never=no_feedback,
        missing="no feedback captured in this period",
        detail=lambda m: f"{m.on_roadmap} of {m.captured}",
    )
    add(
        "roadmap.shipped",
        "Items shipped",
        Group.ROADMAP,
        Unit.COUNT,
        lambda m: m.shipped,
        Better.HIGHER,
        source=fb,
        never=no_feedback,
        missing="",
    )
    if now.call_target is not None:
        buddy_metrics(add, sources.buddies)
    release_metrics(add, sources.releases)
    ts = sources.sessions
    add(
        "sessions.held",
        "Triage sessions held",
        Group.SESSIONS,
        Unit.COUNT,
        lambda m: m.held,
        Better.HIGHER,
        source=ts,
        never=no_sessions,
        missing="",
    )
    add(
        "sessions.closed",
        "Triage sessions closed",
        Group.SESSIONS,
        Unit.COUNT,
        lambda m: m.closed,
        Better.HIGHER,
        source=ts,
        never=no_sessions,
        missing="",
    )
    add(
        "adherence.runs",
        "Scheduled ritual runs that ran",
        Group.ADHERENCE,
        Unit.SHARE,
        lambda m: share(m.runs_done, m.runs_due),
        Better.HIGHER,
        source=sources.schedules,
        never="no ritual is scheduled yet (`/ops settings`)",
        missing="no scheduled run was due in this period",
        detail=lambda m: f"{m.runs_done} of {m.runs_due}",
    )
    add(
        "adherence.all_decided",
        "Closed triage sessions with every ticket decided",
        Group.ADHERENCE,
        Unit.SHARE,
        lambda m: share(m.all_decided, m.closed),
        Better.HIGHER,
        source=ts,
        never=no_sessions,
        missing="no triage session closed in this period",
        detail=lambda m: f"{m.all_decided} of {m.closed}",
    )
    tk = sources.tickets
    add(
        "support.per_week",
        "Tickets in",
        Group.SUPPORT,
        Unit.PER_WEEK,
        lambda m: m.tickets_in / m.weeks,
        Better.NEUTRAL,
        source=tk,
        never=no_tickets,
        missing="",
        detail=lambda m: f"{m.tickets_in} tickets",
    )
    add(
        "support.triage_median",
        "Time to triage, median",
        Group.SUPPORT,
        Unit.DURATION,
        lambda m: m.triage.median,
        Better.LOWER,
        source=tk,
        never=no_tickets,
        missing="no ticket was decided in this period",
        detail=lambda m: f"{m.triage.count} tickets decided",
    )
    add(
        "support.triage_p90",
        "Time to triage, 90th percentile",
        Group.SUPPORT,
        Unit.DURATION,
        lambda m: m.triage.p90,
        Better.LOWER,
        source=tk,
        never=no_tickets,
        missing="no ticket was decided in this period",
    )
    add(
        "support.carried_over",
        "Tickets carried over to a later session",
        Group.SUPPORT,
        Unit.COUNT,
        lambda m: m.carried_over,
        Better.LOWER,
        source=tk and ts,
        never=no_sessions if tk else no_tickets,
        missing="",
    )
    add(
        "support.past_sla",
        "Tickets past the SLA undecided",
        Group.SUPPORT,
        Unit.COUNT,
        lambda m: m.past_sla,
        Better.LOWER,
        source=tk,
        never=no_tickets,
        missing="",
    )
    add(
        "reach.feedback_in",
        "Feedback captured",
        Group.REACH,
        Unit.COUNT,
        lambda m: m.feedback_in,
        Better.HIGHER,
        source=fb,
        never=no_feedback,
        missing="",
    )
    add(
        "reach.people",
        "People who captured feedback",
        Group.REACH,
        Unit.COUNT,
        lambda m: m.people,
        Better.HIGHER,
        source=fb,
        never=no_feedback,
        missing="",
    )
    add(
        "reach.accounts",
        "Accounts covered by feedback",
        Group.REACH,
        Unit.COUNT,
        lambda m: m.accounts,
        Better.HIGHER,
        source=fb,
        never=no_feedback,
        missing="",
    )
    add(
        "reach.home",
        "App Home visitors",
        Group.REACH,
        Unit.COUNT,
        lambda m: m.home,
        Better.HIGHER,
        source=sources.home,
        never="no App Home visit recorded yet",
        missing="",
    )
    sv = sources.surveys
    no_survey = "no pulse survey sent yet"
    add(
        "satisfaction.response_rate",
        "Pulse survey response rate",
        Group.SATISFACTION,
        Unit.SHARE,
        lambda m: share(m.pulse.answers, m.pulse.invited) if m.pulse else None,
        Better.HIGHER,
        source=sv,
        never=no_survey,
        missing="no survey sent in this period",
        detail=lambda m: f"{m.pulse.answers} answers of {m.pulse.invited} asked" if m.pulse else "",
    )
    few = "fewer than 5 answers: no average shown, so no one can tell who said what"
    add(
        "satisfaction.relevance",
        "Insights are relevant and arrive in time",
        Group.SATISFACTION,
        Unit.SCORE,
        lambda m: (
            shown_average(m.pulse.relevance_avg, m.pulse.relevance_count) if m.pulse else None
        ),
        Better.HIGHER,
        source=sv,
        never=no_survey,
        missing=few if now.pulse else "no survey sent in this period",
    )
    add(
        "satisfaction.support",
        "Operational support helps me",
        Group.SATISFACTION,
        Unit.SCORE,
        lambda m: shown_average(m.pulse.support_avg, m.pulse.support_count) if m.pulse else None,
        Better.HIGHER,
        source=sv,
        never=no_survey,
        missing=few if now.pulse else "no survey sent in this period",
    )
    return metrics
