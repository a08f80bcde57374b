"""Per-channel pacing: which channel may post now, and when the others may (no I/O, no clock).

Each channel has a queue of row ids, a `ready_at` (monotonic seconds) before which it may not
start another post, and a `busy` flag while one of its posts is in flight, so a channel never
has two posts at once. Times are passed in, so the rules are tested without threads or Slack.
Not thread-safe by itself: the sender calls it while holding its condition.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

ChannelKey = tuple[str, str]  # (team_id, channel_id)


@dataclass(frozen=True)
class Step:
    """What happens next to a row: try it again (after `delay`) or not; the channel waits
    `delay` before its next post either way, counted from `since` (a monotonic time) when
    given, else from when the step is applied."""

    again: bool
    delay: float = 0.0
    since: float | None = None


DONE = Step(again=False)


@dataclass
class _ChannelQueue:
    rows: deque[int] = field(default_factory=deque)
    ready_at: float = 0.0
    busy: bool = False


class ChannelSchedule:
    def __init__(self) -> None:
        self._queues: dict[ChannelKey, _ChannelQueue] = {}
        self._queued: set[int] = set()

    def clear(self) -> None:
        self._queues.clear()
        self._queued.clear()

    def queued_ids(self) -> set[int]:
        """Rows waiting or in flight (a copy): a reload must not queue them twice."""
        return set(self._queued)

    def add(self, rows: Iterable[tuple[int, str, str]]) -> None:
        """Queues (row id, team, channel) rows behind their channel's earlier rows."""
        for row_id, team_id, channel_id in rows:
            if row_id in self._queued:
                continue
            queue = self._queues.setdefault((team_id, channel_id), _ChannelQueue())
            queue.rows.append(row_id)
            self._queued.add(row_id)

    def idle(self) -> bool:
        """Nothing queued and nothing in flight."""
        return not self._queued and not any(q.busy for q in self._queues.values())

    def take_due(self, now: float, *, longest: float) -> tuple[list[tuple[ChannelKey, int]], float]:
        """The next row of every channel that is free and due at `now` (each marked busy), and
        the seconds until the next channel becomes due (at most `longest`)."""
        due: list[tuple[ChannelKey, int]] = []
        next_due = longest
        for key, queue in self._queues.items():
            if queue.busy or not queue.rows:
                continue
            if queue.ready_at > now:
                next_due = min(next_due, queue.ready_at - now)
                continue
            queue.busy = True
            due.append((key, queue.rows.popleft()))
        return due, max(next_due, 0.001)

    def finish(self, key: ChannelKey, row_id: int, step: Step, *, now: float) -> None:
        """Applies the outcome of a post: the channel's next start, and the row back at the
        head of its queue (to try again) or gone."""
        queue = self._queues[key]
        start = step.since if step.since is not None else now
        queue.ready_at = max(queue.ready_at, start + step.delay)
        if step.again:
            queue.rows.appendleft(row_id)
        else:
            self._queued.discard(row_id)
        queue.busy = False
