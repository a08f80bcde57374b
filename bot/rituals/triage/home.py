"""The triage part of a person's App Home: tickets they own, and what became of those they sent."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import Block

from bot.rituals.triage.blocks import build_home_section
from bot.rituals.triage.service import TriageService


class TriageHomeSection:
    def __init__(self, service: TriageService) -> None:
        self._service = service

    def home_blocks(
        self, *, team_id: str, user_id: str, is_admin: bool, now: datetime
    ) -> list[Block]:
        return build_home_section(
            owned=self._service.owned_by(team_id=team_id, user_id=user_id),
            reported=self._service.reported_by(team_id=team_id, user_id=user_id),
            now=now,
        )
