"""The feedback part of the App Home: my recent feedback and what awaits review."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    Block,
    SectionBlock,
)

from bot.rituals.feedback.blocks.common import (
    item_line,
    item_menu,
    md,
)
from bot.rituals.feedback.domain import (
    DigestItem,
)
from bot.slack.limits import (
    HOME_BLOCKS,
    cap_blocks,
)


def build_home_section(
    *, mine: Sequence[DigestItem], awaiting: Sequence[DigestItem] | None
) -> list[Block]:
    blocks: list[Block] = [
        SectionBlock(
            text=md(
                ":bulb: *My recent feedback*"
                + ("" if mine else "\n_Nothing yet: try `/feedback`._")
            )
        )
    ]
    for item in mine:
        blocks.append(SectionBlock(text=md(f"{item_line(item)}\n`{item.status.value}`")))
    if awaiting is not None:
        blocks.append(
            SectionBlock(
                text=md(
                    "*Waiting for review in your areas*"
                    + ("" if awaiting else "\n_All caught up._")
                )
            )
        )
        for item in awaiting:
            blocks.append(
                SectionBlock(
                    text=md(item_line(item)), accessory=item_menu(item.item_id, item.status)
                )
            )
    return cap_blocks(blocks, HOME_BLOCKS // 4)
