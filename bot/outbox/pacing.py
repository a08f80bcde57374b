"""Per-channel and per-workspace pacing: which rows may start now, and when the next may (no I/O,
no clock: monotonic times are passed in, so the rules are tested without threads or Slack).

- **Per channel, by deadline.** A channel's next post is due `interval` after the previous
  post's *deadline*, not after its start, so a post that started late (a slow transaction, a
  busy machine) does not push every later post back: the lateness is made up. Making up is
  bounded by Slack's own spacing (`spacing`, one second), counted
  from the previous post's *answer*: Slack counts arrivals, a post arrives before its answer
  comes back and the next cannot arrive before it starts, so two arrivals are never closer
  than that however the network delays either (a start-to-start rule is not enough: measured
  on a busy machine, one post took 40 ms to arrive and the next 3 ms).
- **One post in flight per channel**, and at most `max_in_flight` in all: the number of posts
  in flight follows the number of channels that are due, up to that bound.
- **Per workspace**: an optional pace (`workspace_rate` posts/s, a token bucket with a small
  burst) and a pause. A 429 that Slack gives for the workspace's total posting pauses every
  channel of that workspace for Retry-After. Slack does not say which limit a 429 was for, so
  the rule is: 429s on `WORKSPACE_EVIDENCE` (2) different channels of one workspace within
  `WORKSPACE_WINDOW` (1 s) mean the workspace's limit, counting only 429s that the channel's
  own limit cannot explain (the channel's previous post started more than EXPLAINED_WITHIN,
  1.1 s, before): two channels refused at once, each well inside its own limit, point at what
  they share. One channel's 429 alone pauses only that channel (another poster in it, a
  person or another app, or network jitter, is the likelier cause).

Not thread-safe by itself: the sender calls it while holding its condition.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

ChannelKey = tuple[str, str]  # (team_id, channel_id)

SLACK_SPACING = 1.0  # Slack: about one post per second per channel
WORKSPACE_EVIDENCE = 2
WORKSPACE_WINDOW = 1.0
# A 429 on a post that started within this long of the channel's previous post may be the
# channel's own limit (arrivals jitter by tens of milliseconds): it is no workspace evidence.
EXPLAINED_WITHIN = 1.1


@dataclass(frozen=True)
class Step:
    """What happens next to a row: try it again or not; either way the channel waits at least
    `delay` seconds (from when the step is applied) before its next start."""

    again: bool
    delay: float = 0.0


DONE = Step(again=False)


@dataclass
class _Channel:
    rows: deque[int] = field(default_factory=deque)
    deadline: float = 0.0  # when its next post is due
    started: bool = False  # has posted: its deadlines chain from the previous one
    last_start: float | None = None
    gap: float | None = None  # between the last two starts
    busy: bool = False
    waiting: bool = False  # has an entry in its workspace's heap


@dataclass
class _Workspace:
    rate: float | None
    burst: float
    tokens: float = 0.0
    refilled: float | None = None
    paused_until: float = 0.0
    heap: list[tuple[float, int, str]] = field(default_factory=list)  # (deadline, seq, channel)
    recent_429s: deque[tuple[float, str]] = field(default_factory=deque)

    def refill(self, now: float) -> None:
        if self.rate is None:
            return
        if self.refilled is None:
            self.tokens = 1.0  # no burst at first: another sender may have just been posting
        else:
            self.tokens = min(self.burst, self.tokens + (now - self.refilled) * self.rate)
        self.refilled = now


class ChannelSchedule:
    def __init__(
        self,
        *,
        interval: float = 1.01,
        spacing: float | None = None,
        max_in_flight: int = 256,
        workspace_rate: float | None = None,
    ) -> None:
        self._interval = interval
        self._spacing = min(SLACK_SPACING, interval) if spacing is None else spacing
        self._max_in_flight = max_in_flight
        self._workspace_rate = workspace_rate
        self._channels: dict[ChannelKey, _Channel] = {}
        self._workspaces: dict[str, _Workspace] = {}
        self._queued: set[int] = set()
        self._in_flight = 0
        self._seq = 0

    # ---- rows ---------------------------------------------------------------------------------
    def clear(self) -> None:
        self._channels.clear()
        self._workspaces.clear()
        self._queued.clear()
        self._in_flight = 0

    def queued_ids(self) -> set[int]:
        """Rows waiting or in flight (a copy)."""
        return set(self._queued)

    def channels(self) -> set[ChannelKey]:
        """Channels with rows waiting or a post in flight."""
        return {k for k, c in self._channels.items() if c.rows or c.busy}

    def add(self, rows: Iterable[tuple[int, str, str]], *, not_before: float = 0.0) -> None:
        """Queues (row id, team, channel) rows behind their channel's earlier rows; the channel
        starts no earlier than `not_before` (a sender taking over waits out the last post of the
        sender it replaces)."""
        for row_id, team_id, channel_id in rows:
            if row_id in self._queued:
                continue
            key = (team_id, channel_id)
            channel = self._channels.setdefault(key, _Channel())
            channel.deadline = max(channel.deadline, not_before)
            channel.rows.append(row_id)
            self._queued.add(row_id)
            self._wait(key, channel)

    def drop(self, row_ids: Iterable[int]) -> None:
        """Forgets waiting rows that left by another way (failed with the rest of their run)."""
        gone = set(row_ids) & self._queued
        if not gone:
            return
        for channel in self._channels.values():
            if any(row in gone for row in channel.rows):
                channel.rows = deque(row for row in channel.rows if row not in gone)
        self._queued -= gone

    def idle(self) -> bool:
        """Nothing queued and nothing in flight."""
        return not self._queued and self._in_flight == 0

    # ---- time ---------------------------------------------------------------------------------
    def take_due(self, now: float, *, longest: float) -> tuple[list[tuple[ChannelKey, int]], float]:
        """The next row of every channel that is due at `now` and allowed by its workspace (each
        marked in flight), and the seconds until the next one may be (at most `longest`; when
        the in-flight bound is reached, the caller waits for a post to finish)."""
        due: list[tuple[ChannelKey, int]] = []
        wait = longest
        for team_id, workspace in self._workspaces.items():
            if not workspace.heap:
                continue
            if workspace.paused_until > now:
                wait = min(wait, workspace.paused_until - now)
                continue
            workspace.refill(now)
            while workspace.heap and self._in_flight < self._max_in_flight:
                deadline, _, channel_id = workspace.heap[0]
                if deadline > now:
                    wait = min(wait, deadline - now)
                    break
                if workspace.rate is not None and workspace.tokens < 1.0:
                    wait = min(wait, (1.0 - workspace.tokens) / workspace.rate)
                    break
                heapq.heappop(workspace.heap)
                key = (team_id, channel_id)
                channel = self._channels[key]
                channel.waiting = False
                if channel.busy or not channel.rows:
                    continue
                if channel.deadline > now:  # pushed back since it was queued
                    self._wait(key, channel)
                    continue
                if workspace.rate is not None:
                    workspace.tokens -= 1.0
                channel.busy = True
                self._in_flight += 1
                # Due `interval` after this post's deadline (lateness is made up); `finish`
                # keeps it `spacing` after the answer.
                base = channel.deadline if channel.started else now
                channel.deadline = max(base + self._interval, now + self._spacing)
                channel.started = True
                channel.gap = None if channel.last_start is None else now - channel.last_start
                channel.last_start = now
                due.append((key, channel.rows.popleft()))
        return due, max(wait, 0.001)

    def finish(
        self, key: ChannelKey, row_id: int, step: Step, *, now: float, answered: bool = False
    ) -> None:
        """Applies the outcome of a row: back at the head of its channel's queue (to try
        again) or gone; the channel's next deadline pushed back by `step.delay`, and to at least
        `spacing` after `now` when Slack `answered` a post (or may have had one) at `now`."""
        channel = self._channels[key]
        channel.busy = False
        self._in_flight -= 1
        delay = max(step.delay, self._spacing if answered else 0.0)
        if delay:
            channel.deadline = max(channel.deadline, now + delay)
        if step.again:
            channel.rows.appendleft(row_id)
        else:
            self._queued.discard(row_id)
        self._wait(key, channel)

    def rate_limited(self, key: ChannelKey, *, retry_after: float, now: float) -> bool:
        """Records a 429 on `key`; True when the evidence says it was the workspace's limit
        (the whole workspace is then paused for `retry_after`)."""
        team_id, channel_id = key
        workspace = self._workspace(team_id)
        channel = self._channels.get(key)
        if channel is None or channel.gap is None or channel.gap >= EXPLAINED_WITHIN:
            workspace.recent_429s.append((now, channel_id))
        while workspace.recent_429s and workspace.recent_429s[0][0] < now - WORKSPACE_WINDOW:
            workspace.recent_429s.popleft()
        if len({c for _, c in workspace.recent_429s}) < WORKSPACE_EVIDENCE:
            return False
        workspace.paused_until = max(workspace.paused_until, now + retry_after)
        workspace.recent_429s.clear()
        return True

    def workspace_paused_until(self, team_id: str) -> float:
        return self._workspace(team_id).paused_until

    # ---- inside -------------------------------------------------------------------------------
    def _wait(self, key: ChannelKey, channel: _Channel) -> None:
        if channel.busy or channel.waiting or not channel.rows:
            return
        self._seq += 1
        heapq.heappush(self._workspace(key[0]).heap, (channel.deadline, self._seq, key[1]))
        channel.waiting = True

    def _workspace(self, team_id: str) -> _Workspace:
        workspace = self._workspaces.get(team_id)
        if workspace is None:
            # 1% under the rate given and a burst of 2% of a second: arrivals bunch up on the
            # way to Slack, and the rate given is Slack's cap, not a target to touch.
            rate = None if self._workspace_rate is None else self._workspace_rate / 1.01
            burst = 1.0 if rate is None else max(1.0, rate * 0.02)
            workspace = self._workspaces[team_id] = _Workspace(rate=rate, burst=burst)
        return workspace
