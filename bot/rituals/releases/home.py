"""The releases part of the App Home: waiting for my approval, my drafts, recent releases."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import Block

from bot.rituals.releases.blocks import build_home_section
from bot.rituals.releases.service import ReleaseService


class ReleasesHomeSection:
    """Implements `bot.home.service.HomeSection`."""

    def __init__(self, service: ReleaseService) -> None:
        self._service = service

    def home_blocks(
        self, *, team_id: str, user_id: str, is_admin: bool, now: datetime
    ) -> list[Block]:
        home = self._service.home(team_id=team_id, user_id=user_id)
        return build_home_section(
            recent=home.recent, drafts=home.drafts, to_approve=home.to_approve, now=now
        )
