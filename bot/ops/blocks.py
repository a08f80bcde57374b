"""Builders for /ops answers (pure functions of values)."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.home.blocks import RitualCard
from bot.slack.limits import MESSAGE_BLOCKS, SECTION_TEXT, cap_blocks, clip
from bot.slack.mrkdwn import escape

OPS_SUBCOMMANDS: tuple[tuple[str, str], ...] = (
    ("help", "this message"),
    ("settings", "schedules and each ritual's settings (admins)"),
    ("stats [7d|30d|quarter]", "the numbers that measure product ops, with their trends"),
    ("run <ritual>", "run a ritual now (admins)"),
    ("roles", "who has which role; admins grant and revoke them"),
    ("audit", "the latest settings and role changes (admins)"),
)


def build_help_blocks(*, rituals: Sequence[RitualCard], unknown: str | None = None) -> list[Block]:
    blocks: list[Block] = []
    if unknown:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=clip(
                        f":thinking_face: I don't know `/ops {escape(unknown).replace('`', '')}`. "
                        "Here is what I do.",
                        300,
                    )
                )
            )
        )
    blocks.append(HeaderBlock(text="opsbot runs your product-ops rituals"))
    for ritual in rituals:
        lines = "\n".join(f"• {line}" for line in ritual.help_lines)
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
    return cap_blocks(blocks, MESSAGE_BLOCKS)


def help_fallback_text(commands: Sequence[str]) -> str:
    return "opsbot help: " + ", ".join(commands)
