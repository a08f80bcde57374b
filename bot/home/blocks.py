"""Builds the App Home view (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.slack.limits import HOME_BLOCKS, SECTION_TEXT, cap_blocks, clip


class RitualCard(Protocol):
    """How a ritual introduces itself (the `Ritual` contract satisfies this)."""

    @property
    def title(self) -> str: ...
    @property
    def emoji(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def help_lines(self) -> tuple[str, ...]: ...


def build_home_view(
    *,
    display_name: str,
    is_admin: bool,
    rituals: Sequence[RitualCard],
    sections: list[list[Block]] | None = None,
) -> View:
    greeting = f"Hi {display_name}!" if display_name else "Hi!"
    blocks: list[Block] = [
        HeaderBlock(text=clip(f"{greeting} This is opsbot.", 150)),
        SectionBlock(
            text=MarkdownTextObject(
                text="I run your team's product-ops rituals right here in Slack: feedback, "
                "support triage, PM/sales buddy calls and release announcements. "
                "Type `/ops help` anywhere to see every command."
            )
        ),
        DividerBlock(),
    ]
    for section in sections or []:
        blocks.extend(section)
        blocks.append(DividerBlock())
    for ritual in rituals:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=clip(f"{ritual.emoji} *{ritual.title}*\n{ritual.summary}", SECTION_TEXT)
                )
            )
        )
    if is_admin:
        blocks.append(DividerBlock())
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=":gear: *You are an admin.* Set the channels, schedules and product "
                    "areas with `/ops settings`; run any ritual now with `/ops run <ritual>`."
                )
            )
        )
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text="Only you see this page.")]))
    return View(type="home", blocks=cap_blocks(blocks, HOME_BLOCKS))
