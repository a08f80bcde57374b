"""Assembles a person's App Home and publishes it."""

from __future__ import annotations

from datetime import datetime

from slack_sdk import WebClient

from bot.home.blocks import build_home_view
from bot.slack.directory import UserDirectory
from bot.workspace.service import WorkspaceService


class HomeService:
    def __init__(self, *, workspaces: WorkspaceService, directory: UserDirectory) -> None:
        self._workspaces = workspaces
        self._directory = directory

    def publish_home(self, *, client: WebClient, team_id: str, user_id: str, now: datetime) -> None:
        """Refreshes the person's record from Slack (time zone, admin) and publishes their Home."""
        user = self._directory.lookup(team_id=team_id, user_id=user_id)
        self._workspaces.remember_person(team_id=team_id, user=user, now=now)
        is_admin = self._workspaces.is_admin(team_id=team_id, user_id=user_id)
        view = build_home_view(display_name=user.display_name, is_admin=is_admin)
        client.views_publish(user_id=user_id, view=view.to_dict())
