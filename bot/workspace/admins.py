"""Who may change settings: Slack workspace admins and owners, plus people opsbot marks admin.

Before a Slack ack the decision is taken from the stored person only (database): asking Slack
(`users.info`) there would make every admin check as slow as Slack. The stored record is
refreshed from Slack after the ack, on the after-ack pool, at most every few minutes per person.
A person opsbot has never seen is looked up in Slack at once when the request was already acked
(an after-ack task, or a listener that acked first); before the ack they are refreshed in the
background and asked to try again in a few seconds.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime

from bot.errors import NotAdminError, UserFacingError
from bot.slack.after_ack import past_the_ack
from bot.slack.directory import UserDirectory
from bot.workspace.service import WorkspaceService

logger = logging.getLogger(__name__)

# Runs a task later, off the ack path; False when it could not be scheduled (pool full).
Background = Callable[[Callable[[], None]], bool]


class AdminNotKnownYetError(UserFacingError):
    """The person was never seen: opsbot is asking Slack now, in the background."""

    def __init__(self) -> None:
        super().__init__(
            "I'm checking with Slack whether you are a workspace admin (I haven't seen you "
            "before). Please try again in a few seconds.",
        )


class AdminGuard:
    def __init__(
        self,
        *,
        workspaces: WorkspaceService,
        directory: UserDirectory,
        clock: Callable[[], datetime],
        background: Background | None = None,
        refresh_every: float = 300.0,
    ) -> None:
        self._workspaces = workspaces
        self._directory = directory
        self._clock = clock
        self._background = background
        self._refresh_every = refresh_every
        self._refreshed: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    def is_admin(self, *, team_id: str, user_id: str) -> bool:
        """From the stored person only (safe before the ack); refreshes it after, when due."""
        stored = self._workspaces.stored_admin_flag(team_id=team_id, user_id=user_id)
        self._refresh_later(team_id=team_id, user_id=user_id)
        return bool(stored)

    def require_admin(self, *, team_id: str, user_id: str, what: str = "change settings") -> None:
        """Raises `NotAdminError` (shown to the person by the error handler) for non-admins.
        Calls Slack only for a person never seen, and only once the request was acked."""
        stored = self._workspaces.stored_admin_flag(team_id=team_id, user_id=user_id)
        if stored is None and past_the_ack():
            self.refresh(team_id=team_id, user_id=user_id)
            stored = self._workspaces.stored_admin_flag(team_id=team_id, user_id=user_id)
        else:
            self._refresh_later(team_id=team_id, user_id=user_id)
        if stored is None:
            raise AdminNotKnownYetError
        if not stored:
            raise NotAdminError(what)

    def refresh(self, *, team_id: str, user_id: str) -> None:
        """Asks Slack who the person is and stores it (one users.info, cached briefly)."""
        user = self._directory.lookup(team_id=team_id, user_id=user_id)
        self._workspaces.remember_person(team_id=team_id, user=user, now=self._clock())
        with self._lock:
            self._refreshed[(team_id, user_id)] = time.monotonic()

    def _refresh_later(self, *, team_id: str, user_id: str) -> None:
        key = (team_id, user_id)
        now = time.monotonic()
        with self._lock:
            last = self._refreshed.get(key)
            if last is not None and now - last < self._refresh_every:
                return
            self._refreshed[key] = now
        if self._background is None:
            return

        def refresh_person() -> None:
            try:
                self.refresh(team_id=team_id, user_id=user_id)
            except Exception:
                with self._lock:  # try again next time instead of in five minutes
                    self._refreshed.pop(key, None)
                raise

        if not self._background(refresh_person):
            with self._lock:
                self._refreshed.pop(key, None)
