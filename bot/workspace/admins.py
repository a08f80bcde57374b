"""Who may change settings: Slack workspace admins and owners, plus people opsbot marks admin."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.errors import NotAdminError
from bot.slack.directory import UserDirectory
from bot.workspace.service import WorkspaceService


class AdminGuard:
    def __init__(
        self,
        *,
        workspaces: WorkspaceService,
        directory: UserDirectory,
        clock: Callable[[], datetime],
    ) -> None:
        self._workspaces = workspaces
        self._directory = directory
        self._clock = clock

    def is_admin(self, *, team_id: str, user_id: str) -> bool:
        """Refreshes the person from Slack (cached) so a new admin is recognised at once."""
        user = self._directory.lookup(team_id=team_id, user_id=user_id)
        self._workspaces.remember_person(team_id=team_id, user=user, now=self._clock())
        return self._workspaces.is_admin(team_id=team_id, user_id=user_id)

    def require_admin(self, *, team_id: str, user_id: str, what: str = "change settings") -> None:
        """Raises `NotAdminError` (shown to the person by the error handler) for non-admins."""
        if not self.is_admin(team_id=team_id, user_id=user_id):
            raise NotAdminError(what)
