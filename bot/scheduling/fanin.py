"""Where APScheduler hands over firings: one thread runs whatever fell due together as a batch.

A slot job (see scheduler.py) only drops its schedules' `Firing`s here, which takes
microseconds, so APScheduler's small pool never runs rituals itself. The thread below takes
the first firing, gathers the rest of the burst (several slots due at the same instant, in
zones that share it, arrive within milliseconds) and hands the lot to `DueRuns`, which plans
them in one read and enqueues them in a few transactions. Firings arriving while a batch runs
form the next batch.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable

from bot.scheduling.due import Firing

logger = logging.getLogger(__name__)

# A burst is over when no firing arrived for this long...
QUIET_SECONDS = 0.02
# ...or once the first firing of the batch waited this long (its lateness grows meanwhile).
GATHER_SECONDS = 0.25

_STOP = object()


class FiringQueue:
    def __init__(
        self,
        run: Callable[[list[Firing]], object],
        *,
        quiet_seconds: float = QUIET_SECONDS,
        gather_seconds: float = GATHER_SECONDS,
    ) -> None:
        self._run = run
        self._quiet = quiet_seconds
        self._gather = gather_seconds
        self._queue: queue.Queue[object] = queue.Queue()
        self._thread: threading.Thread | None = None

    def put(self, firing: Firing) -> None:
        self._queue.put(firing)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="opsbot-due-runs", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Drops firings not yet started (a new leader's catch-up runs them within the grace
        window), lets a batch in progress finish (at most `timeout` seconds) and ends."""
        thread, self._thread = self._thread, None
        if thread is None:
            return
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        self._queue.put(_STOP)
        thread.join(timeout=timeout)

    def _loop(self) -> None:
        while True:
            first = self._queue.get()
            if first is _STOP:
                return
            batch = self._gather_after(first)
            if batch is None:  # stopped while gathering: the firings are dropped (see stop)
                return
            try:
                self._run(batch)
            except Exception:
                # The batch isolates each workspace's failure; this is the last guard that
                # keeps the thread (and every later firing) alive.
                logger.exception("a batch of %d scheduled runs failed", len(batch))

    def _gather_after(self, first: object) -> list[Firing] | None:
        assert isinstance(first, Firing)
        batch = [first]
        deadline = time.monotonic() + self._gather
        while (left := deadline - time.monotonic()) > 0:
            try:
                item = self._queue.get(timeout=min(self._quiet, left))
            except queue.Empty:
                break
            if item is _STOP:
                return None
            assert isinstance(item, Firing)
            batch.append(item)
        return batch
