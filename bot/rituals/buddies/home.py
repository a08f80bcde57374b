"""The buddy part of the App Home: my buddy, my upcoming calls, my progress against target."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import Block

from bot.rituals.buddies.blocks import build_home_section
from bot.rituals.buddies.service import BuddyService


class BuddyHomeSection:
    def __init__(self, service: BuddyService) -> None:
        self._service = service

    def home_blocks(
        self, *, team_id: str, user_id: str, is_admin: bool, now: datetime
    ) -> list[Block]:
        view = self._service.status(team_id=team_id, user_id=user_id, now=now)
        zone = self._service.time_zone_of(team_id=team_id, user_id=user_id)
        return build_home_section(view, time_zone=zone)
