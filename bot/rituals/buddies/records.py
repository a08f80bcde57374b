"""Stored rows as the plain values the builders and listeners use."""

from __future__ import annotations

from bot.rituals.buddies.domain import CallOutcome, CallStatus
from bot.rituals.buddies.models import BuddyCall
from bot.rituals.buddies.views import CallView


def call_view(call: BuddyCall) -> CallView:
    return CallView(
        call_id=call.id,
        rep_user_id=call.rep_user_id,
        buddy_user_id=call.buddy_user_id,
        owner_user_id=call.owner_user_id,
        account_name=call.account_name,
        topic=call.topic,
        link=call.link,
        starts_at=call.starts_at,
        status=CallStatus(call.status),
        outcome=CallOutcome(call.outcome) if call.outcome else None,
        created_at=call.created_at,
    )
