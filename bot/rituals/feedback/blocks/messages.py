"""Messages people get privately: capture confirmations with similar items, merge notes, help,
status changes and the loop-closing note to the people who asked."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    SectionBlock,
)

from bot.rituals.feedback.blocks.common import (
    md,
    snippet,
)
from bot.rituals.feedback.domain import (
    CaptureResult,
    ItemSummary,
    Status,
    StatusChange,
)
from bot.rituals.feedback.ids import FeedbackIds
from bot.slack.limits import (
    BUTTON_VALUE,
    MESSAGE_BLOCKS,
    cap_blocks,
    clip,
)
from bot.slack.mrkdwn import escape, link


def _details(item: ItemSummary) -> str:
    parts = [item.account_name, item.area, item.source.label, item.importance.label]
    return " · ".join(escape(p) for p in parts if p)


def build_capture_confirmation(result: CaptureResult, *, offer_details: bool) -> list[Block]:
    """What the person who captured sees, privately: what was stored, then similar items."""
    item = result.item
    if result.created:
        head = f":white_check_mark: Saved feedback *#{item.item_id}*"
    else:
        head = f":information_source: This was already captured as *#{item.item_id}*"
    blocks: list[Block] = [
        SectionBlock(text=md(f"{head}\n>{snippet(item.text, 600)}\n{_details(item)}")),
    ]
    if offer_details and result.created:
        blocks.append(
            ActionsBlock(
                elements=[
                    ButtonElement(
                        text="Add details",
                        action_id=FeedbackIds.ADD_DETAILS.value,
                        value=str(item.item_id),
                    )
                ]
            )
        )
    if result.similar:
        blocks.append(
            SectionBlock(
                text=md(
                    ":mag: *Looks similar to what is already here.* Add a +1 to an existing "
                    "item instead of keeping a duplicate?"
                )
            )
        )
        for similar in result.similar:
            votes = f" · {similar.request_count} requests" if similar.request_count > 1 else ""
            account = f" · {escape(similar.account_name)}" if similar.account_name else ""
            blocks.append(
                SectionBlock(
                    text=md(f"*#{similar.item_id}* {snippet(similar.text)}{account}{votes}"),
                    accessory=ButtonElement(
                        text="+1 this instead",
                        action_id=FeedbackIds.PLUS_ONE.value,
                        value=f"{item.item_id}:{similar.item_id}"[:BUTTON_VALUE],
                    ),
                )
            )
        blocks.append(
            ActionsBlock(
                elements=[
                    ButtonElement(
                        text="Keep separate",
                        action_id=FeedbackIds.KEEP_SEPARATE.value,
                        value=str(item.item_id),
                    )
                ]
            )
        )
    return cap_blocks(blocks, MESSAGE_BLOCKS)


def capture_fallback_text(result: CaptureResult) -> str:
    verb = "Saved" if result.created else "Already captured as"
    return escape(clip(f"{verb} feedback #{result.item.item_id}: {result.item.text}", 300))


def build_merged_note(target: ItemSummary, source_id: int) -> list[Block]:
    return [
        SectionBlock(
            text=md(
                f":heavy_plus_sign: Added as a +1 on *#{target.item_id}* "
                f"({target.request_count} requests now); #{source_id} was merged into it.\n"
                f">{snippet(target.text)}"
            )
        )
    ]


def build_kept_separate_note(item_id: int) -> list[Block]:
    return [SectionBlock(text=md(f":ok_hand: Kept *#{item_id}* as its own item."))]


def build_reaction_blocked_note(channel_id: str) -> str:
    return (
        f":bulb: I couldn't read that message in <#{channel_id}> to capture it as feedback: "
        "I'm not in that channel. Invite me with `/invite @opsbot` and react again, or use "
        "the message menu → *Capture as feedback*."
    )


def build_help_blocks() -> list[Block]:
    return [
        SectionBlock(
            text=md(
                "*`/feedback`* opens the form.\n"
                "*`/feedback [Acme] export to CSV is slow #reporting`* saves at once "
                "(account in brackets, product area as a hashtag).\n"
                "*`/feedback export`* sends you every item as a CSV file.\n"
                "*`/feedback edit account Acme`* edits an account (admins).\n"
                "Message menu → *Capture as feedback* captures any message; so does reacting "
                "with the workspace's capture emoji."
            )
        )
    ]


def status_changed_text(change: StatusChange) -> str:
    item = change.item
    return escape(clip(f"#{item.item_id} is now {item.status.value}: {item.text}", 300))


def build_loop_closing_message(item: ItemSummary) -> list[Block]:
    """The private note to the people who asked: it shipped (or why it will not)."""
    if item.status is Status.SHIPPED:
        head = ":tada: *Shipped!* Feedback you raised is now live"
        tail = f"\nDetails: {link(item.status_link, item.status_link)}" if item.status_link else ""
    else:
        head = ":memo: *Decision on feedback you raised*: it is declined"
        tail = f"\nWhy: {escape(item.decline_reason or '')}"
    account = f" (for {escape(item.account_name)})" if item.account_name else ""
    return [
        SectionBlock(
            text=md(f"{head}{account}.\n>*#{item.item_id}* {snippet(item.text, 800)}{tail}")
        ),
        ContextBlock(elements=[md("Worth telling the customer: it closes the loop.")]),
    ]


def loop_closing_text(item: ItemSummary) -> str:
    verb = "shipped" if item.status is Status.SHIPPED else "was declined"
    return escape(clip(f"Feedback #{item.item_id} {verb}: {item.text}", 300))
