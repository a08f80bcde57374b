"""The weekly digest message: at most ~30 blocks whatever the volume."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    SectionBlock,
)

from bot.rituals.feedback.blocks.common import (
    item_line,
    item_menu,
    list_section,
    md,
)
from bot.rituals.feedback.domain import (
    Digest,
    describe_age,
    trend,
)
from bot.slack.limits import (
    FIELD_TEXT,
    HEADER_TEXT,
    MESSAGE_BLOCKS,
    MESSAGE_TEXT,
    SECTION_FIELDS,
    cap_blocks,
    clip,
)
from bot.slack.mrkdwn import escape


def build_digest_message(digest: Digest, *, now: datetime) -> list[Block]:
    """The weekly digest. At most ~30 blocks whatever the volume: lists are top-N with a count
    of the rest, and every text is clipped."""
    scope = f" · {digest.area}" if digest.area else ""
    week = digest.window.start.strftime("%b %-d")
    blocks: list[Block] = [
        HeaderBlock(text=clip(f":bulb: Feedback digest{scope} · week of {week}", HEADER_TEXT)),
        SectionBlock(
            text=md(
                f"*{digest.new_this_week}* new item{'s' if digest.new_this_week != 1 else ''} "
                f"this week ({trend(digest.new_this_week, digest.new_last_week)}; "
                f"{digest.new_last_week} last week)"
            ),
            fields=[
                md(f"*{escape(area)}*\n{count}", FIELD_TEXT)
                for area, count in digest.by_area[:SECTION_FIELDS]
            ]
            or None,
        ),
    ]
    if len(digest.by_area) > SECTION_FIELDS:
        rest = sum(count for _, count in digest.by_area[SECTION_FIELDS:])
        blocks.append(
            ContextBlock(
                elements=[
                    md(f"…and {rest} more in {len(digest.by_area) - SECTION_FIELDS} other areas")
                ]
            )
        )
    blocks.append(
        list_section(
            "Top accounts (weighted by ARR)",
            [
                f"{escape(t.name)}: {t.items} item{'s' if t.items != 1 else ''}"
                + (f" · ARR {t.arr:,}" if t.arr else "")
                for t in digest.top_accounts
            ],
            "No account named this week.",
        )
    )
    blocks.append(
        list_section(
            "Most requested",
            [f"{item_line(i)} · *{i.request_count}* requests" for i in digest.most_requested],
            "Nothing has more than one request yet.",
        )
    )
    blocks.append(
        list_section(
            "New this week",
            [item_line(i) for i in digest.new_items],
            "Nothing new this week.",
        )
    )
    blocks.append(DividerBlock())
    blocks.append(
        SectionBlock(
            text=md(f"*Waiting for review: {digest.awaiting_review_total}* (oldest first)")
        )
    )
    for item in digest.awaiting_review:
        age = describe_age(now - item.captured_at)
        blocks.append(
            SectionBlock(
                text=md(f"{item_line(item)} · waiting {age}"),
                accessory=item_menu(item.item_id, item.status),
            )
        )
    hidden = digest.awaiting_review_total - len(digest.awaiting_review)
    if hidden > 0:
        blocks.append(ContextBlock(elements=[md(f"…and {hidden} more waiting; see the App Home.")]))
    median = digest.median_time_to_review
    insight = describe_age(median) if median is not None else "no reviews in the last 4 weeks"
    blocks.append(ContextBlock(elements=[md(f":stopwatch: Median time to review: {insight}")]))
    return cap_blocks(blocks, MESSAGE_BLOCKS)


def digest_fallback_text(digest: Digest) -> str:
    scope = f" ({escape(digest.area)})" if digest.area else ""
    return clip(
        f"Feedback digest{scope}: {digest.new_this_week} new, "
        f"{digest.awaiting_review_total} waiting for review",
        MESSAGE_TEXT,
    )
