"""Drains the outbox at Slack's allowed rate, on its own threads (never a Bolt ack thread).

- About one post per second per channel: each channel's posts are due by deadline
  (`interval`, 1.01 s: the 1% is room to make lateness up) and never start sooner than one
  second after Slack answered the channel's previous post; a 429 pauses that channel
  for Retry-After, and 429s on several channels of one workspace at once pause the workspace
  (`pacing`). `workspace_rate`, when given, paces each workspace's total posting as well.
- 5xx, timeouts and connection errors are retried with exponential backoff, up to MAX_ATTEMPTS.
- `channel_not_found`, `not_in_channel`, `is_archived` (and other Slack errors that retrying
  cannot fix) fail the post and every pending post of that run in that channel, with the error
  recorded and one note to the workspace's admins (`posting`).
- The sender takes whole channels (leases on their rows) and records outcomes and marks the
  next posts in one transaction per turn, not two per post (`leases`); a sender that dies is
  replaced as soon as its lock is seen free (`presence`), or when its leases expire.

This module is the loop that ties them together: take channels, start every post that is due
on a worker thread (as many as there are due channels, up to `max_in_flight`), and turn each
answer into the row's next step.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from slack_sdk import WebClient

from bot.db import Sessions
from bot.metrics import Metrics
from bot.outbox import posting
from bot.outbox.domain import MAX_ATTEMPTS, Outcome, backoff_seconds
from bot.outbox.leases import Claimed, Finished, GroupSent, Held, Leases, Result, Synced
from bot.outbox.pacing import DONE, ChannelKey, ChannelSchedule, Step
from bot.outbox.presence import Presence, presence_for
from bot.slack.client import acting_for

logger = logging.getLogger(__name__)

DeliveredHook = Callable[[str, str, str, str, dict[str, str]], None]
PARENT_FIRST = Step(again=True, delay=0.2)  # a reply waits for its parent's post
WATCH_SECONDS = 0.05  # how often a sender looks whether the one holding the work has died


@dataclass
class SenderStats:
    sent: int = 0
    failed: int = 0
    retried: int = 0
    ratelimited: int = 0


@dataclass
class _Turn:
    """What the loop has in hand during one drain."""

    schedule: ChannelSchedule
    held: dict[int, Held] = field(default_factory=dict)
    left_in_group: Counter[tuple[str, str, str, str]] = field(default_factory=Counter)
    finished: list[tuple[ChannelKey, Finished]] = field(default_factory=list)
    blockers: set[str] = field(default_factory=set)  # live senders holding channels we want


class OutboxSender:
    def __init__(
        self,
        *,
        sessions: Sessions,
        client: WebClient,
        metrics: Metrics,
        clock: Callable[[], datetime],
        on_delivered: DeliveredHook | None = None,
        interval: float = 1.01,
        max_in_flight: int = 256,
        workspace_rate: float | None = None,
        lease_seconds: float = 30.0,
        backoff_base: float = 0.5,
        poll_seconds: float = 2.0,
        presence: Presence | None = None,
    ) -> None:
        self._sessions = sessions
        self._client = client
        self._metrics = metrics
        self._clock = clock
        self._on_delivered = on_delivered
        self._interval = interval
        self._max_in_flight = max_in_flight
        self._workspace_rate = workspace_rate
        self._lease_seconds = lease_seconds
        self._backoff_base = backoff_base
        self._poll = poll_seconds
        self.owner = f"sender-{uuid.uuid4().hex[:12]}"
        self._leases = Leases(
            sessions=sessions, owner=self.owner, lease=timedelta(seconds=lease_seconds)
        )
        self._presence = presence or presence_for(sessions.kw["bind"])
        self.stats = SenderStats()
        self._cond = threading.Condition()
        self._transient: dict[int, int] = {}
        self._blockers: set[str] = set()
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
            # Held only while draining: between drains this sender holds no rows.
            self._presence.hold(self.owner)
            try:
                return self._drain(timeout=timeout, stop=stop)
            finally:
                self._presence.close()

    def run_forever(self, stop: threading.Event) -> None:
        """The sender loop of a scheduler process: drain, then wait for a wake-up or the poll
        (looking every WATCH_SECONDS whether a sender holding channels has died). Whoever sets
        `stop` calls `wake()` too, so stopping does not wait for the poll."""
        while not stop.is_set():
            try:
                self.drain(stop=stop)
            except Exception:
                # The loop must survive a database blip; the rows stay pending and are retried.
                logger.exception("outbox sender loop failed; retrying in %.0fs", self._poll)
            if stop.is_set():
                break
            waited = 0.0
            while waited < self._poll and not self._wake.is_set() and not stop.is_set():
                if any(self._presence.gone(owner) for owner in self._blockers):
                    break
                step = min(WATCH_SECONDS, self._poll) if self._blockers else self._poll
                self._wake.wait(step)
                waited += step
            self._wake.clear()

    # ---- loop -------------------------------------------------------------------------------
    def _drain(self, *, timeout: float | None, stop: threading.Event | None) -> bool:
        deadline = None if timeout is None else time.monotonic() + timeout
        turn = _Turn(
            ChannelSchedule(
                interval=self._interval,
                max_in_flight=self._max_in_flight,
                workspace_rate=self._workspace_rate,
            )
        )
        done = False
        pool = ThreadPoolExecutor(self._max_in_flight + 2, thread_name_prefix="opsbot-outbox")
        try:
            self._take(turn)
            taken_at = renewed_at = time.monotonic()
            while not done:
                if stop is not None and stop.is_set():
                    break
                if deadline is not None and time.monotonic() > deadline:
                    break
                with self._cond:
                    finished, turn.finished = turn.finished, []
                    due, wait = turn.schedule.take_due(time.monotonic(), longest=self._poll)
                renew = time.monotonic() - renewed_at > self._lease_seconds / 3
                if finished or due or renew:
                    self._sync(turn, pool, finished, due, renew=renew)
                    renewed_at = time.monotonic() if renew else renewed_at
                with self._cond:
                    idle = turn.schedule.idle() and not turn.finished
                if idle or self._wake.is_set() or time.monotonic() - taken_at > self._poll:
                    self._wake.clear()
                    self._take(turn)
                    taken_at = time.monotonic()
                    with self._cond:
                        done = turn.schedule.idle() and not turn.finished
                    continue
                with self._cond:
                    if not turn.finished:
                        self._cond.wait(min(wait, self._poll))
        finally:
            pool.shutdown(wait=True)  # posts in flight end and report before we let go
            self._settle(turn, pool)
        return done

    def _settle(self, turn: _Turn, pool: ThreadPoolExecutor) -> None:
        """Records what the last posts brought back, then gives back the channels still held."""
        try:
            with self._cond:
                finished, turn.finished = turn.finished, []
            if finished:
                hooks = ThreadPoolExecutor(1, thread_name_prefix="opsbot-outbox-settle")
                with hooks:
                    self._sync(turn, hooks, finished, [], renew=False)
            with self._cond:
                unrecorded = bool(turn.finished)
            # Rows whose post is not recorded keep our lease: whoever takes them after it
            # expires sees them as uncertain and looks in Slack first, instead of posting twice.
            if turn.held and not unrecorded:
                self._leases.let_go(now=self._clock())
        except Exception:
            # Whatever is not recorded stays leased: another sender checks it after the lease.
            logger.exception("outbox sender could not record its last outcomes")

    def _take(self, turn: _Turn) -> None:
        taken = self._leases.take(now=self._clock(), gone=self._presence.gone)
        wall, mono = self._clock(), time.monotonic()
        by_channel: dict[ChannelKey, list[tuple[int, str, str]]] = {}
        with self._cond:
            queued = turn.schedule.queued_ids()
        for held in taken.rows:
            if held.row_id in queued:
                continue
            turn.held[held.row_id] = held
            turn.left_in_group[held.group] += 1
            key = (held.team_id, held.channel_id)
            by_channel.setdefault(key, []).append((held.row_id, *key))
        with self._cond:
            for key, rows in by_channel.items():
                last = taken.last_posted.get(key)
                # A sender that died may have posted here just now: keep Slack's spacing.
                delay = 0.0 if last is None else (last - wall).total_seconds() + self._interval
                turn.schedule.add(rows, not_before=mono + min(max(delay, 0.0), self._interval))
        self._blockers = taken.blockers

    def _sync(
        self,
        turn: _Turn,
        pool: ThreadPoolExecutor,
        finished: list[tuple[ChannelKey, Finished]],
        due: list[tuple[ChannelKey, int]],
        *,
        renew: bool,
    ) -> None:
        """One transaction for everything that came back and everything about to start."""
        keys = dict((row_id, key) for key, row_id in due)
        check: list[tuple[str, str, str, str]] = []
        for _, done in finished:
            held = turn.held.get(done.row_id)
            last = held is not None and turn.left_in_group[held.group] == 1
            if held is not None and last and done.result is Result.SENT:
                check.append(held.group)  # the last row of its run that we hold was sent
        try:
            synced = self._leases.sync(
                finished=[done for _, done in finished],
                start=list(keys),
                uncertain={row for row in keys if turn.held[row].uncertain},
                check_groups=check,
                renew=renew,
                now=self._clock(),
            )
        except Exception:
            # A database blip: nothing was recorded or marked. The outcomes wait for the next
            # turn, and the rows due go back to their channels.
            logger.exception("outbox sender could not record a turn; trying again")
            with self._cond:
                turn.finished[:0] = finished
                for key, row_id in due:
                    turn.schedule.finish(
                        key, row_id, Step(True, self._backoff_base), now=time.monotonic()
                    )
            time.sleep(self._backoff_base)
            return
        for _, done in finished:
            self._counted(turn, done)
        self._apply(turn, pool, synced, keys)

    def _apply(
        self, turn: _Turn, pool: ThreadPoolExecutor, synced: Synced, keys: dict[int, ChannelKey]
    ) -> None:
        now = time.monotonic()
        with self._cond:
            for row_id in synced.later:
                turn.schedule.finish(keys[row_id], row_id, PARENT_FIRST, now=now)
            for row_id in [*synced.gone, *synced.parent_failed]:
                turn.schedule.finish(keys[row_id], row_id, DONE, now=now)
            turn.schedule.drop(synced.dropped)
        for row_id in synced.parent_failed:
            self._count(turn.held[row_id].ritual, "failed")
        for row_id in [*synced.gone, *synced.parent_failed, *synced.dropped]:
            self._forget(turn, row_id)
        for claimed in synced.claimed:
            pool.submit(self._post, turn, keys[claimed.row_id], claimed)
        for failed in synced.failures:
            self._count(failed.ritual, "failed", failed.count)
            pool.submit(
                posting.tell_admins,
                self._client,
                ritual=failed.ritual,
                channel_id=failed.channel_id,
                admins=failed.admins,
                error=failed.error,
            )
        if self._on_delivered is not None:
            for group in synced.groups:
                pool.submit(_follow_up, self._on_delivered, group)

    # ---- one post (a worker thread) -----------------------------------------------------------
    def _post(self, turn: _Turn, key: ChannelKey, claim: Claimed) -> None:
        step, done = Step(again=True, delay=self._backoff_base), None
        try:
            with acting_for(claim.team_id):  # the workspace's own token in multi-workspace mode
                step, done = self._attempt(turn, key, claim)
        except Exception:
            # Not a Slack answer (posting.post never raises for those): the row stays ours and
            # pending, and comes back after the backoff.
            logger.exception("delivery %s failed unexpectedly; it stays pending", claim.row_id)
        finally:
            answered = time.monotonic()
            if done is not None and done.result is Result.SENT:
                done = replace(done, at=self._clock())
            with self._cond:
                if done is not None:
                    turn.finished.append((key, done))
                turn.schedule.finish(key, claim.row_id, step, now=answered, answered=True)
                self._cond.notify_all()

    def _attempt(self, turn: _Turn, key: ChannelKey, claim: Claimed) -> tuple[Step, Finished]:
        row_id = claim.row_id
        if claim.uncertain:
            found = posting.find_posted(self._client, row_id, claim.payload["channel"])
            if found is not None:
                logger.info("delivery %s was posted before a crash; not posting again", row_id)
                return DONE, Finished(row_id, Result.SENT, ts=found)
            held = turn.held.get(row_id)
            if held is not None:  # from now on its attempts are ours: no need to look again
                turn.held[row_id] = replace(held, uncertain=False)
        attempt = posting.post(self._client, claim.payload)
        if attempt.outcome is Outcome.SENT:
            self._transient.pop(row_id, None)
            return DONE, Finished(row_id, Result.SENT, ts=attempt.ts or "")
        if attempt.outcome is Outcome.RATE_LIMITED:
            with self._cond:
                workspace = turn.schedule.rate_limited(
                    key, retry_after=attempt.retry_after, now=time.monotonic()
                )
            if workspace:
                logger.warning(
                    "workspace %s is at Slack's posting limit: pausing it for %.1fs",
                    key[0],
                    attempt.retry_after,
                )
            delay = max(attempt.retry_after, self._interval)
            return Step(True, delay), Finished(row_id, Result.AGAIN, error="ratelimited")
        if attempt.outcome is Outcome.TRANSIENT:
            failures = self._transient.get(row_id, 0) + 1
            self._transient[row_id] = failures
            if failures < MAX_ATTEMPTS:
                backoff = max(backoff_seconds(failures, base=self._backoff_base), self._interval)
                return Step(True, backoff), Finished(
                    row_id, Result.AGAIN, error=attempt.error or "transient"
                )
        self._transient.pop(row_id, None)
        return DONE, Finished(row_id, Result.FAILED, error=attempt.error or "unknown_error")

    # ---- bookkeeping ----------------------------------------------------------------------------
    def _counted(self, turn: _Turn, done: Finished) -> None:
        held = turn.held.get(done.row_id)
        ritual = "" if held is None else held.ritual
        if done.result is Result.SENT:
            self._count(ritual, "sent")
        elif done.result is Result.AGAIN:
            self._count(ritual, "ratelimited" if done.error == "ratelimited" else "retried")
        if done.result is not Result.AGAIN:
            self._forget(turn, done.row_id)

    def _forget(self, turn: _Turn, row_id: int) -> None:
        held = turn.held.pop(row_id, None)
        if held is not None:
            turn.left_in_group[held.group] -= 1

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
