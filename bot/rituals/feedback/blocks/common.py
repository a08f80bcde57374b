"""What every feedback builder shares: clipped mrkdwn, options, item lines and the item menu.

Text from people enters mrkdwn only through `bot.slack.mrkdwn.escape` (via `snippet`), and URLs
become links only through `bot.slack.mrkdwn.link`."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    SectionBlock,
    StaticSelectElement,
)

from bot.rituals.feedback.domain import (
    DigestItem,
    ItemAction,
    ItemSummary,
    Status,
)
from bot.rituals.feedback.ids import FeedbackIds
from bot.slack.limits import (
    clip,
)
from bot.slack.limits import md as md
from bot.slack.limits import option as option
from bot.slack.mrkdwn import escape, link

SNIPPET = 140  # how much of an item's text a list line shows


def snippet(text: str, limit: int = SNIPPET) -> str:
    """An item's text on one line, cut to `limit` and escaped for mrkdwn."""
    return escape(clip(" ".join(text.split()), limit))


def item_line(item: DigestItem | ItemSummary) -> str:
    """`#12 Export to CSV is slow · Acme`, linked to its source when that is a safe web address."""
    url = item.permalink if isinstance(item, DigestItem) else (item.permalink or item.link)
    account = f" · {escape(item.account_name)}" if item.account_name else ""
    return f"{link(url, f'#{item.item_id}')} {snippet(item.text)}{account}"


def item_menu(item_id: int, current: Status) -> StaticSelectElement:
    """One select per item: move it through the lifecycle, or merge it into another item."""
    labels = {
        Status.NEW: "Back to new",
        Status.REVIEWED: "Reviewed",
        Status.PLANNED: "Planned…",
        Status.SHIPPED: "Shipped",
        Status.DECLINED: "Declined…",
    }
    options = [
        option(label, ItemAction(item_id, status).encode())
        for status, label in labels.items()
        if status != current
    ]
    options.append(option("Merge into another item…", ItemAction(item_id, None).encode()))
    return StaticSelectElement(
        action_id=FeedbackIds.ITEM_ACTION.value, placeholder="Set status", options=options
    )


def list_section(title: str, lines: Sequence[str], empty: str) -> SectionBlock:
    body = "\n".join(f"• {line}" for line in lines) if lines else f"_{empty}_"
    return SectionBlock(text=md(f"*{title}*\n{body}"))
