"""The feedback part of the App Home: my recent feedback, and for reviewers what awaits them."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import Block

from bot.rituals.feedback.blocks import build_home_section
from bot.rituals.feedback.service import FeedbackService


class FeedbackHomeSection:
    """Implements `bot.home.service.HomeSection`."""

    def __init__(self, feedback: FeedbackService) -> None:
        self._feedback = feedback

    def home_blocks(
        self, *, team_id: str, user_id: str, is_admin: bool, now: datetime
    ) -> list[Block]:
        mine = self._feedback.recent_for(team_id=team_id, user_id=user_id)
        reviewer = is_admin or self._feedback.is_reviewer(team_id=team_id, user_id=user_id)
        awaiting = (
            self._feedback.awaiting_review_for(team_id=team_id, user_id=user_id)
            if reviewer
            else None
        )
        return build_home_section(mine=mine, awaiting=awaiting)
