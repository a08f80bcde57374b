"""The outbox: rituals enqueue posts inside their own unit of work; the sender delivers them.

A delivery row exists before anything is sent, keyed by (team, ritual, period, channel, part)
with a unique constraint, so enqueueing the same run twice (a re-fired job, a retry, a second
scheduler) creates nothing new and nothing is posted twice.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from bot.db import Sessions
from bot.outbox import queries
from bot.outbox.bulk import insert_deliveries, shared_columns, varying_columns
from bot.outbox.domain import OutgoingPost
from bot.outbox.models import Delivery

logger = logging.getLogger(__name__)


class Outbox:
    def __init__(self, *, sessions: Sessions) -> None:
        self._sessions = sessions

    def enqueue(
        self,
        session: Session,
        *,
        team_id: str,
        ritual: str,
        period: str,
        channel_id: str,
        posts: Sequence[OutgoingPost],
        now: datetime,
    ) -> int:
        """Adds delivery rows in the caller's transaction; returns how many were new.

        An existing key is never re-created or changed (INSERT ... ON CONFLICT DO NOTHING), so
        two processes enqueueing the same run at once still make one row each.
        """
        if not posts:
            return 0
        return insert_deliveries(
            session,
            shared=shared_columns(
                team_id=team_id, ritual=ritual, period=period, channel_id=channel_id, now=now
            ),
            varying=[varying_columns(post) for post in posts],
        )

    def sent_message(
        self, *, team_id: str, ritual: str, period: str, channel_id: str, part: str
    ) -> str | None:
        """The Slack `ts` of a sent post, or None while it is pending (or failed)."""
        with self._sessions.begin() as session:
            return queries.sent_ts(
                session,
                team_id=team_id,
                ritual=str(ritual),
                period=period,
                channel_id=channel_id,
                part=part,
            )

    def deliveries(
        self, *, team_id: str, ritual: str | None = None, period: str | None = None
    ) -> list[Delivery]:
        """Delivery rows of a workspace (for `/ops`, the CLI and tests), oldest first."""
        from sqlalchemy import select

        with self._sessions.begin() as session:
            query = select(Delivery).where(Delivery.team_id == team_id)
            if ritual is not None:
                query = query.where(Delivery.ritual == str(ritual))
            if period is not None:
                query = query.where(Delivery.period == period)
            return list(session.scalars(query.order_by(Delivery.id)))
