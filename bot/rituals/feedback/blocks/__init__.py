"""Pure Block Kit builders for the feedback ritual: domain values in, slack_sdk models out, one
module per surface (`modals`, `messages`, `digest`, `home`, `settings`, sharing `common`).

Every text that comes from people is escaped and cut, and every list is capped, so no builder can
produce a message, modal or Home tab that Slack rejects or that pings a channel.
"""

from __future__ import annotations

from bot.rituals.feedback.blocks.common import item_line, item_menu, snippet
from bot.rituals.feedback.blocks.digest import build_digest_message, digest_fallback_text
from bot.rituals.feedback.blocks.home import build_home_section
from bot.rituals.feedback.blocks.messages import (
    build_capture_confirmation,
    build_help_blocks,
    build_kept_separate_note,
    build_loop_closing_message,
    build_merged_note,
    build_reaction_blocked_note,
    capture_fallback_text,
    loop_closing_text,
    status_changed_text,
)
from bot.rituals.feedback.blocks.modals import (
    build_account_modal,
    build_account_options,
    build_feedback_modal,
    build_merge_modal,
    build_status_modal,
)
from bot.rituals.feedback.blocks.settings import build_settings_modal

__all__ = [
    "build_account_modal",
    "build_account_options",
    "build_capture_confirmation",
    "build_digest_message",
    "build_feedback_modal",
    "build_help_blocks",
    "build_home_section",
    "build_kept_separate_note",
    "build_loop_closing_message",
    "build_merge_modal",
    "build_merged_note",
    "build_reaction_blocked_note",
    "build_settings_modal",
    "build_status_modal",
    "capture_fallback_text",
    "digest_fallback_text",
    "item_line",
    "item_menu",
    "loop_closing_text",
    "snippet",
    "status_changed_text",
]
