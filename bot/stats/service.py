"""The stats use case: a `StatsReport` for a workspace, a period and `now`, with the previous
period of the same length for every trend; and the weekly series the ops report charts.

Read-only: one unit of work per call, nothing written. Every number is one SQL aggregation
(bot/stats/queries.py); only the schedules' expected firings are computed here, from the
handful of schedule rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.db import Sessions
from bot.rituals.buddies.service import BuddyService
from bot.rituals.contract import MissingServiceError, Provided
from bot.rituals.triage.service import TriageService
from bot.scheduling.domain import ScheduleRule
from bot.scheduling.triggers import cron_trigger, next_fire
from bot.stats import queries, ritual_queries
from bot.stats.domain import (
    BUDDIES_NOT_AVAILABLE,
    StatsPeriod,
    StatsReport,
    Window,
    period_target,
    weekly_windows,
)
from bot.stats.metrics import Measures, Sources, build_metrics
from bot.workspace import queries as workspace_queries

MAX_FIRINGS_PER_SCHEDULE = 500


def buddy_target_from(provided: Provided) -> Callable[[str], int | None]:
    """The workspace's monthly buddy call target per PM; None when buddies is not installed."""

    def calls_target(team_id: str) -> int | None:
        try:
            buddies = provided.get(BuddyService)
        except MissingServiceError:
            return None
        return int(buddies.calls_target(team_id=team_id))

    return calls_target


def sla_days_from(provided: Provided, default: int) -> Callable[[str], int]:
    """The workspace's triage SLA, from the triage ritual when it is installed."""

    def sla_days(team_id: str) -> int:
        try:
            triage = provided.get(TriageService)
        except MissingServiceError:
            return default
        return int(triage.settings(team_id=team_id).sla_days)

    return sla_days


@dataclass(frozen=True)
class WeeklySeries:
    """The ops report's chart data: one value per week, oldest first (None: nothing to
    measure that week)."""

    weeks: list[Window]
    feedback_in: list[int]
    review_median: list[float | None]
    tickets_in: list[int]
    triage_median: list[float | None]
    # None when the buddy ritual is not installed: no calls chart then
    calls_joined: list[int] | None = None
    calls_target_per_week: float | None = None  # every enrolled PM at the monthly target


class StatsService:
    def __init__(
        self,
        *,
        sessions: Sessions,
        sla_days: Callable[[str], int],
        calls_target: Callable[[str], int | None] = lambda team_id: None,
    ) -> None:
        self._sessions = sessions
        self._sla_days = sla_days
        self._calls_target = calls_target

    def report(self, *, team_id: str, period: StatsPeriod, now: datetime) -> StatsReport:
        window = Window.ending(now, period)
        previous = window.previous()
        sla = self._sla_days(team_id)
        monthly_target = self._calls_target(team_id)
        target = None if monthly_target is None else period_target(monthly_target, period.days)
        with self._sessions() as session:
            sources = Sources(
                feedback=queries.has_feedback(session, team_id),
                tickets=queries.has_tickets(session, team_id),
                sessions=queries.has_sessions(session, team_id),
                schedules=queries.has_schedules(session, team_id),
                surveys=queries.has_surveys(session, team_id),
                home=ritual_queries.home_visits_recorded(session, team_id),
                buddies=target is not None and ritual_queries.has_buddies(session, team_id),
                releases=ritual_queries.has_releases(session, team_id),
            )
            if not sources.any:
                return StatsReport(team_id, period, window, previous, (), has_data=False)
            current = _measure(session, team_id, window, sla, target, now)
            before = _measure(session, team_id, previous, sla, target, now)
        missing = [] if target is not None else [BUDDIES_NOT_AVAILABLE]
        return StatsReport(
            team_id=team_id,
            period=period,
            window=window,
            previous_window=previous,
            metrics=tuple(build_metrics(current, before, sources)),
            has_data=True,
            not_available=tuple(missing),
        )

    def weekly_series(self, *, team_id: str, now: datetime, weeks: int = 13) -> WeeklySeries:
        buckets = weekly_windows(now, weeks)
        monthly_target = self._calls_target(team_id)
        with self._sessions() as session:
            calls: list[int] | None = None
            pace: float | None = None
            if monthly_target is not None:
                calls = [ritual_queries.calls_joined(session, team_id, w) for w in buckets]
                pace = monthly_target * ritual_queries.enrolled_pms(session, team_id) * 7 / 30
            return WeeklySeries(
                weeks=buckets,
                feedback_in=[queries.feedback_in(session, team_id, w) for w in buckets],
                review_median=[queries.time_to_review(session, team_id, w).median for w in buckets],
                tickets_in=[queries.tickets_in(session, team_id, w) for w in buckets],
                triage_median=[queries.time_to_triage(session, team_id, w).median for w in buckets],
                calls_joined=calls,
                calls_target_per_week=pace,
            )


