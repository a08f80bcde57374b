"""What every release builder shares: Block Kit size budgets, clipped mrkdwn, options and
the feedback item label."""

from __future__ import annotations

from bot.slack.limits import MESSAGE_BLOCKS, OPTION_TEXT, SECTION_TEXT, clip
from bot.slack.limits import md as md
from bot.slack.limits import option as option

INPUT_MAX = 3000  # a plain-text input holds at most 3000 characters
PIECE = SECTION_TEXT - 100  # room for a section's own heading line
BLOCKS_PER_MESSAGE = MESSAGE_BLOCKS - 5  # room for a continuation line and the buttons
CHARS_PER_MESSAGE = 12_000  # a message people can read (and far from any payload limit)
FEEDBACK_SHOWN = 10


def feedback_label(item_id: int, text: str, account: str | None) -> str:
    who = f" · {account}" if account else ""
    room = OPTION_TEXT - len(f"#{item_id} ") - len(who)
    return f"#{item_id} {clip(' '.join(text.split()), max(room, 10))}{who}"
