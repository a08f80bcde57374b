"""The database side of a delivery: taking the lease on a row before posting it, and recording
how the post ended (sent, released for another try, failed for good), each in its own unit of
work so that two senders never send one row twice and a crash loses nothing.

No Slack here: the sender posts what `claim` hands it and records the answer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot.db import Sessions
from bot.outbox import queries
from bot.outbox.domain import CHANNEL_ERRORS, DeliveryState
from bot.outbox.models import Delivery
from bot.outbox.pacing import DONE, Step
from bot.outbox.posting import payload_for

logger = logging.getLogger(__name__)

PARENT_FIRST = Step(again=True, delay=0.2)  # a reply waits for its parent's post


@dataclass(frozen=True)
class Claimed:
    """A row this sender holds the lease on, ready to post.

    `uncertain`: another sender took it before and never recorded an outcome (it crashed while
    posting), so Slack may already have the message."""

    row_id: int
    ritual: str
    payload: dict[str, Any]
    uncertain: bool
    team_id: str = ""  # whose token posts it (multi-workspace)


@dataclass(frozen=True)
class NotClaimed:
    """Nothing to post now: `step` says whether the row comes back. `failed_ritual` is set when
    the row failed for good instead (its parent was never sent)."""

    step: Step
    failed_ritual: str | None = None


@dataclass(frozen=True)
class GroupSent:
    """Every post of one (team, ritual, period, channel) is sent: the ritual may follow up."""

    team_id: str
    ritual: str
    period: str
    channel_id: str
    sent: dict[str, str]  # part -> ts


@dataclass(frozen=True)
class Failed:
    """A row failed for good; `count` includes the rows of its run failed with it."""

    team_id: str
    ritual: str
    channel_id: str
    admins: list[str]
    count: int


class Leases:
    def __init__(self, *, sessions: Sessions, owner: str, lease: timedelta) -> None:
        self._sessions = sessions
        self.owner = owner
        self._lease = lease

    def claim(self, row_id: int, *, now: datetime) -> Claimed | NotClaimed:
        """Takes the lease on a pending row (its own transaction) and builds its post."""
        with self._sessions.begin() as session:
            row = session.get(Delivery, row_id)
            if row is None or row.state != DeliveryState.PENDING.value:
                return NotClaimed(DONE)
            thread_ts: str | None = None
            if row.reply_to_part:
                thread_ts = queries.sent_ts(
                    session,
                    team_id=row.team_id,
                    ritual=row.ritual,
                    period=row.period,
                    channel_id=row.channel_id,
                    part=row.reply_to_part,
                )
                if thread_ts is None:
                    return _parent_missing(session, row, now)
            # A lease left by another sender that never recorded an outcome: it crashed while
            # posting, and Slack may or may not have the message.
            uncertain = row.attempts > 0 and row.lease_owner not in (None, self.owner)
            if not queries.claim(
                session, delivery_id=row_id, owner=self.owner, now=now, until=now + self._lease
            ):
                return NotClaimed(DONE)  # another sender holds it
            payload = payload_for(
                row_id=row_id,
                channel_id=row.channel_id,
                text=row.text,
                blocks=row.blocks,
                thread_ts=thread_ts,
            )
            return Claimed(row_id, row.ritual, payload, uncertain, row.team_id)

    def release(self, row_id: int, *, now: datetime, error: str) -> None:
        """Gives the lease back so the row is tried again (by this sender or another)."""
        with self._sessions.begin() as session:
            row = session.get(Delivery, row_id)
            if row is not None and row.lease_owner == self.owner:
                row.lease_until = None
                row.lease_owner = None
                row.error = error
                row.updated_at = now

    def mark_sent(self, row_id: int, *, ts: str, now: datetime) -> GroupSent | None:
        """Records the post; returns its group when this was the group's last unsent post."""
        with self._sessions.begin() as session:
            row = session.get(Delivery, row_id)
            if row is None:
                return None
            row.state = DeliveryState.SENT.value
            row.ts = ts
            row.error = None
            row.sent_at = now
            row.updated_at = now
            row.lease_until = None
            row.lease_owner = None
            session.flush()
            group = queries.group_rows(
                session,
                team_id=row.team_id,
                ritual=row.ritual,
                period=row.period,
                channel_id=row.channel_id,
            )
            if not all(r.state == DeliveryState.SENT.value for r in group):
                return None
            sent = {r.part: r.ts or "" for r in group}
            return GroupSent(row.team_id, row.ritual, row.period, row.channel_id, sent)

    def mark_failed(self, row_id: int, *, error: str, now: datetime) -> Failed | None:
        """Fails the row for good; a channel error fails the rest of its run in that channel."""
        with self._sessions.begin() as session:
            row = session.get(Delivery, row_id)
            if row is None:
                return None
            row.state = DeliveryState.FAILED.value
            row.error = error[:255]
            row.updated_at = now
            row.lease_until = None
            row.lease_owner = None
            count = 1
            if error in CHANNEL_ERRORS:
                session.flush()
                count += queries.fail_pending_in_group(session, row=row, error=error, now=now)
            admins = queries.admin_user_ids(session, team_id=row.team_id)
            logger.warning(
                "delivery failed for good: team=%s ritual=%s period=%s channel=%s error=%s",
                row.team_id,
                row.ritual,
                row.period,
                row.channel_id,
                error,
            )
            return Failed(row.team_id, row.ritual, row.channel_id, admins, count)


def _parent_missing(session: Session, row: Delivery, now: datetime) -> NotClaimed:
    parent_rows = [
        r
        for r in queries.group_rows(
            session,
            team_id=row.team_id,
            ritual=row.ritual,
            period=row.period,
            channel_id=row.channel_id,
        )
        if r.part == row.reply_to_part
    ]
    if parent_rows and parent_rows[0].state == DeliveryState.PENDING.value:
        return NotClaimed(PARENT_FIRST)  # the parent goes first
    row.state = DeliveryState.FAILED.value
    row.error = "parent_not_sent"
    row.updated_at = now
    return NotClaimed(DONE, failed_ritual=row.ritual)
