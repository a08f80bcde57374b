"""The weekly triage thread as a `RitualRunner`: the scheduling engine composes it into the
outbox (parent first, then one reply per ticket), and `after_delivery` stores each message's ts
so clicks and Close triage can update them in place."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.outbox.bulk import collector_paused
from bot.outbox.domain import OutgoingPost
from bot.rituals.triage.blocks import (
    build_parent_blocks,
    parent_text,
    ticket_block_dicts,
    ticket_text,
)
from bot.rituals.triage.domain import ThreadPlan
from bot.rituals.triage.ids import (
    PARENT_PART,
    SUMMARY_PART_PREFIX,
    TriageRituals,
    ticket_part,
)
from bot.rituals.triage.service import TriageService
from bot.rituals.triage.slack_io import TriageSlack

logger = logging.getLogger(__name__)

PARENT = PARENT_PART
__all__ = ["PARENT", "TriageThreadRunner", "compose_posts", "ticket_part"]


def compose_posts(plan: ThreadPlan) -> list[OutgoingPost]:
    """Pure: the parent with the counts, then each ticket as a thread reply in triage order.
    One message per ticket keeps every message far inside Block Kit's limits however long the
    queue is, and keeps one click per ticket."""
    posts = [
        OutgoingPost(
            part=PARENT,
            text=parent_text(plan.counts),
            blocks=[
                block.to_dict()
                for block in build_parent_blocks(
                    counts=plan.counts,
                    session_id=plan.session_id,
                    started_at=plan.started_at,
                    sla_days=plan.sla_days,
                )
            ],
        )
    ]
    for ticket in plan.tickets:
        posts.append(
            OutgoingPost(
                part=ticket_part(ticket.id),
                text=ticket_text(ticket),
                blocks=ticket_block_dicts(
                    ticket=ticket, now=plan.started_at, sla_days=plan.sla_days
                ),
                reply_to_part=PARENT,
            )
        )
    return posts


class TriageThreadRunner:
    name = TriageRituals.THREAD.value

    def __init__(self, *, service: TriageService, slack: TriageSlack) -> None:
        self._service = service
        self._slack = slack

    def compose(
        self,
        *,
        team_id: str,
        channel_id: str,
        period: str,
        options: dict[str, Any],
        now: datetime,
    ) -> list[OutgoingPost]:
        with collector_paused():
            plan = self._service.plan_thread(
                team_id=team_id, channel_id=channel_id, period=period, now=now
            )
            return compose_posts(plan)

    def after_delivery(
        self, *, team_id: str, channel_id: str, period: str, sent: dict[str, str], now: datetime
    ) -> None:
        superseded = self._service.record_delivery(
            team_id=team_id, channel_id=channel_id, period=period, sent=sent, now=now
        )
        if any(part.startswith(SUMMARY_PART_PREFIX) for part in sent):
            # The closing summary completed this thread's posts again: the threads it
            # superseded were marked when the thread itself was delivered.
            return
        for old in superseded:
            try:
                self._slack.show_superseded(old, by_ts=sent.get(PARENT))
            except SlackApiError as error:
                logger.warning(
                    "could not mark triage thread %s superseded: %s",
                    old.ts,
                    error.response.get("error"),
                )
