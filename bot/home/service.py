"""Assembles a person's App Home from every ritual's section and publishes it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from slack_sdk import WebClient
from slack_sdk.models.blocks import Block

from bot.home.blocks import RitualCard, build_home_view
from bot.home.visits import HomeVisits
from bot.slack.directory import UserDirectory
from bot.workspace.service import WorkspaceService


class HomeSection(Protocol):
    """A ritual's part of the App Home ("my open feedback", "my triage assignments", ...)."""

    def home_blocks(
        self, *, team_id: str, user_id: str, is_admin: bool, now: datetime
    ) -> list[Block]: ...


class HomeService:
    def __init__(
        self,
        *,
        workspaces: WorkspaceService,
        directory: UserDirectory,
        rituals: Sequence[RitualCard],
        sections: Sequence[HomeSection] = (),
        visits: HomeVisits | None = None,
    ) -> None:
        self._rituals = list(rituals)
        self._visits = visits
        self._workspaces = workspaces
        self._directory = directory
        self._sections = list(sections)

    def publish_home(self, *, client: WebClient, team_id: str, user_id: str, now: datetime) -> None:
        """Refreshes the person's record from Slack (time zone, admin), records the visit (for
        `/ops stats`) and publishes their Home."""
        user = self._directory.lookup(team_id=team_id, user_id=user_id)
        self._workspaces.remember_person(team_id=team_id, user=user, now=now)
        if self._visits is not None:
            self._visits.record(team_id=team_id, user_id=user_id, now=now)
        is_admin = self._workspaces.is_admin(team_id=team_id, user_id=user_id)
        sections = [
            blocks
            for section in self._sections
            if (
                blocks := section.home_blocks(
                    team_id=team_id, user_id=user_id, is_admin=is_admin, now=now
                )
            )
        ]
        view = build_home_view(
            display_name=user.display_name,
            is_admin=is_admin,
            rituals=self._rituals,
            sections=sections,
        )
        client.views_publish(user_id=user_id, view=view.to_dict())
