"""The one active APScheduler: one job per ritual and time slot, kept in sync with the database.

- A slot is a ritual, a rule and an IANA zone (the scheduler itself runs in UTC, never the
  host's zone): every schedule in it fires at exactly the same instants, so 1,000 workspaces
  with a Monday 09:00 digest in Berlin are ONE job (explicit id `slot:<ritual>:<zone>:<rule>`)
  whose firing hands all 1,000 to the `FiringQueue` at once. Firings due together (several
  slots at one instant) run as one batch (`RitualDispatcher.run_due`: one read to plan them
  all, a transaction per chunk of workspaces), so lateness does not grow with one job per
  workspace going through APScheduler's small pool. A workspace's failure is logged and never
  stops the others.
- Changes made from Slack are picked up by a sync job every `sync_seconds`, no restart needed:
  a schedule moves between slots, an emptied slot's job is removed.
- Misfire policy: `coalesce=True`, `max_instances=1`, `misfire_grace_time` = the engine's grace
  window; at start-up a firing missed while no scheduler ran is caught up if it was planned
  within the grace window, otherwise skipped with a log line. Every run is idempotent on its
  period (the outbox key), so a late, repeated or doubled firing never posts twice.
- The outbox sender runs on its own thread next to the scheduler (never on a Bolt thread).
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler

from bot.outbox.sender import OutboxSender
from bot.scheduling.domain import ScheduleView
from bot.scheduling.due import Firing
from bot.scheduling.fanin import FiringQueue
from bot.scheduling.leader import LeaderLock, SchedulerAlreadyRunning
from bot.scheduling.service import RitualDispatcher, ScheduleService
from bot.scheduling.triggers import cron_trigger, slot_key

logger = logging.getLogger(__name__)

SLOT_PREFIX = "slot:"
SYNC_JOB_ID = "opsbot:sync-schedules"
HOUSEKEEPING_JOB_ID = "opsbot:housekeeping"
Housekeeping = Callable[[datetime], object]


def job_id(schedule: ScheduleView) -> str:
    """How `next_run_times` names one schedule."""
    return f"ritual:{schedule.team_id}:{schedule.id}"


def slot_id(schedule: ScheduleView) -> str:
    """The APScheduler job id of the slot the schedule fires in."""
    return f"{SLOT_PREFIX}{schedule.ritual}:{schedule.time_zone}:{slot_key(schedule.rule)}"


class RitualScheduler:
    def __init__(
        self,
        *,
        engine: RitualDispatcher,
        schedules: ScheduleService,
        sender: OutboxSender,
        lock: LeaderLock,
        clock: Callable[[], datetime],
        sync_seconds: float = 15.0,
        standby_poll_seconds: float = 5.0,
        housekeeping: Housekeeping | None = None,
    ) -> None:
        self._engine = engine
        self._schedules = schedules
        self._sender = sender
        self._lock = lock
        self._clock = clock
        self._sync_seconds = sync_seconds
        self._standby_poll = standby_poll_seconds
        self._housekeeping = housekeeping
        self._scheduler: BackgroundScheduler | None = None
        self._firings = FiringQueue(self._run_batch)
        self._slots: dict[str, list[ScheduleView]] = {}  # slot job id -> its schedules
        self._sender_stop = threading.Event()
        self._sender_thread: threading.Thread | None = None
        self.is_leader = False
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    # ---- lifecycle --------------------------------------------------------------------------
    def run(self, stop: threading.Event) -> None:
        """Blocks until `stop`: leads when it holds the lock, otherwise waits as a standby.

        Raises `SchedulerAlreadyRunning` where standbys are not supported (SQLite)."""
        try:
            while not stop.is_set():
                if not self.is_leader:
                    if self._lock.try_acquire():
                        self._lead()
                    elif not self._lock.waits_for_leader:
                        raise SchedulerAlreadyRunning(
                            "another opsbot scheduler is already running against this "
                            "database; with SQLite only one may run (stop it, or run "
                            "`opsbot serve --no-scheduler` next to it)"
                        )
                    else:
                        logger.info("standing by: another scheduler holds the lock")
                elif not self._lock.still_held():
                    logger.warning("scheduler lock lost; stepping down to standby")
                    self._step_down()
                stop.wait(self._standby_poll)
        finally:
            self._step_down()
            self._lock.release()

    def start_in_background(self) -> threading.Event:
        """For `opsbot serve`: the scheduler loop on a daemon thread; set the event to stop.
        Refuses at once (raises) when another scheduler holds a SQLite database."""
        stop = threading.Event()
        if not self._lock.try_acquire():
            if not self._lock.waits_for_leader:
                raise SchedulerAlreadyRunning(
                    "another opsbot scheduler is already running against this database; "
                    "start this one with --no-scheduler"
                )
        else:
            self._lead()
        self._thread = threading.Thread(
            target=self.run, args=(stop,), name="opsbot-scheduler", daemon=True
        )
        self._thread.start()
        self._stop = stop
        return stop

    def stop(self, timeout: float = 60.0) -> bool:
        """Stops a scheduler started in the background and waits (at most `timeout` seconds)
        until it let go of the lock. True when it did."""
        if self._thread is None:
            return True
        self._stop.set()
        self._sender.wake()
        self._thread.join(timeout=timeout)
        stopped = not self._thread.is_alive()
        self._thread = None
        return stopped

    def _lead(self) -> None:
        logger.info("this process is now the active scheduler")
        self.is_leader = True
        scheduler = BackgroundScheduler(
            timezone=UTC,
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": int(self._engine.grace.total_seconds()),
            },
        )
        self._scheduler = scheduler
        scheduler.start()
        self._firings.start()
        self._sender_stop = threading.Event()
        self._sender_thread = threading.Thread(
            target=self._sender.run_forever,
            args=(self._sender_stop,),
            name="opsbot-outbox-sender",
            daemon=True,
        )
        self._sender_thread.start()
        self.sync()
        self.catch_up()
        scheduler.add_job(
            self.sync,
            "interval",
            seconds=self._sync_seconds,
            id=SYNC_JOB_ID,
            replace_existing=True,
        )
        scheduler.add_job(
            self.housekeep, "interval", minutes=5, id=HOUSEKEEPING_JOB_ID, replace_existing=True
        )

    def _step_down(self) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
        self._firings.stop()
        self._sender_stop.set()
        self._sender.wake()  # else the stop waits out the sender's poll (2 s)
        if self._sender_thread is not None:
            self._sender_thread.join(timeout=30)
            self._sender_thread = None
        self._slots.clear()
        self.is_leader = False

    # ---- jobs -------------------------------------------------------------------------------
    def sync(self) -> None:
        """Adds and removes slot jobs, and updates each slot's schedules, so they match the
        stored schedules. A slot whose rule or zone cannot be read is logged and left out;
        the other slots still sync."""
        scheduler = self._scheduler
        if scheduler is None:
            return
        wanted: dict[str, list[ScheduleView]] = defaultdict(list)
        for schedule in self._schedules.all_schedules():
            if schedule.enabled:
                wanted[slot_id(schedule)].append(schedule)
        for known in list(self._slots):
            if known not in wanted:
                scheduler.remove_job(known)
                del self._slots[known]
        for ident, members in wanted.items():
            if ident not in self._slots:
                first = members[0]
                try:
                    trigger = cron_trigger(first.rule, ZoneInfo(first.time_zone))
                except Exception:
                    logger.exception("cannot schedule slot %s (%d schedules)", ident, len(members))
                    continue
                # The slot id names the rule and zone, so an existing slot's trigger never
                # changes: only new slots are added (a re-add would move its next run time).
                scheduler.add_job(
                    self._fire, trigger=trigger, id=ident, args=(ident,), replace_existing=True
                )
            self._slots[ident] = members

    def housekeep(self, now: datetime | None = None) -> None:
        """Every 5 minutes, on the leader only: Slack event ids past Slack's retry window are
        pruned, and triage sessions past their configured end are closed."""
        if self._housekeeping is not None:
            self._housekeeping(now or self._clock())

    def catch_up(self) -> None:
        """Runs firings missed while no scheduler ran, if still within the grace window (one
        batch, before any job fires)."""
        self._run_batch(
            [
                Firing(team_id=schedule.team_id, schedule_id=schedule.id)
                for schedule in self._schedules.all_schedules()
                if schedule.enabled
            ]
        )

    def next_run_times(self) -> dict[str, datetime | None]:
        """The next firing of each schedule (named by `job_id`) and of the scheduler's own
        jobs (sync, housekeeping)."""
        scheduler = self._scheduler
        if scheduler is None:
            return {}
        jobs = {job.id: job.next_run_time for job in scheduler.get_jobs()}
        times = {ident: at for ident, at in jobs.items() if not ident.startswith(SLOT_PREFIX)}
        for ident, members in list(self._slots.items()):  # the sync job may change it meanwhile
            times |= {job_id(schedule): jobs.get(ident) for schedule in members}
        return times

    def _fire(self, slot: str) -> None:
        # On APScheduler's pool: hand the slot's schedules over and return (see FiringQueue).
        for schedule in self._slots.get(slot, ()):
            self._firings.put(Firing(team_id=schedule.team_id, schedule_id=schedule.id))

    def _run_batch(self, firings: list[Firing]) -> None:
        if not firings:
            return
        try:
            self._engine.run_due(firings, now=self._clock())
        except Exception:
            # run_due isolates each workspace; this guards against the batch's own read failing
            # (the database away): the next firing, or a new leader's catch-up, runs them.
            logger.exception("a batch of %d scheduled runs failed", len(firings))
