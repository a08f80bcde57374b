"""Builders for /ops answers (pure functions of values)."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.rituals.catalogue import OPS_SUBCOMMANDS, RITUALS
from bot.slack.limits import SECTION_TEXT, clip


def build_help_blocks(*, unknown: str | None = None) -> list[Block]:
    blocks: list[Block] = []
    if unknown:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=clip(
                        f":thinking_face: I don't know `/ops {unknown}`. Here is what I do.", 300
                    )
                )
            )
        )
    blocks.append(HeaderBlock(text="opsbot runs your product-ops rituals"))
    for ritual in RITUALS:
        lines = "\n".join(f"• {command}" for command in ritual.commands)
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=clip(
                        f"{ritual.emoji} *{ritual.title}*: {ritual.summary}\n{lines}", SECTION_TEXT
                    )
                )
            )
        )
    blocks.append(DividerBlock())
    ops_lines = "\n".join(f"• `/ops {name}`: {what}" for name, what in OPS_SUBCOMMANDS)
    blocks.append(SectionBlock(text=MarkdownTextObject(text=ops_lines)))
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Only you can see this. Open the opsbot App Home for your own items."
                )
            ]
        )
    )
    return blocks


def help_fallback_text() -> str:
    return "opsbot help: /feedback, /triage, /buddy, /release, /ops"
