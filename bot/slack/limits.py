"""Block Kit limits in one place (SLACK-FACTS.md), so no builder can produce what Slack rejects."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, Option, PlainTextObject

MESSAGE_BLOCKS = 50
MODAL_BLOCKS = 100
HOME_BLOCKS = 100
SECTION_TEXT = 3000
SECTION_FIELDS = 10
FIELD_TEXT = 2000
HEADER_TEXT = 150
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
OPTION_TEXT = 75
OPTION_VALUE = 150
OPTIONS_PER_SELECT = 100
ACTIONS_ELEMENTS = 25
CONTEXT_ELEMENTS = 10
MODAL_TITLE = 24
PRIVATE_METADATA = 3000
MESSAGE_TEXT = 40000

_ELLIPSIS = "…"

B = TypeVar("B", bound=Block)


def clip(text: str, limit: int) -> str:
    """Cuts text to `limit` characters, marking the cut with an ellipsis."""
    if len(text) <= limit:
        return text
    return text[: limit - len(_ELLIPSIS)] + _ELLIPSIS


def cap_blocks(blocks: Sequence[Block], limit: int, *, more_label: str = "more") -> list[Block]:
    """Keeps at most `limit` blocks; the last kept one says how many were left out."""
    if len(blocks) <= limit:
        return list(blocks)
    kept = list(blocks[: limit - 1])
    left_out = len(blocks) - len(kept)
    kept.append(
        ContextBlock(
            elements=[MarkdownTextObject(text=f"_…and {left_out} {more_label} not shown_")]
        )
    )
    return kept


def md(text: str, limit: int = SECTION_TEXT) -> MarkdownTextObject:
    """A mrkdwn text object cut to fit (escape user text first: bot/slack/mrkdwn.py)."""
    return MarkdownTextObject(text=clip(text, limit))


def option(label: str, value: str) -> Option:
    """A select option with its label and value cut to Slack's limits."""
    return Option(text=PlainTextObject(text=clip(label, OPTION_TEXT)), value=value[:OPTION_VALUE])
