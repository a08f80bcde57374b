"""The weekly feedback digest as a `RitualRunner`: the scheduling engine calls `compose` once per
channel and period and delivers the posts through the outbox (never twice)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.outbox.domain import OutgoingPost
from bot.rituals.feedback.blocks import build_digest_message, digest_fallback_text
from bot.rituals.feedback.domain import match_area
from bot.rituals.feedback.ids import FeedbackRituals
from bot.rituals.feedback.service import FeedbackService

DIGEST_PART = "digest"


class FeedbackDigestRunner:
    """Options: {"area": "Reporting"} limits the digest to one product area."""

    name = FeedbackRituals.DIGEST.value

    def __init__(self, feedback: FeedbackService) -> None:
        self._feedback = feedback

    def compose(
        self,
        *,
        team_id: str,
        channel_id: str,
        period: str,
        options: dict[str, Any],
        now: datetime,
    ) -> list[OutgoingPost]:
        wanted = options.get("area")
        areas = self._feedback.settings(team_id=team_id).areas
        area = match_area(str(wanted), areas) or str(wanted) if wanted else None
        digest = self._feedback.digest(team_id=team_id, area=area, now=now)
        blocks = build_digest_message(digest, now=now)
        return [
            OutgoingPost(
                part=DIGEST_PART,
                text=digest_fallback_text(digest),
                blocks=[block.to_dict() for block in blocks],
            )
        ]
