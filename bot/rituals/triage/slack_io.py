"""Triage's Slack writes, behind one small class: messages updated in place (a ticket after a
click, the parent once closed, a superseded thread) and private replies, which go through the
shared `bot.slack.private_reply` path (ephemeral where possible, a DM in Slack Connect)."""

from __future__ import annotations

from datetime import datetime

from slack_sdk import WebClient

from bot.rituals.triage.blocks import (
    build_parent_blocks,
    build_superseded_blocks,
    build_ticket_blocks,
    parent_text,
    ticket_text,
)
from bot.rituals.triage.domain import ClosedSession, Decision, PostedMessage
from bot.slack.private_reply import PrivateReplies, SharedChannelCache

SUPERSEDED_TEXT = "This triage thread was superseded by a newer one."


class TriageSlack:
    def __init__(self, client: WebClient, shared: SharedChannelCache) -> None:
        self._client = client
        self._private = PrivateReplies(client, shared)

    def show_ticket(self, *, channel_id: str, ts: str, decision: Decision, now: datetime) -> None:
        """Re-renders a ticket's message with its current state."""
        blocks = build_ticket_blocks(ticket=decision.ticket, now=now, sla_days=decision.sla_days)
        self._client.chat_update(
            channel=channel_id,
            ts=ts,
            text=ticket_text(decision.ticket),
            blocks=[b.to_dict() for b in blocks],
        )

    def show_closed(self, closed: ClosedSession, parent_ts: str) -> None:
        """The parent shows who closed the session (the summary goes through the outbox)."""
        blocks = build_parent_blocks(
            counts=closed.counts,
            session_id=closed.session_id,
            started_at=closed.started_at,
            sla_days=closed.sla_days,
            closed_by=closed.closed_by,
            closed_at=closed.closed_at,
        )
        self._client.chat_update(
            channel=closed.channel_id,
            ts=parent_ts,
            text=parent_text(closed.counts),
            blocks=[b.to_dict() for b in blocks],
        )

    def show_superseded(self, old: PostedMessage, *, by_ts: str | None) -> None:
        blocks = build_superseded_blocks(by_ts=by_ts)
        self._client.chat_update(
            channel=old.channel_id,
            ts=old.ts,
            text=SUPERSEDED_TEXT,
            blocks=[b.to_dict() for b in blocks],
        )

    def tell(self, *, user_id: str, channel_id: str | None, text: str) -> None:
        """A private reply to the person where they clicked."""
        self._private.tell_privately(user_id=user_id, channel_id=channel_id, text=text)

    def dm(self, *, user_id: str, text: str) -> None:
        self._private.send_dm(user_id=user_id, text=text)
