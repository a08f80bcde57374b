"""Pure Block Kit builders for releases: domain values in, slack_sdk models out, one module per
surface (`announcement`, `messages`, `composer`, `settings`, `rollup`, `home`, sharing `common`).

The announcement is built once (`build_release_messages`) and reused verbatim for the author's
preview and the release managers' approval request, so what people approve is exactly what is
posted. Long notes are split across section blocks and messages by `split_text`, never cut.
"""

from __future__ import annotations

from bot.rituals.releases.blocks.announcement import build_release_messages, release_text
from bot.rituals.releases.blocks.common import (
    BLOCKS_PER_MESSAGE,
    CHARS_PER_MESSAGE,
    FEEDBACK_SHOWN,
    INPUT_MAX,
    PIECE,
    feedback_label,
)
from bot.rituals.releases.blocks.composer import (
    build_changes_modal,
    build_composer,
    build_feedback_options,
    build_loading_modal,
)
from bot.rituals.releases.blocks.home import build_help_blocks, build_home_section
from bot.rituals.releases.blocks.messages import (
    build_approval_actions,
    build_approval_intro,
    build_changes_requested,
    build_corrected,
    build_decision_note,
    build_preview_actions,
    build_preview_intro,
    build_reminder,
    build_status,
    status_text,
)
from bot.rituals.releases.blocks.rollup import build_rollup_message, rollup_text
from bot.rituals.releases.blocks.settings import build_settings_modal

__all__ = [
    "BLOCKS_PER_MESSAGE",
    "CHARS_PER_MESSAGE",
    "FEEDBACK_SHOWN",
    "INPUT_MAX",
    "PIECE",
    "build_approval_actions",
    "build_approval_intro",
    "build_changes_modal",
    "build_changes_requested",
    "build_composer",
    "build_corrected",
    "build_decision_note",
    "build_feedback_options",
    "build_help_blocks",
    "build_home_section",
    "build_loading_modal",
    "build_preview_actions",
    "build_preview_intro",
    "build_release_messages",
    "build_reminder",
    "build_rollup_message",
    "build_settings_modal",
    "build_status",
    "feedback_label",
    "release_text",
    "rollup_text",
    "status_text",
]