def _measure(
    session: Session,
    team_id: str,
    window: Window,
    sla: int,
    call_target: int | None,
    now: datetime,
) -> Measures:
    pms, at_target = (
        ritual_queries.pms_at_target(session, team_id, window, call_target)
        if call_target
        else (0, 0)
    )
    captured, roadmap = queries.on_roadmap(session, team_id, window)
    closed, all_decided = queries.sessions_closed(session, team_id, window)
    due = _due_runs(session, team_id, window, now)
    acks = ritual_queries.release_acks(session, team_id, window)
    done = ritual_queries.runs_sent(session, team_id, due)
    return Measures(
        review=queries.time_to_review(session, team_id, window),
        planned=queries.time_to_planned(session, team_id, window),
        feedback_in=queries.feedback_in(session, team_id, window),
        captured=captured,
        on_roadmap=roadmap,
        shipped=queries.shipped(session, team_id, window),
        people=queries.people_who_captured(session, team_id, window),
        accounts=queries.accounts_covered(session, team_id, window),
        tickets_in=queries.tickets_in(session, team_id, window),
        weeks=window.weeks,
        triage=queries.time_to_triage(session, team_id, window),
        carried_over=queries.carried_over(session, team_id, window),
        past_sla=queries.past_sla(session, team_id, window, sla),
        held=queries.sessions_held(session, team_id, window),
        closed=closed,
        all_decided=all_decided,
        home=ritual_queries.home_visitors(session, team_id, window),
        runs_due=len(due),
        runs_done=len(done),
        pulse=ritual_queries.pulse_tally(session, team_id, window),
        calls_joined=ritual_queries.calls_joined(session, team_id, window) if call_target else 0,
        pms=pms,
        pms_at_target=at_target,
        call_target=call_target,
        releases=ritual_queries.releases_announced(session, team_id, window),
        acks_asked=acks[0],
        acks_done=acks[1],
        market=ritual_queries.time_to_market(session, team_id, window),
    )


def _due_runs(
    session: Session, team_id: str, window: Window, now: datetime
) -> set[tuple[str, str]]:
    """(ritual, period) of every firing the enabled schedules planned in the window, since
    each schedule was last changed and before now: what should have run."""
    workspace = workspace_queries.get_workspace(session, team_id)
    default_zone = workspace.time_zone if workspace else "UTC"
    end = min(window.end, now)
    due: set[tuple[str, str]] = set()
    for schedule in ritual_queries.enabled_schedules(session, team_id):
        rule = ScheduleRule.from_json(schedule.rule)
        zone = ZoneInfo(schedule.time_zone or default_zone)
        trigger = cron_trigger(rule, zone)
        fired = next_fire(trigger, max(window.start, schedule.updated_at))
        for _ in range(MAX_FIRINGS_PER_SCHEDULE):
            if fired is None or fired >= end:
                break
            due.add((schedule.ritual, rule.period_for(fired.astimezone(zone))))
            fired = next_fire(trigger, fired + timedelta(seconds=1))
    return due
