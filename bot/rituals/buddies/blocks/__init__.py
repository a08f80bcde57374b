"""Pure builders for every buddy message and modal (slack_sdk.models, validated by `to_dict()`),
one module per surface (`status`, `pairing`, `calls`, `reminders`, `digest`, `home`, sharing
`common`).

Times are Slack date tokens, so each reader sees the call in their own time zone; the fallback
after `|` is written in the zone of the person the message is addressed to.
"""

from __future__ import annotations

from bot.rituals.buddies.blocks.calls import (
    account_options,
    ask_text,
    build_ask,
    build_call_modal,
    build_claim_answer,
    build_claimed,
    build_declined_answer,
    build_offer,
    call_shared_text,
    claimed_text,
    offer_text,
)
from bot.rituals.buddies.blocks.common import when
from bot.rituals.buddies.blocks.digest import DIGEST_PMS, build_digest, digest_text
from bot.rituals.buddies.blocks.home import build_home_section
from bot.rituals.buddies.blocks.pairing import (
    build_intro,
    cycle_label,
    departure_text,
    intro_text,
    why_paired,
)
from bot.rituals.buddies.blocks.reminders import (
    build_after,
    build_reminder,
    build_takeaway_modal,
    outcome_answer,
    reminder_text,
    takeaway_saved_text,
)
from bot.rituals.buddies.blocks.status import HELP_LINES, build_help, build_status, enrol_text

__all__ = [
    "DIGEST_PMS",
    "HELP_LINES",
    "account_options",
    "ask_text",
    "build_after",
    "build_ask",
    "build_call_modal",
    "build_claim_answer",
    "build_claimed",
    "build_declined_answer",
    "build_digest",
    "build_help",
    "build_home_section",
    "build_intro",
    "build_offer",
    "build_reminder",
    "build_status",
    "build_takeaway_modal",
    "call_shared_text",
    "claimed_text",
    "cycle_label",
    "departure_text",
    "digest_text",
    "enrol_text",
    "intro_text",
    "offer_text",
    "outcome_answer",
    "reminder_text",
    "takeaway_saved_text",
    "when",
    "why_paired",
]
