"""Dropping Slack's event retries without waiting for a database write lock before the ack.

Slack retries an event (same `event_id`) when it did not see a 2xx in 3 s, and says so: every
retry carries `X-Slack-Retry-Num`. The check before the ack is a memory lookup and, for a retry
that memory does not know (this process restarted, or another replica took the first
delivery), one primary-key read (under SQLite's WAL a read never waits for the writer; on
Postgres it takes no lock). A first delivery has nothing to find in the database, so it skips
the read: the common ack costs no database round trip (bench/ack_latency.py, `event`). The id
is then written by one background writer with an insert-if-absent, off the ack path, so it
survives restarts and spans replicas. Between the read and the write there is a window of
milliseconds in which a retry reaching another replica would pass; rituals keep their own
idempotency keys for that (a captured message is stored once), as they must anyway.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from bot.workspace.service import WorkspaceService

logger = logging.getLogger(__name__)


class EventDeduper:
    def __init__(
        self,
        *,
        workspaces: WorkspaceService,
        clock: Callable[[], datetime],
        remember: int = 20_000,
    ) -> None:
        self._workspaces = workspaces
        self._clock = clock
        self._remember = remember
        self._recent: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._lock = threading.Lock()
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="opsbot-event-ids")

    def first_delivery(self, *, team_id: str, event_id: str, retry: bool = True) -> bool:
        """True the first time this event is seen (then it is remembered); False for a repeat.

        `retry=False` (no `X-Slack-Retry-Num`: Slack's first attempt) skips the database read,
        since no earlier delivery can have recorded the id."""
        key = (team_id, event_id)
        with self._lock:
            if key in self._recent:
                return False
            self._recent[key] = None
            while len(self._recent) > self._remember:
                self._recent.popitem(last=False)
        if retry and self._workspaces.event_seen(team_id=team_id, event_id=event_id):
            return False
        self._writer.submit(self._record, team_id, event_id, self._clock())
        return True

    def _record(self, team_id: str, event_id: str, now: datetime) -> None:
        try:
            self._workspaces.mark_event_processed(team_id=team_id, event_id=event_id, now=now)
        except Exception:
            # The memory copy still drops retries to this process; the next delivery of a
            # new event tries the database again.
            logger.exception("could not record event id %s", event_id)

    def flush(self, timeout: float = 5.0) -> None:
        """Waits until every id seen so far is written (tests, shutdown)."""
        self._writer.submit(lambda: None).result(timeout=timeout)

    def close(self) -> None:
        self._writer.shutdown(wait=True)
