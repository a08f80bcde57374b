"""Drains the outbox at Slack's allowed rate, on its own threads (never a Bolt ack thread).

- About one post per second per channel: the next post to a channel starts `interval` (1.02 s:
  a small margin for network jitter) after the previous one started.
- A 429 pauses that method and channel for Retry-After seconds; the post is tried again.
- 5xx, timeouts and connection errors are retried with exponential backoff, up to MAX_ATTEMPTS.
- `channel_not_found`, `not_in_channel`, `is_archived` (and other Slack errors that retrying
  cannot fix) fail the post and every pending post of that run in that channel, with the error
  recorded and one note to the workspace's admins.
- Each attempt first takes a lease on the row in its own transaction, so two senders (a scheduler
  and `opsbot ritual run`) never send one row twice; after a crash the lease expires and the
  rows still pending are sent by whichever sender runs next.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.db import Sessions
from bot.metrics import Metrics
from bot.outbox import queries
from bot.outbox.domain import (
    CHANNEL_ERRORS,
    MAX_ATTEMPTS,
    DeliveryState,
    Outcome,
    admin_note_text,
    backoff_seconds,
    classify,
)
from bot.outbox.models import Delivery

logger = logging.getLogger(__name__)

METHOD = "chat.postMessage"
METADATA_TYPE = "opsbot_delivery"
ChannelKey = tuple[str, str]  # (team_id, channel_id)
DeliveredHook = Callable[[str, str, str, str, dict[str, str]], None]


@dataclass
class SenderStats:
    sent: int = 0
    failed: int = 0
    retried: int = 0
    ratelimited: int = 0


@dataclass
class _Attempt:
    outcome: Outcome
    ts: str | None = None
    error: str | None = None
    retry_after: float = 0.0


@dataclass(frozen=True)
class _Step:
    """What happens next to a row: try it again (after `delay`) or not; the channel waits
    `delay` before its next post either way, counted from `since` (a monotonic time) when
    given, else from when the step is applied."""

    again: bool
    delay: float = 0.0
    since: float | None = None


DONE = _Step(again=False)


@dataclass
class _ChannelQueue:
    rows: deque[int] = field(default_factory=deque)
    ready_at: float = 0.0
    busy: bool = False


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
        self._lease = timedelta(seconds=lease_seconds)
        self._backoff_base = backoff_base
        self._poll = poll_seconds
        self.owner = f"sender-{uuid.uuid4().hex[:12]}"
        self.stats = SenderStats()
        self._cond = threading.Condition()
        self._queues: dict[ChannelKey, _ChannelQueue] = {}
        self._queued: set[int] = set()
        self._transient: dict[int, int] = {}
        self._wake = threading.Event()
        self._drain_lock = threading.Lock()

    # ---- public -----------------------------------------------------------------------------
    def wake(self) -> None:
        """Tells a running sender that new rows were enqueued (saves waiting for the poll)."""
        self._wake.set()

    def drain(self, *, timeout: float | None = None, stop: threading.Event | None = None) -> bool:
        """Sends until nothing sendable is pending. Returns False on timeout or stop."""
        with self._drain_lock:  # one drain per sender at a time; each starts afresh
            with self._cond:
                self._queues.clear()
                self._queued.clear()
            return self._drain(timeout=timeout, stop=stop)

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
                    idle = not self._queued and not any(q.busy for q in self._queues.values())
                if idle:
                    self._load()
                    with self._cond:
                        if not self._queued:
                            return True
                wait = self._dispatch(pool)
                with self._cond:
                    self._cond.wait(min(wait, 0.5))

    def run_forever(self, stop: threading.Event) -> None:
        """The sender loop of a scheduler process: drain, then wait for a wake-up or the poll."""
        while not stop.is_set():
            try:
                self.drain(stop=stop)
            except Exception:
                # The loop must survive a database blip; the rows stay pending and are retried.
                logger.exception("outbox sender loop failed; retrying in %.0fs", self._poll)
            self._wake.wait(self._poll)
            self._wake.clear()

    # ---- loop -------------------------------------------------------------------------------
    def _load(self) -> None:
        with self._sessions.begin() as session:
            ids = queries.sendable_ids(
                session, now=self._clock(), exclude=set(self._queued), limit=10_000
            )
            rows = [session.get(Delivery, row_id) for row_id in ids]
            found = [(row.id, row.team_id, row.channel_id) for row in rows if row is not None]
        with self._cond:
            for row_id, team_id, channel_id in found:
                if row_id in self._queued:
                    continue
                queue = self._queues.setdefault((team_id, channel_id), _ChannelQueue())
                queue.rows.append(row_id)
                self._queued.add(row_id)

    def _dispatch(self, pool: ThreadPoolExecutor) -> float:
        """Starts one post on every channel that is free and due; returns seconds to the next."""
        now = time.monotonic()
        next_due = self._poll
        with self._cond:
            for key, queue in self._queues.items():
                if queue.busy or not queue.rows:
                    continue
                if queue.ready_at > now:
                    next_due = min(next_due, queue.ready_at - now)
                    continue
                queue.busy = True
                row_id = queue.rows.popleft()
                pool.submit(self._work, key, row_id)
        return max(next_due, 0.001)

    def _work(self, key: ChannelKey, row_id: int) -> None:
        step = _Step(again=True, delay=self._backoff_base)
        try:
            step = self._deliver(row_id)
        except Exception:
            # A database blip must not kill the worker; the row stays pending and comes back.
            logger.exception("delivery %s failed unexpectedly; it stays pending", row_id)
        finally:
            with self._cond:
                queue = self._queues[key]
                start = step.since if step.since is not None else time.monotonic()
                queue.ready_at = max(queue.ready_at, start + step.delay)
                if step.again:
                    queue.rows.appendleft(row_id)
                else:
                    self._queued.discard(row_id)
                queue.busy = False
                self._cond.notify_all()

    # ---- one delivery -----------------------------------------------------------------------
    def _deliver(self, row_id: int) -> _Step:
        """Sends one row and records the outcome."""
        now = self._clock()
        with self._sessions.begin() as session:
            row = session.get(Delivery, row_id)
            if row is None or row.state != DeliveryState.PENDING.value:
                return DONE
            thread_ts: str | None = None
            if row.reply_to_part:
                parent = queries.sent_ts(
                    session,
                    team_id=row.team_id,
                    ritual=row.ritual,
                    period=row.period,
                    channel_id=row.channel_id,
                    part=row.reply_to_part,
                )
                if parent is None:
                    return self._parent_missing(session, row, now)
                thread_ts = parent
            # A lease left by another sender that never recorded an outcome: it crashed while
            # posting, and Slack may or may not have the message.
            uncertain = row.attempts > 0 and row.lease_owner not in (None, self.owner)
            if not queries.claim(
                session, delivery_id=row_id, owner=self.owner, now=now, until=now + self._lease
            ):
                return DONE  # another sender holds it
            payload: dict[str, Any] = {
                "channel": row.channel_id,
                "text": row.text,
                "blocks": row.blocks,
                "metadata": {"event_type": METADATA_TYPE, "event_payload": {"delivery": row_id}},
            }
            ritual = row.ritual
        if thread_ts:
            payload["thread_ts"] = thread_ts
        if uncertain:
            found = self._find_posted(row_id, payload["channel"])
            if found is not None:
                logger.info("delivery %s was posted before a crash; not posting again", row_id)
                self._mark_sent(row_id, ritual, found, self._clock())
                return DONE
        posted_at = time.monotonic()
        attempt = self._post(payload)
        step = self._record(row_id, ritual, attempt, self._interval)
        if attempt.outcome is Outcome.SENT:
            # The channel's next post starts `interval` after this one started, so the time
            # Slack takes to answer and our bookkeeping do not slow the channel below its rate.
            return _Step(again=False, delay=self._interval, since=posted_at)
        return step

    def _parent_missing(self, session: Any, row: Delivery, now: datetime) -> _Step:
        parent_rows = [
            r
            for r in queries.group_rows(
                session,
                team_id=row.team_id,
                ritual=row.ritual,
                period=row.period,
                channel_id=row.channel_id,
            )
            if r.part == row.reply_to_part
        ]
        if parent_rows and parent_rows[0].state == DeliveryState.PENDING.value:
            return _Step(again=True, delay=0.2)  # the parent goes first
        row.state = DeliveryState.FAILED.value
        row.error = "parent_not_sent"
        row.updated_at = now
        self._count(row.ritual, "failed")
        return DONE

    def _find_posted(self, row_id: int, channel_id: str) -> str | None:
        """Looks for this delivery's message (by its metadata) among the channel's latest
        messages: the one Slack read, made only for rows a crashed sender left in flight."""
        try:
            response = self._client.conversations_history(
                channel=channel_id, include_all_metadata=True, limit=200
            )
        except SlackApiError as error:
            logger.warning(
                "could not check delivery %s after a crash (%s); posting it",
                row_id,
                error.response.get("error"),
            )
            return None
        for message in response.get("messages") or []:
            metadata = message.get("metadata") or {}
            if (
                metadata.get("event_type") == METADATA_TYPE
                and (metadata.get("event_payload") or {}).get("delivery") == row_id
            ):
                return str(message.get("ts"))
        return None

    def _post(self, payload: dict[str, Any]) -> _Attempt:
        try:
            response = self._client.chat_postMessage(**payload)
        except SlackApiError as error:
            status = int(getattr(error.response, "status_code", 0) or 0)
            slack_error = error.response.get("error") if error.response is not None else None
            headers = getattr(error.response, "headers", {}) or {}
            retry_after = _retry_after(headers)
            return _Attempt(
                classify(status=status, error=slack_error), None, slack_error, retry_after
            )
        except (OSError, TimeoutError) as error:  # connection refused, reset, read timeout
            return _Attempt(Outcome.TRANSIENT, None, type(error).__name__)
        return _Attempt(Outcome.SENT, str(response.get("ts")))

    def _record(self, row_id: int, ritual: str, attempt: _Attempt, pace: float) -> _Step:
        now = self._clock()
        if attempt.outcome is Outcome.SENT:
            self._mark_sent(row_id, ritual, attempt.ts or "", now)
            return _Step(again=False, delay=pace)
        if attempt.outcome is Outcome.RATE_LIMITED:
            self._count(ritual, "ratelimited")
            self._release(row_id, now, error="ratelimited")
            return _Step(again=True, delay=max(attempt.retry_after, pace))
        if attempt.outcome is Outcome.TRANSIENT:
            failures = self._transient.get(row_id, 0) + 1
            self._transient[row_id] = failures
            if failures < MAX_ATTEMPTS:
                self._count(ritual, "retried")
                self._release(row_id, now, error=attempt.error or "transient")
                return _Step(again=True, delay=max(self._backoff(row_id), pace))
        self._mark_failed(row_id, attempt.error or "unknown_error", now)
        return _Step(again=False, delay=pace)

    def _count(self, ritual: str, outcome: str, amount: int = 1) -> None:
        """Counts an outcome in `stats` and in /metrics (workers run on several threads)."""
        with self._cond:
            setattr(self.stats, outcome, getattr(self.stats, outcome) + amount)
        self._metrics.deliveries.labels(ritual, outcome).inc(amount)

    def _backoff(self, row_id: int) -> float:
        return backoff_seconds(self._transient.get(row_id, 1), base=self._backoff_base)

    def _release(self, row_id: int, now: datetime, *, error: str) -> None:
        with self._sessions.begin() as session:
            row = session.get(Delivery, row_id)
            if row is not None and row.lease_owner == self.owner:
                row.lease_until = None
                row.lease_owner = None
                row.error = error
                row.updated_at = now

    def _mark_sent(self, row_id: int, ritual: str, ts: str, now: datetime) -> None:
        finished: tuple[str, str, str, str, dict[str, str]] | None = None
        with self._sessions.begin() as session:
            row = session.get(Delivery, row_id)
            if row is None:
                return
            row.state = DeliveryState.SENT.value
            row.ts = ts
            row.error = None
            row.sent_at = now
            row.updated_at = now
            row.lease_until = None
            row.lease_owner = None
            session.flush()
            group = queries.group_rows(
                session,
                team_id=row.team_id,
                ritual=row.ritual,
                period=row.period,
                channel_id=row.channel_id,
            )
            if all(r.state == DeliveryState.SENT.value for r in group):
                sent = {r.part: r.ts or "" for r in group}
                finished = (row.team_id, row.ritual, row.period, row.channel_id, sent)
        self._transient.pop(row_id, None)
        self._count(ritual, "sent")
        if finished is not None and self._on_delivered is not None:
            try:
                self._on_delivered(*finished)
            except Exception:
                # A ritual's follow-up must not undo or block delivery; it is logged for the admin.
                logger.exception("after_delivery hook of %s failed", finished[1])

    def _mark_failed(self, row_id: int, error: str, now: datetime) -> None:
        note: tuple[str, str, str, list[str]] | None = None
        with self._sessions.begin() as session:
            row = session.get(Delivery, row_id)
            if row is None:
                return
            row.state = DeliveryState.FAILED.value
            row.error = error[:255]
            row.updated_at = now
            row.lease_until = None
            row.lease_owner = None
            failed = 1
            if error in CHANNEL_ERRORS:
                session.flush()
                failed += queries.fail_pending_in_group(session, row=row, error=error, now=now)
            admins = queries.admin_user_ids(session, team_id=row.team_id)
            note = (row.ritual, row.channel_id, row.team_id, admins)
            logger.warning(
                "delivery failed for good: team=%s ritual=%s period=%s channel=%s error=%s",
                row.team_id,
                row.ritual,
                row.period,
                row.channel_id,
                error,
            )
        self._count(note[0], "failed", failed)
        self._tell_admins(ritual=note[0], channel_id=note[1], admins=note[3], error=error)

    def _tell_admins(self, *, ritual: str, channel_id: str, admins: list[str], error: str) -> None:
        text = admin_note_text(ritual=ritual, channel_id=channel_id, error=error)
        for user_id in admins:
            try:
                self._client.chat_postMessage(channel=user_id, text=text)
            except SlackApiError as api_error:
                logger.warning(
                    "could not tell admin %s about a failed delivery: %s",
                    user_id,
                    api_error.response.get("error"),
                )


def _retry_after(headers: Any) -> float:
    for name in ("Retry-After", "retry-after"):
        value = headers.get(name) if hasattr(headers, "get") else None
        if value is None:
            continue
        if isinstance(value, list):
            value = value[0] if value else None
        try:
            return float(str(value))
        except ValueError:
            return 1.0
    return 1.0
