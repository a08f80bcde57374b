"""The playground's clock: real time plus an offset that only ever grows.

The container is built with it (`build_container(clock=...)`), so every service, job and
timestamp the app makes reads the same "now" the page shows; jumping a week ahead moves the
offset, never the machine's time. Signatures stay on real time: Slack signs with its own clock
and the app checks it against the host's, so that is what the signer uses too.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class PlaygroundClock:
    def __init__(self, *, start: datetime | None = None) -> None:
        real = datetime.now(UTC)
        self._offset = (start - real) if start is not None else timedelta(0)
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            offset = self._offset
        return datetime.now(UTC) + offset

    @property
    def offset(self) -> timedelta:
        with self._lock:
            return self._offset

    def advance(self, by: timedelta) -> datetime:
        """Moves the clock forward (never back: the app's periods and leases assume time only
        goes forward). Returns the new now."""
        if by < timedelta(0):
            raise ValueError("the playground clock only moves forward")
        with self._lock:
            self._offset += by
        return self()

    def set_at_least(self, moment: datetime) -> datetime:
        """Moves the clock to `moment` if that is ahead of now (used to step through the
        firings of a jump one at a time)."""
        with self._lock:
            ahead = moment - (datetime.now(UTC) + self._offset)
            if ahead > timedelta(0):
                self._offset += ahead
        return self()
