"""The monthly roll-up message of published releases."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, HeaderBlock, PlainTextObject, SectionBlock

from bot.rituals.releases.blocks.common import PIECE, md
from bot.rituals.releases.domain import Rollup, split_text
from bot.slack.limits import MESSAGE_BLOCKS, cap_blocks
from bot.slack.mrkdwn import escape


def build_rollup_message(rollup: Rollup) -> list[Block]:
    tiers = ", ".join(f"tier {t}: {n}" for t, n in sorted(rollup.by_tier.items())) or "none"
    rate = f"{rollup.ack_rate:.0%}" if rollup.ack_rate is not None else "n/a"
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=f"Releases in {rollup.month}", emoji=True)),
        SectionBlock(
            text=md(
                f"*{len(rollup.releases)}* releases ({tiers}) · *{rollup.feedback_closed}* "
                f"feedback items closed · *{rollup.accounts_told}* accounts told · "
                f"acknowledged: *{rate}* ({rollup.acknowledged} of {rollup.to_acknowledge})"
            )
        ),
    ]
    lines = [
        f"• <!date^{int(r.published_at.timestamp())}^{{date_short}}|{r.published_at:%Y-%m-%d}> "
        f"tier {r.tier} · *{escape(r.title)}*" + (f" {escape(r.version)}" if r.version else "")
        for r in rollup.releases
    ]
    for piece in split_text("\n".join(lines), PIECE) if lines else []:
        blocks.append(SectionBlock(text=md(piece)))
    return cap_blocks(blocks, MESSAGE_BLOCKS, more_label="parts")


def rollup_text(rollup: Rollup) -> str:
    return f"Releases in {rollup.month}: {len(rollup.releases)}"
