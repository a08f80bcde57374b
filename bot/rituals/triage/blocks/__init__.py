"""Triage builders (pure), one module per surface: `modals` (intake, Won't fix, settings),
`messages` (the thread's ticket messages and parent), `summary` (the closing summary) and `home`
(the App Home section). Everything stays within Block Kit limits (bot/slack/limits.py), and text
from people and helpdesks enters mrkdwn only through `bot.slack.mrkdwn`."""

from __future__ import annotations

from bot.rituals.triage.blocks.common import (
    DESCRIPTION_SHOWN,
    OWNER_BLOCK_PREFIX,
    click_value,
    parse_click_value,
    when,
)
from bot.rituals.triage.blocks.home import (
    build_home_section,
)
from bot.rituals.triage.blocks.messages import (
    ask_helpdesk_text,
    build_parent_blocks,
    build_superseded_blocks,
    build_ticket_blocks,
    lost_race_text,
    needs_info_text,
    parent_text,
    ticket_block_dicts,
    ticket_text,
)
from bot.rituals.triage.blocks.modals import (
    IntakeMetadata,
    WontFixMetadata,
    build_intake_modal,
    build_settings_modal,
    build_wont_fix_modal,
    settings_saved_text,
    submitted_text,
)
from bot.rituals.triage.blocks.summary import (
    build_summary_pages,
    summary_text,
)

__all__ = [
    "DESCRIPTION_SHOWN",
    "OWNER_BLOCK_PREFIX",
    "IntakeMetadata",
    "WontFixMetadata",
    "ask_helpdesk_text",
    "build_home_section",
    "build_intake_modal",
    "build_parent_blocks",
    "build_settings_modal",
    "build_summary_pages",
    "build_superseded_blocks",
    "build_ticket_blocks",
    "build_wont_fix_modal",
    "click_value",
    "lost_race_text",
    "needs_info_text",
    "parent_text",
    "parse_click_value",
    "settings_saved_text",
    "submitted_text",
    "summary_text",
    "ticket_block_dicts",
    "ticket_text",
    "when",
]
