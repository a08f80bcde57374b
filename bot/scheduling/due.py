"""Running every firing that fell due together as one batch (issue 15: a scheduler that fans out).

One run per workspace used to cost five transactions of its own, one after another: 1,000
digests due in the same minute started 21-42 s late. A batch instead:

1. plans every firing in one read: schedules with their zones, the latest planned time within
   the grace window, the period key, and the channels already done for it;
2. composes workspace by workspace (ritual code), in chunks spread over a bounded pool of
   threads, and enqueues each chunk's posts in ONE transaction and one INSERT statement
   (bot/outbox/many.py), waking the sender after each,
   so the first digests leave while later ones are still being composed;
3. isolates failures: a workspace whose compose fails is logged and left out; a chunk whose
   transaction fails is retried one workspace at a time, so one bad row cannot sink the rest.

Everything stays idempotent on the outbox key (team, ritual, period, channel, part), so a
re-fired, caught-up or doubled batch never posts twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.db import Sessions, read_only
from bot.metrics import Metrics
from bot.outbox.domain import OutgoingPost
from bot.outbox.many import RunPosts, enqueue_many
from bot.scheduling import queries
from bot.scheduling.domain import RunResult, ScheduleView
from bot.scheduling.registry import RitualRegistry
from bot.scheduling.triggers import cron_trigger, latest_fire
from bot.slack.client import acting_for

logger = logging.getLogger(__name__)

# Workspaces per transaction: large enough that 1,000 runs are 40 commits, not 1,000, and small
# enough that the first chunk's posts reach the sender while the rest are still composing.
CHUNK = 25
FAILED = "scheduled run failed: team=%s schedule=%s"


@dataclass(frozen=True)
class Firing:
    """One schedule that fell due (what an APScheduler job hands over)."""

    team_id: str
    schedule_id: int


@dataclass
class DueReport:
    """What a batch did: a result per firing that ran, the error per firing that failed.
    A firing in neither was not due (paused, deleted, or missed beyond the grace window)."""

    results: dict[Firing, RunResult] = field(default_factory=dict)
    failed: dict[Firing, Exception] = field(default_factory=dict)

    def merge(self, other: DueReport) -> None:
        self.results |= other.results
        self.failed |= other.failed


@dataclass(frozen=True)
class _Planned:
    firing: Firing
    schedule: ScheduleView
    period: str
    done: frozenset[str]  # channels that already have rows for the period


@dataclass
class _Composed:
    planned: _Planned
    groups: list[tuple[str, str, Sequence[OutgoingPost]]]  # (period, channel, posts)
    skipped: list[str]
    addressed: bool  # a ritual that writes to people: a target already done counts as skipped


class DueRuns:
    def __init__(
        self,
        *,
        sessions: Sessions,
        registry: RitualRegistry,
        metrics: Metrics,
        grace: timedelta,
        on_enqueued: Callable[[], None],
        workers: int | None = None,
        chunk: int = CHUNK,
    ) -> None:
        self._sessions = sessions
        self._reads = read_only(sessions)
        self._registry = registry
        self._metrics = metrics
        self._grace = grace
        self._on_enqueued = on_enqueued
        self._chunk = max(1, chunk)
        self.workers = workers if workers is not None else _default_workers(sessions)

    def run(self, firings: Sequence[Firing], *, now: datetime) -> DueReport:
        """Runs every firing's latest planned time within the grace window, once.

        Side effects: delivery rows (one transaction per chunk of workspaces); wakes the sender
        after each chunk that enqueued something. Never raises for one workspace's failure:
        it is logged and reported in `DueReport.failed`."""
        report = DueReport()
        planned = self._plan(firings, now=now, report=report)
        chunks = [planned[i : i + self._chunk] for i in range(0, len(planned), self._chunk)]
        if self.workers <= 1 or len(chunks) <= 1:
            for part in chunks:
                report.merge(self._run_chunk(part, now))
            return report
        # Bounded parallelism: ritual code that waits (Postgres round trips, a Slack lookup)
        # lets other chunks compose meanwhile; more threads would only queue on the database.
        with ThreadPoolExecutor(self.workers, thread_name_prefix="opsbot-due") as pool:
            for part_report in pool.map(lambda part: self._run_chunk(part, now), chunks):
                report.merge(part_report)
        return report

    # ---- 1. plan: one read for the whole batch ---------------------------------------------
    def _plan(
        self, firings: Sequence[Firing], *, now: datetime, report: DueReport
    ) -> list[_Planned]:
        unique = list(dict.fromkeys(firings))
        planned_by_slot: dict[tuple[str, str], datetime | None] = {}
        runs: list[tuple[Firing, ScheduleView, str]] = []
        with self._reads() as session:
            by_id = {
                view.id: view
                for view in queries.schedules_by_id(session, {f.schedule_id for f in unique})
            }
            for firing in unique:
                schedule = by_id.get(firing.schedule_id)
                if schedule is None or not schedule.enabled or schedule.team_id != firing.team_id:
                    continue
                try:
                    period = self._period(schedule, now, planned_by_slot)
                except Exception as error:  # a rule or zone that no longer parses
                    logger.exception(FAILED, *_ids(firing))
                    report.failed[firing] = error
                    continue
                if period is not None:
                    runs.append((firing, schedule, period))
            done = queries.done_channels(
                session, {(s.team_id, s.ritual, period) for _, s, period in runs}
            )
        return [
            _Planned(
                firing=firing,
                schedule=schedule,
                period=period,
                done=frozenset(
                    channel
                    for channel in schedule.channel_ids
                    if (schedule.team_id, schedule.ritual, period, channel) in done
                ),
            )
            for firing, schedule, period in runs
        ]

    def _period(
        self,
        schedule: ScheduleView,
        now: datetime,
        planned_by_slot: dict[tuple[str, str], datetime | None],
    ) -> str | None:
        """The period of the latest planned firing within the grace window (None: skipped).
        Workspaces sharing a rule and zone share one slot, computed once per batch (walking a
        frequent cron through the grace window costs milliseconds)."""
        zone = ZoneInfo(schedule.time_zone)
        slot = (repr(schedule.rule), schedule.time_zone)
        if slot not in planned_by_slot:
            trigger = cron_trigger(schedule.rule, zone)
            planned_by_slot[slot] = latest_fire(trigger, now=now, within=self._grace)
        planned = planned_by_slot[slot]
        if planned is None:
            logger.warning(
                "skipped a missed run: team=%s ritual=%s schedule=%s (older than %s)",
                schedule.team_id,
                schedule.ritual,
                schedule.id,
                self._grace,
            )
            return None
        self._metrics.scheduler_lateness.labels(schedule.ritual).observe(
            max(0.0, (now - planned).total_seconds())
        )
        return schedule.rule.period_for(planned.astimezone(zone))

    # ---- 2. compose, then enqueue the chunk in one transaction --------------------------------
    def _run_chunk(self, chunk: Sequence[_Planned], now: datetime) -> DueReport:
        report = DueReport()
        composed: list[_Composed] = []
        for planned in chunk:
            try:
                with acting_for(planned.firing.team_id):
                    composed.append(self._compose(planned, now))
            except Exception as error:
                # One workspace's failing ritual must not stop the others; its next firing (or
                # a run-now) tries again, and the outbox keeps it from posting twice.
                logger.exception(FAILED, *_ids(planned.firing))
                report.failed[planned.firing] = error
        try:
            with self._sessions.begin() as session:
                results = self._enqueue(session, composed, now)
        except Exception:
            logger.warning(
                "enqueueing %d scheduled runs together failed; retrying one at a time",
                len(composed),
                exc_info=True,
            )
            results = self._enqueue_one_by_one(composed, now, report)
        for item, result in results:
            report.results[item.planned.firing] = result
            _log_run(result)
        if any(result.posts for _, result in results):
            self._on_enqueued()
        return report

    def _enqueue_one_by_one(
        self, composed: Sequence[_Composed], now: datetime, report: DueReport
    ) -> list[tuple[_Composed, RunResult]]:
        results: list[tuple[_Composed, RunResult]] = []
        for item in composed:
            try:
                with self._sessions.begin() as session:
                    results += self._enqueue(session, [item], now)
            except Exception as error:
                logger.exception(FAILED, *_ids(item.planned.firing))
                report.failed[item.planned.firing] = error
        return results

    def _compose(self, planned: _Planned, now: datetime) -> _Composed:
        schedule = planned.schedule
        runner = self._registry.get(schedule.ritual)
        options: dict[str, Any] = schedule.options
        targets = getattr(runner, "targets", None)
        if targets is not None:
            chosen = targets(
                team_id=schedule.team_id, period=planned.period, options=options, now=now
            )
            groups = [(t.period or planned.period, t.channel_id, t.posts) for t in chosen]
            return _Composed(planned, groups, skipped=[], addressed=True)
        groups = []
        for channel_id in schedule.channel_ids:
            if channel_id in planned.done:
                continue
            posts = runner.compose(
                team_id=schedule.team_id,
                channel_id=channel_id,
                period=planned.period,
                options=options,
                now=now,
            )
            groups.append((planned.period, channel_id, posts))
        skipped = [c for c in schedule.channel_ids if c in planned.done]
        return _Composed(planned, groups, skipped=skipped, addressed=False)

    def _enqueue(
        self, session: Any, items: Sequence[_Composed], now: datetime
    ) -> list[tuple[_Composed, RunResult]]:
        """Every item's posts in one statement per 500 rows (not one per workspace)."""
        runs = [
            RunPosts(item.planned.schedule.team_id, item.planned.schedule.ritual, *group)
            for item in items
            for group in item.groups
        ]
        created = iter(enqueue_many(session, runs, now=now))
        results = []
        for item in items:
            schedule = item.planned.schedule
            result = RunResult(
                team_id=schedule.team_id,
                ritual=schedule.ritual,
                period=item.planned.period,
                skipped=list(item.skipped),
            )
            for _, channel_id, _ in item.groups:
                new = next(created)
                if not item.addressed:
                    result.enqueued[channel_id] = new
                elif new:
                    result.enqueued[channel_id] = result.enqueued.get(channel_id, 0) + new
                else:
                    result.skipped.append(channel_id)
            results.append((item, result))
        return results


def _default_workers(sessions: Sessions) -> int:
    # SQLite has one writer and rituals read inside write transactions (BEGIN IMMEDIATE), so
    # a second thread would only sleep in the busy handler; Postgres overlaps round trips.
    bind = sessions.kw.get("bind")
    return 1 if bind is None or bind.dialect.name == "sqlite" else 4


def _ids(firing: Firing) -> tuple[str, int]:
    return firing.team_id, firing.schedule_id


def _log_run(result: RunResult) -> None:
    logger.info(
        "ritual run: team=%s ritual=%s period=%s posts=%s skipped=%s",
        result.team_id,
        result.ritual,
        result.period,
        result.posts,
        len(result.skipped),
    )
