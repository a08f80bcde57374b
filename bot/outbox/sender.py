"""Drains the outbox at Slack's allowed rate, on its own threads (never a Bolt ack thread).

- About one post per second per channel: the next post to a channel starts `interval` (1.02 s:
  a small margin for network jitter) after the previous one started (`pacing`).
- A 429 pauses that method and channel for Retry-After seconds; the post is tried again.
- 5xx, timeouts and connection errors are retried with exponential backoff, up to MAX_ATTEMPTS.
- `channel_not_found`, `not_in_channel`, `is_archived` (and other Slack errors that retrying
  cannot fix) fail the post and every pending post of that run in that channel, with the error
  recorded and one note to the workspace's admins (`posting`).
- Each attempt first takes a lease on the row in its own transaction, so two senders (a scheduler
  and `opsbot ritual run`) never send one row twice; after a crash the lease expires and the
  rows still pending are sent by whichever sender runs next (`leases`).

This module is the loop that ties them together: load pending rows, start every channel that is
due on a worker thread, turn each answer into the row's next step.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from slack_sdk import WebClient

from bot.db import Sessions
from bot.metrics import Metrics
from bot.outbox import posting, queries
from bot.outbox.domain import MAX_ATTEMPTS, Outcome, backoff_seconds
from bot.outbox.leases import Claimed, Failed, GroupSent, Leases
from bot.outbox.models import Delivery
from bot.outbox.pacing import DONE, ChannelKey, ChannelSchedule, Step
from bot.slack.client import acting_for

logger = logging.getLogger(__name__)

DeliveredHook = Callable[[str, str, str, str, dict[str, str]], None]


@dataclass
class SenderStats:
    sent: int = 0
    failed: int = 0
    retried: int = 0
    ratelimited: int = 0


class OutboxSender:
    def __init__(
        self,
        *,
        sessions: Sessions,
        client: WebClient,
        metrics: Metrics,
        clock: Callable[[], datetime],
        on_delivered: DeliveredHook | None = None,
        interval: float = 1.02,
        workers: int = 8,
        lease_seconds: float = 30.0,
        backoff_base: float = 0.5,
        poll_seconds: float = 2.0,
    ) -> None:
        self._sessions = sessions
        self._client = client
        self._metrics = metrics
        self._clock = clock
        self._on_delivered = on_delivered
        self._interval = interval
        self._workers = workers
        self._backoff_base = backoff_base
        self._poll = poll_seconds
        self.owner = f"sender-{uuid.uuid4().hex[:12]}"
        self._leases = Leases(
            sessions=sessions, owner=self.owner, lease=timedelta(seconds=lease_seconds)
        )
        self.stats = SenderStats()
        self._cond = threading.Condition()
        self._schedule = ChannelSchedule()
        self._transient: dict[int, int] = {}
        self._wake = threading.Event()
        self._drain_lock = threading.Lock()

    # ---- public -----------------------------------------------------------------------------
    def wake(self) -> None:
        """Tells a running sender that new rows were enqueued, or that its stop event was set:
        a waiting loop looks again at once instead of after the poll."""
        self._wake.set()
        with self._cond:
            self._cond.notify_all()

    def drain(self, *, timeout: float | None = None, stop: threading.Event | None = None) -> bool:
        """Sends until nothing sendable is pending. Returns False on timeout or stop."""
        with self._drain_lock:  # one drain per sender at a time; each starts afresh
            with self._cond:
                self._schedule.clear()
            return self._drain(timeout=timeout, stop=stop)

    def run_forever(self, stop: threading.Event) -> None:
        """The sender loop of a scheduler process: drain, then wait for a wake-up or the poll.
        Whoever sets `stop` calls `wake()` too, so stopping does not wait for the poll."""
        while not stop.is_set():
            try:
                self.drain(stop=stop)
            except Exception:
                # The loop must survive a database blip; the rows stay pending and are retried.
                logger.exception("outbox sender loop failed; retrying in %.0fs", self._poll)
            if stop.is_set():
                break
            self._wake.wait(self._poll)
            self._wake.clear()

    # ---- loop -------------------------------------------------------------------------------
    def _drain(self, *, timeout: float | None, stop: threading.Event | None) -> bool:
        deadline = None if timeout is None else time.monotonic() + timeout
        with ThreadPoolExecutor(self._workers, thread_name_prefix="opsbot-outbox") as pool:
            self._load()
            while True:
                if stop is not None and stop.is_set():
                    return False
                if deadline is not None and time.monotonic() > deadline:
                    return False
                with self._cond:
                    idle = self._schedule.idle()
                if idle:
                    self._load()
                    with self._cond:
                        if self._schedule.idle():
                            return True
                with self._cond:
                    due, wait = self._schedule.take_due(time.monotonic(), longest=self._poll)
                for key, row_id in due:
                    pool.submit(self._work, key, row_id)
                with self._cond:
                    self._cond.wait(min(wait, 0.5))

    def _load(self) -> None:
        with self._cond:
            queued = self._schedule.queued_ids()
        with self._sessions.begin() as session:
            ids = queries.sendable_ids(session, now=self._clock(), exclude=queued, limit=10_000)
            rows = [session.get(Delivery, row_id) for row_id in ids]
            found = [(row.id, row.team_id, row.channel_id) for row in rows if row is not None]
        with self._cond:
            self._schedule.add(found)

    def _work(self, key: ChannelKey, row_id: int) -> None:
        step = Step(again=True, delay=self._backoff_base)
        try:
            step = self._deliver(row_id)
        except Exception:
            # A database blip must not kill the worker; the row stays pending and comes back.
            logger.exception("delivery %s failed unexpectedly; it stays pending", row_id)
        finally:
            with self._cond:
                self._schedule.finish(key, row_id, step, now=time.monotonic())
                self._cond.notify_all()

    # ---- one delivery -----------------------------------------------------------------------
    def _deliver(self, row_id: int) -> Step:
        """Sends one row and records the outcome."""
        claim = self._leases.claim(row_id, now=self._clock())
        if not isinstance(claim, Claimed):
            if claim.failed_ritual is not None:
                self._count(claim.failed_ritual, "failed")
            return claim.step
        with acting_for(claim.team_id):  # the workspace's own token in multi-workspace mode
            return self._post_claimed(row_id, claim)

    def _post_claimed(self, row_id: int, claim: Claimed) -> Step:
        if claim.uncertain:
            found = posting.find_posted(self._client, row_id, claim.payload["channel"])
            if found is not None:
                logger.info("delivery %s was posted before a crash; not posting again", row_id)
                self._sent(row_id, claim.ritual, found)
                return DONE
        posted_at = time.monotonic()
        attempt = posting.post(self._client, claim.payload)
        step = self._record(row_id, claim.ritual, attempt)
        if attempt.outcome is Outcome.SENT:
            # The channel's next post starts `interval` after this one started, so the time
            # Slack takes to answer and our bookkeeping do not slow the channel below its rate.
            return Step(again=False, delay=self._interval, since=posted_at)
        return step

    def _record(self, row_id: int, ritual: str, attempt: posting.Attempt) -> Step:
        now = self._clock()
        pace = self._interval
        if attempt.outcome is Outcome.SENT:
            self._sent(row_id, ritual, attempt.ts or "")
            return Step(again=False, delay=pace)
        if attempt.outcome is Outcome.RATE_LIMITED:
            self._count(ritual, "ratelimited")
            self._leases.release(row_id, now=now, error="ratelimited")
            return Step(again=True, delay=max(attempt.retry_after, pace))
        if attempt.outcome is Outcome.TRANSIENT:
            failures = self._transient.get(row_id, 0) + 1
            self._transient[row_id] = failures
            if failures < MAX_ATTEMPTS:
                self._count(ritual, "retried")
                self._leases.release(row_id, now=now, error=attempt.error or "transient")
                backoff = backoff_seconds(failures, base=self._backoff_base)
                return Step(again=True, delay=max(backoff, pace))
        failed = self._leases.mark_failed(row_id, error=attempt.error or "unknown_error", now=now)
        if failed is not None:
            self._failed(failed, attempt.error or "unknown_error")
        return Step(again=False, delay=pace)

    def _sent(self, row_id: int, ritual: str, ts: str) -> None:
        group = self._leases.mark_sent(row_id, ts=ts, now=self._clock())
        self._transient.pop(row_id, None)
        self._count(ritual, "sent")
        if group is not None and self._on_delivered is not None:
            _follow_up(self._on_delivered, group)

    def _failed(self, failed: Failed, error: str) -> None:
        self._count(failed.ritual, "failed", failed.count)
        posting.tell_admins(
            self._client,
            ritual=failed.ritual,
            channel_id=failed.channel_id,
            admins=failed.admins,
            error=error,
        )

    def _count(self, ritual: str, outcome: str, amount: int = 1) -> None:
        """Counts an outcome in `stats` and in /metrics (workers run on several threads)."""
        with self._cond:
            setattr(self.stats, outcome, getattr(self.stats, outcome) + amount)
        self._metrics.deliveries.labels(ritual, outcome).inc(amount)


def _follow_up(hook: DeliveredHook, group: GroupSent) -> None:
    try:
        hook(group.team_id, group.ritual, group.period, group.channel_id, group.sent)
    except Exception:
        # A ritual's follow-up must not undo or block delivery; it is logged for the admin.
        logger.exception("after_delivery hook of %s failed", group.ritual)
