"""What every release builder shares: Block Kit size budgets, clipped mrkdwn, options and
the feedback item label."""

from __future__ import annotations

from slack_sdk.models.blocks import MarkdownTextObject, Option, PlainTextObject

from bot.slack.limits import MESSAGE_BLOCKS, OPTION_TEXT, OPTION_VALUE, SECTION_TEXT, clip

INPUT_MAX = 3000  # a plain-text input holds at most 3000 characters
PIECE = SECTION_TEXT - 100  # room for a section's own heading line
BLOCKS_PER_MESSAGE = MESSAGE_BLOCKS - 5  # room for a continuation line and the buttons
CHARS_PER_MESSAGE = 12_000  # a message people can read (and far from any payload limit)
FEEDBACK_SHOWN = 10


def md(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=clip(text, SECTION_TEXT))


def option(label: str, value: str) -> Option:
    return Option(text=PlainTextObject(text=clip(label, OPTION_TEXT)), value=value[:OPTION_VALUE])


def feedback_label(item_id: int, text: str, account: str | None) -> str:
    who = f" · {account}" if account else ""
    room = OPTION_TEXT - len(f"#{item_id} ") - len(who)
    return f"#{item_id} {clip(' '.join(text.split()), max(room, 10))}{who}"
