"""The bounded pool for work that runs after a Slack request was acknowledged.

Why a pool of its own: Bolt runs listeners (and its lazy listeners, on the very same executor)
on one thread pool, and the request thread waits up to 3 s for the listener to call `ack()`.
When that pool is busy with slow Web API calls (a `views.open` answered after 5 s), new
listeners cannot even start, so they never ack and Slack shows the person an error. Listeners
therefore ack at once and hand their slow part to this pool, which Bolt never waits on.

Three promises:

- **Bounded**: at most `workers` tasks run and `queue_limit` wait; `try_submit` says False when
  full, so the caller can shed the work politely instead of queueing without end.
- **Never re-raised**: an exception in a task is logged, counted and reported privately to the
  person (SLACK-FACTS "Ack reset": an exception reaching Bolt after the ack can wipe the ack).
- **Drainable**: `shutdown(timeout)` lets running tasks finish for a while and drops the rest.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from contextvars import ContextVar
from typing import Any

from bot.metrics import Metrics
from bot.slack.executor import ContextCopyingExecutor

logger = logging.getLogger(__name__)

# When the current Slack request reached opsbot (time.monotonic()), set by the HTTP endpoint;
# work bound to a trigger id (valid 3 s) checks it before calling views.open.
received_at_var: ContextVar[float | None] = ContextVar("slack_received_at", default=None)

# The Bolt `Ack` of the current Slack request, set by the request middleware; the listener
# thread and after-ack tasks inherit it (their executors copy the context).
current_ack_var: ContextVar[Any] = ContextVar("slack_current_ack", default=None)


def past_the_ack() -> bool:
    """True when the current Slack request has been acknowledged, or when no Slack request is
    being handled at all (a job, the CLI): then nobody waits on a slow Slack call."""
    ack = current_ack_var.get()
    return ack is None or getattr(ack, "response", None) is not None


Task = Callable[[], None]
OnError = Callable[[Exception], None]


class AfterAckPool:
    def __init__(self, *, workers: int, queue_limit: int, metrics: Metrics) -> None:
        self._executor = ContextCopyingExecutor(
            max_workers=workers, thread_name_prefix="opsbot-after-ack"
        )
        self._slots = threading.BoundedSemaphore(workers + queue_limit)
        self.metrics = metrics
        self._closed = False
        self._in_flight: set[Future[None]] = set()
        self._lock = threading.Lock()

    def reserve(self) -> Reservation | None:
        """A place on the pool, taken before the ack so that a full pool can still change the
        ack's answer (a polite "busy" instead of a promise). None when full or closed."""
        if self._closed or not self._slots.acquire(blocking=False):
            self.metrics.after_ack_shed.inc()
            return None
        return Reservation(self)

    def try_submit(self, task: Task, *, on_error: OnError | None = None, name: str = "") -> bool:
        """Runs `task` soon on the pool; False (nothing scheduled) when the pool is full or closed.

        `on_error` is called with any exception the task raises (after logging it); whatever it
        raises in turn is logged and swallowed too.
        """
        reservation = self.reserve()
        return reservation is not None and reservation.submit(task, on_error=on_error, name=name)

    def _submit_reserved(self, task: Task, on_error: OnError | None, name: str) -> bool:
        label = name or getattr(task, "__name__", "task")

        def guarded() -> None:
            started = time.perf_counter()
            try:
                task()
            except Exception as error:
                self.metrics.errors.labels("after_ack", type(error).__name__).inc()
                _log_failure(label, error)
                if on_error is not None:
                    try:
                        on_error(error)
                    except Exception as report_error:
                        logger.warning(
                            "could not report a failure of %s: %s",
                            label,
                            type(report_error).__name__,
                        )
            finally:
                self.metrics.after_ack_seconds.observe(time.perf_counter() - started)

        try:
            future = self._executor.submit(guarded)
        except RuntimeError:  # shut down after the reservation
            self._slots.release()
            self.metrics.after_ack_shed.inc()
            return False
        with self._lock:
            self._in_flight.add(future)
        future.add_done_callback(self._done)
        return True

    def _release(self) -> None:
        self._slots.release()

    def _done(self, future: Future[None]) -> None:
        with self._lock:
            self._in_flight.discard(future)
        self._slots.release()

    def in_flight(self) -> int:
        with self._lock:
            return len(self._in_flight)

    def shutdown(self, *, timeout: float) -> bool:
        """Stops taking work, cancels what has not started and waits up to `timeout` seconds
        for running tasks. True when everything finished in time."""
        self._closed = True
        self._executor.shutdown(wait=False, cancel_futures=True)
        deadline = time.monotonic() + timeout
        while self.in_flight() and time.monotonic() < deadline:
            time.sleep(0.02)
        left = self.in_flight()
        if left:
            logger.warning("%d after-ack task(s) still running at shutdown; leaving them", left)
        return left == 0


class Reservation:
    """One reserved place on the pool: `submit` it once, or `release` it."""

    def __init__(self, pool: AfterAckPool) -> None:
        self._pool: AfterAckPool | None = pool

    def submit(self, task: Task, *, on_error: OnError | None = None, name: str = "") -> bool:
        pool, self._pool = self._pool, None
        if pool is None:
            raise RuntimeError("a reservation is used once")
        return pool._submit_reserved(task, on_error, name)

    def release(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool._release()


def _log_failure(label: str, error: Exception) -> None:
    from bot.errors import UserFacingError

    if isinstance(error, UserFacingError):
        logger.info("after-ack %s: %s", label, error)
    else:
        logger.error("after-ack %s failed", label, exc_info=error)


def seconds_since_received(now: float | None = None) -> float:
    """How long ago the current Slack request arrived (0 when unknown, e.g. in Socket Mode)."""
    received = received_at_var.get()
    if received is None:
        return 0.0
    return (now if now is not None else time.monotonic()) - received
