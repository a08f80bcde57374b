"""Running rituals in the playground: now (as `/ops run`), and across a clock jump.

Both go through the app's own RitualDispatcher and outbox sender. A jump steps the clock to each
planned firing in the jumped interval, in order, and fires it there with
`run_scheduled(now=that moment)`, exactly what the scheduler's job does when it fires on time;
the outbox's period keys make any firing seen twice (by the scheduler and by a jump) harmless.

The real scheduler keeps running on real time. Once the clock is ahead of real time its jobs
no longer line up with the playground's "now", so a ticker here fires whatever falls due on the
playground clock while the playground runs.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.playground.clock import PlaygroundClock
from bot.playground.people import TEAM_ID
from bot.rituals.installed import INSTALLED
from bot.scheduling.registry import UnknownRitualError
from bot.scheduling.triggers import cron_trigger, next_fire

if TYPE_CHECKING:
    from bot.wiring import Container

logger = logging.getLogger(__name__)

MAX_FIRINGS = 400  # per jump: a year of weekly rituals, far more than a page click needs
DRAIN_SECONDS = 60.0
TICK_SECONDS = 20.0


@dataclass(frozen=True)
class Firing:
    at: datetime
    ritual: str
    schedule_id: int


def scheduled_rituals() -> list[dict[str, str]]:
    """The names `/ops run` accepts, with their one-line summary, for the page's clock menu."""
    return [{"name": s.name, "title": s.summary} for r in INSTALLED for s in r.scheduled]


class RitualClock:
    def __init__(self, container: Container, clock: PlaygroundClock) -> None:
        self._container = container
        self._clock = clock
        self._lock = threading.Lock()  # one jump or tick at a time
        self._checked = clock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_now(self, ritual: str, channel_ids: list[str] | None = None) -> dict[str, Any]:
        """Fires `ritual` now under its run-now period, then delivers what it queued."""
        with self._lock:
            try:
                result = self._container.dispatcher.run_now(
                    team_id=TEAM_ID, ritual=ritual, channel_ids=channel_ids, now=self._clock()
                )
            except UnknownRitualError as error:
                return {"ok": False, "error": str(error)}
            delivered = self._container.sender.drain(timeout=DRAIN_SECONDS)
        return {
            "ok": True,
            "ritual": result.ritual,
            "period": result.period,
            "posts": result.posts,
            "skipped": list(result.skipped),
            "delivered": delivered,
        }

    def firings(self, start: datetime, end: datetime) -> list[Firing]:
        """Every planned firing of an enabled schedule in (start, end], in time order."""
        found: list[Firing] = []
        for schedule in self._container.schedules.all_schedules():
            if not schedule.enabled or schedule.team_id != TEAM_ID:
                continue
            trigger = cron_trigger(schedule.rule, ZoneInfo(schedule.time_zone))
            at = next_fire(trigger, start)
            while at is not None and at <= end and len(found) < MAX_FIRINGS:
                if at > start:
                    found.append(Firing(at, schedule.ritual, schedule.id))
                at = next_fire(trigger, at + timedelta(seconds=1))
        return sorted(found, key=lambda f: f.at)[:MAX_FIRINGS]

    def advance(self, by: timedelta) -> dict[str, Any]:
        """Jumps the clock by `by`, firing everything that fell due on the way."""
        with self._lock:
            start = max(self._clock(), self._checked)
            end = start + by
            fired = self._fire_between(start, end)
            self._clock.set_at_least(end)
            self._checked = self._clock()
            self._container.housekeeping(self._clock())
        return {
            "ok": True,
            "now": self._clock().isoformat(),
            "firings": len(fired),
            "fired": [f for f in fired if f["posts"]],
        }

    def _fire_between(self, start: datetime, end: datetime) -> list[dict[str, Any]]:
        """Fires each planned firing at its own moment; returns every firing with the number
        of posts it queued (0: nothing was due, or that period was done already)."""
        fired: list[dict[str, Any]] = []
        for firing in self.firings(start, end):
            now = self._clock.set_at_least(firing.at)
            try:
                result = self._container.dispatcher.run_scheduled(
                    team_id=TEAM_ID, schedule_id=firing.schedule_id, now=now
                )
            except Exception:
                # As the scheduler's own job: one failing ritual never stops the others.
                logger.exception("playground firing failed: ritual=%s", firing.ritual)
                continue
            self._container.sender.drain(timeout=DRAIN_SECONDS)
            fired.append(
                {
                    "ritual": firing.ritual,
                    "at": firing.at.isoformat(),
                    "period": result.period if result else "",
                    "posts": result.posts if result else 0,
                }
            )
        return fired

    # ---- the ticker -------------------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._tick_loop, name="playground-ticker")
        self._thread.daemon = True
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=DRAIN_SECONDS)

    def _tick_loop(self) -> None:
        while not self._stop.wait(TICK_SECONDS):
            self.tick()

    def tick(self) -> None:
        """Fires what fell due on the playground clock since the last look, when that clock
        runs ahead of real time (the scheduler covers real time itself)."""
        with self._lock:
            now = self._clock()
            if self._clock.offset > timedelta(0):
                try:
                    self._fire_between(self._checked, now)
                except Exception:
                    logger.exception("playground ticker failed")
            self._checked = now
