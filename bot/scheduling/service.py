"""Use cases: saving schedules (validated) and running a ritual into the outbox.

`RitualDispatcher.run_ritual` is what a scheduled job, `/ops run` and `opsbot ritual run` all call:
it composes and enqueues the posts of every channel not yet done for the period, in one unit of
work per channel, then wakes the sender. Running it twice for one period creates nothing new.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.db import Sessions, read_only
from bot.metrics import Metrics
from bot.outbox import queries as outbox_queries
from bot.outbox.domain import OutgoingTarget
from bot.outbox.service import Outbox
from bot.scheduling import queries
from bot.scheduling.domain import (
    DEFAULT_GRACE,
    RunResult,
    ScheduleInputError,
    ScheduleRule,
    ScheduleSettings,
    ScheduleView,
    parse_time_zone,
    run_now_period,
)
from bot.scheduling.due import DueReport, DueRuns, Firing
from bot.scheduling.models import RitualSchedule
from bot.scheduling.queries import view_of
from bot.scheduling.registry import RitualRegistry
from bot.scheduling.triggers import next_run
from bot.slack.client import acting_for
from bot.workspace import queries as workspace_queries

logger = logging.getLogger(__name__)


class ChannelChecker(Protocol):
    def problem_with(self, channel_id: str) -> str | None:
        """Why the bot cannot post in this channel, or None when it can."""


class ScheduleService:
    def __init__(
        self, *, sessions: Sessions, channels: ChannelChecker, ritual_names: Sequence[str]
    ) -> None:
        self._sessions = sessions
        self._reads = read_only(sessions)
        self._channels = channels
        self.ritual_names: tuple[str, ...] = tuple(ritual_names)

    def save(
        self,
        *,
        team_id: str,
        ritual: str,
        channel_ids: Sequence[str],
        rule: ScheduleRule,
        now: datetime,
        time_zone: str | None = None,
        enabled: bool = True,
        options: dict[str, Any] | None = None,
        key: str = "default",
        user_id: str = "",
    ) -> ScheduleView:
        """Creates or replaces a schedule; raises `ScheduleInputError` (nothing saved) on bad
        input. The scheduler picks the change up at its next sync, without a restart."""
        errors = _input_errors(channel_ids=channel_ids, time_zone=time_zone)
        problems = [
            f"<#{channel}>: {problem}"
            for channel in channel_ids
            if (problem := self._channels.problem_with(channel))
        ]
        if problems:
            errors["channels"] = "; ".join(problems)[:2000]
        if errors:
            raise ScheduleInputError(errors)
        with self._sessions.begin() as session:
            row = session.scalars(
                select(RitualSchedule).where(
                    RitualSchedule.team_id == team_id,
                    RitualSchedule.ritual == str(ritual),
                    RitualSchedule.key == key,
                )
            ).one_or_none()
            if row is None:
                row = RitualSchedule(team_id=team_id, ritual=str(ritual), key=key)
                session.add(row)
            row.channel_ids = list(channel_ids)
            row.rule = rule.to_json()
            row.time_zone = time_zone.strip() if time_zone else None
            row.enabled = enabled
            row.options = dict(options or {})
            row.updated_at = now
            row.updated_by = user_id
            session.flush()
            return view_of(row, _workspace_zone(session, team_id))

    def check_input(self, *, channel_ids: Sequence[str], time_zone: str | None) -> None:
        """What `save` checks without asking Slack (safe before an ack); raises
        `ScheduleInputError`. `save` checks the channels with Slack on top."""
        errors = _input_errors(channel_ids=channel_ids, time_zone=time_zone)
        if errors:
            raise ScheduleInputError(errors)

    def set_enabled(self, *, team_id: str, schedule_id: int, enabled: bool, now: datetime) -> None:
        with self._sessions.begin() as session:
            row = session.scalars(
                select(RitualSchedule).where(
                    RitualSchedule.team_id == team_id, RitualSchedule.id == schedule_id
                )
            ).one()
            row.enabled = enabled
            row.updated_at = now

    def list_schedules(self, *, team_id: str, ritual: str | None = None) -> list[ScheduleView]:
        with self._sessions.begin() as session:
            return _schedules(session, team_id, ritual)

    def settings_view(self, *, team_id: str, now: datetime) -> ScheduleSettings:
        """What the settings modal shows: the workspace's schedules, their next runs and the
        default time zone."""
        with self._sessions.begin() as session:
            schedules = _schedules(session, team_id, None)
            return ScheduleSettings(
                schedules=schedules,
                workspace_zone=_workspace_zone(session, team_id),
                ritual_names=self.ritual_names,
                next_runs={s.id: next_run(s, now) for s in schedules},
            )

    def get(self, *, team_id: str, schedule_id: int) -> ScheduleView | None:
        with self._sessions.begin() as session:
            row = session.scalars(
                select(RitualSchedule).where(
                    RitualSchedule.team_id == team_id, RitualSchedule.id == schedule_id
                )
            ).one_or_none()
            return view_of(row, _workspace_zone(session, team_id)) if row else None

    def all_schedules(self) -> list[ScheduleView]:
        """Every workspace's schedules (the scheduler's sync every few seconds and its
        catch-up): one read-only query, however many workspaces there are."""
        with self._reads() as session:
            return queries.all_schedules(session)


class RitualDispatcher:
    def __init__(
        self,
        *,
        sessions: Sessions,
        outbox: Outbox,
        registry: RitualRegistry,
        schedules: ScheduleService,
        metrics: Metrics,
        on_enqueued: Callable[[], None] = lambda: None,
        grace: timedelta = DEFAULT_GRACE,
    ) -> None:
        self._sessions = sessions
        self._outbox = outbox
        self._registry = registry
        self._schedules = schedules
        self._metrics = metrics
        self._on_enqueued = on_enqueued
        self.grace = grace
        self._due = DueRuns(
            sessions=sessions,
            registry=registry,
            metrics=metrics,
            grace=grace,
            on_enqueued=on_enqueued,
        )

    def run_ritual(
        self,
        *,
        team_id: str,
        ritual: str,
        now: datetime,
        period: str | None = None,
        channel_ids: Sequence[str] | None = None,
        options: dict[str, Any] | None = None,
    ) -> RunResult:
        """Composes and enqueues the run for every channel not yet done for `period`.

        period None is the current period of the ritual's schedule; channel_ids and options
        default to the schedule's. Side effects: delivery rows; wakes the sender. Slack calls
        a ritual makes while composing act for `team_id` (its own token, multi-workspace)."""
        with acting_for(team_id):
            return self._run_ritual(
                team_id=team_id,
                ritual=ritual,
                now=now,
                period=period,
                channel_ids=channel_ids,
                options=options,
            )

    def _run_ritual(
        self,
        *,
        team_id: str,
        ritual: str,
        now: datetime,
        period: str | None,
        channel_ids: Sequence[str] | None,
        options: dict[str, Any] | None,
    ) -> RunResult:
        runner = self._registry.get(ritual)
        schedule = next(iter(self._schedules.list_schedules(team_id=team_id, ritual=ritual)), None)
        if period is None:
            period = _current_period(schedule, now)
        if options is None:
            options = schedule.options if schedule else {}
        targets = getattr(runner, "targets", None)
        if targets is not None:
            return self._run_targets(
                team_id=team_id,
                ritual=ritual,
                period=period,
                targets=targets(team_id=team_id, period=period, options=options, now=now),
                now=now,
            )
        if channel_ids is None:
            channel_ids = schedule.channel_ids if schedule else []
        with self._sessions.begin() as session:
            done = outbox_queries.channels_with_rows(
                session, team_id=team_id, ritual=str(ritual), period=period, channel_ids=channel_ids
            )
        result = RunResult(team_id=team_id, ritual=str(ritual), period=period)
        for channel_id in channel_ids:
            if channel_id in done:
                result.skipped.append(channel_id)
                continue
            posts = runner.compose(
                team_id=team_id, channel_id=channel_id, period=period, options=options, now=now
            )
            with self._sessions.begin() as session:
                result.enqueued[channel_id] = self._outbox.enqueue(
                    session,
                    team_id=team_id,
                    ritual=str(ritual),
                    period=period,
                    channel_id=channel_id,
                    posts=posts,
                    now=now,
                )
        logger.info(
            "ritual run: team=%s ritual=%s period=%s posts=%s skipped=%s",
            team_id,
            ritual,
            period,
            result.posts,
            len(result.skipped),
        )
        if result.posts:
            self._on_enqueued()
        return result

    def _run_targets(
        self,
        *,
        team_id: str,
        ritual: str,
        period: str,
        targets: Sequence[OutgoingTarget],
        now: datetime,
    ) -> RunResult:
        """Enqueues a people-addressed run in one unit of work; each target keeps its own
        period key, so a target already enqueued (by an earlier run) creates nothing new."""
        result = RunResult(team_id=team_id, ritual=str(ritual), period=period)
        with self._sessions.begin() as session:
            for target in targets:
                created = self._outbox.enqueue(
                    session,
                    team_id=team_id,
                    ritual=str(ritual),
                    period=target.period or period,
                    channel_id=target.channel_id,
                    posts=target.posts,
                    now=now,
                )
                if created:
                    result.enqueued[target.channel_id] = (
                        result.enqueued.get(target.channel_id, 0) + created
                    )
                else:
                    result.skipped.append(target.channel_id)
        if result.posts:
            self._on_enqueued()
        return result

    def recently_run_now(
        self, *, team_id: str, ritual: str, now: datetime, within: timedelta
    ) -> datetime | None:
        """When the ritual was last run on demand, if that was less than `within` ago: people's
        run-now is limited per ritual and workspace so a channel cannot be flooded."""
        with self._sessions() as session:
            last = outbox_queries.last_run_now(session, team_id=team_id, ritual=str(ritual))
        return last if last is not None and now - last < within else None

    def run_now(
        self, *, team_id: str, ritual: str, now: datetime, channel_ids: Sequence[str] | None = None
    ) -> RunResult:
        """Runs a ritual at once under its own period key (`now-...`), through the outbox."""
        return self.run_ritual(
            team_id=team_id,
            ritual=ritual,
            period=run_now_period(now),
            channel_ids=channel_ids,
            now=now,
        )

    def run_scheduled(self, *, team_id: str, schedule_id: int, now: datetime) -> RunResult | None:
        """A scheduler firing of one schedule (a batch of one; see `run_due`). Raises what the
        run raised; None when the schedule is paused, gone or missed beyond the grace window."""
        firing = Firing(team_id=team_id, schedule_id=schedule_id)
        report = self.run_due([firing], now=now)
        if firing in report.failed:
            raise report.failed[firing]
        return report.results.get(firing)

    def run_due(self, firings: Sequence[Firing], *, now: datetime) -> DueReport:
        """Every firing due together, as one batch: each runs the latest planned time within
        the grace window, once.

        Misfire policy: a firing missed (bot down) is run late if it was planned less than
        `grace` ago; older ones are skipped with a log line. The period comes from the planned
        time, so a late or repeated firing can never post twice. One workspace's failure is
        logged and reported, never raised. Side effects: delivery rows; wakes the sender."""
        return self._due.run(firings, now=now)


def _input_errors(*, channel_ids: Sequence[str], time_zone: str | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if time_zone:
        try:
            parse_time_zone(time_zone)
        except ValueError as error:
            errors["time_zone"] = str(error)
    if not channel_ids:
        errors["channels"] = "Pick at least one channel."
    return errors


def _current_period(schedule: ScheduleView | None, now: datetime) -> str:
    if schedule is None:
        year, week, _ = now.isocalendar()
        return f"{year}-W{week:02d}"
    return schedule.rule.period_for(now.astimezone(ZoneInfo(schedule.time_zone)))


def _workspace_zone(session: Any, team_id: str) -> str:
    workspace = workspace_queries.get_workspace(session, team_id)
    return workspace.time_zone if workspace else "UTC"


def _schedules(session: Any, team_id: str, ritual: str | None) -> list[ScheduleView]:
    query = select(RitualSchedule).where(RitualSchedule.team_id == team_id)
    if ritual is not None:
        query = query.where(RitualSchedule.ritual == str(ritual))
    zone = _workspace_zone(session, team_id)
    return [view_of(row, zone) for row in session.scalars(query.order_by(RitualSchedule.id))]
