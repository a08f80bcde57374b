"""The announcement, built once (`build_release_messages`) and reused verbatim for the author's
preview and the release managers' approval request, so what people approve is exactly what is
posted. Long notes are split across section blocks and messages by `split_text`, never cut."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    PlainTextObject,
    SectionBlock,
)

from bot.rituals.releases.blocks.common import (
    BLOCKS_PER_MESSAGE,
    CHARS_PER_MESSAGE,
    FEEDBACK_SHOWN,
    PIECE,
    md,
)
from bot.rituals.releases.domain import (
    SECTION_TITLES,
    ReleaseDraft,
    ReleaseView,
    Section,
    TierTemplate,
    split_text,
)
from bot.rituals.releases.ids import ReleaseIds
from bot.slack.limits import HEADER_TEXT, clip
from bot.slack.mrkdwn import escape, link


def build_release_messages(
    view: ReleaseView, template: TierTemplate, *, acknowledge: bool
) -> list[list[Block]]:
    """The release as posted: one or more messages, each within Block Kit's limits. Every
    section's text is kept whole (split across blocks, then messages); the docs link and the
    feedback it answers come last, then the Acknowledge button when the tier asks for it."""
    draft = view.draft
    version = f" {draft.version}" if draft.version else ""
    header = f":{template.emoji}: {draft.title}{version}"
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=clip(header, HEADER_TEXT), emoji=True)),
        ContextBlock(
            elements=[
                md(
                    f"*Tier {template.tier}* · {escape(template.name)} · announced by "
                    f"<@{view.author_id}>"
                )
            ]
        ),
    ]
    for section in _sections_in_order(template, draft):
        text = draft.section(section)
        pieces = split_text(text, PIECE)
        for number, piece in enumerate(pieces):
            heading = f"*{SECTION_TITLES[section]}*\n" if number == 0 else ""
            blocks.append(SectionBlock(text=md(heading + piece)))
    closing: list[str] = []
    if draft.docs_url:
        closing.append(f":book: Docs: {link(draft.docs_url, draft.docs_url)}")
    if view.feedback:
        lines = [
            f"• #{item_id} {escape(clip(' '.join(text.split()), 140))}"
            + (f" ({escape(account)})" if account else "")
            for item_id, text, account in view.feedback[:FEEDBACK_SHOWN]
        ]
        more = len(view.feedback) - FEEDBACK_SHOWN
        if more > 0:
            lines.append(f"…and {more} more")
        closing.append(":white_check_mark: *Answers feedback*\n" + "\n".join(lines))
    for piece in split_text("\n\n".join(closing), PIECE) if closing else []:
        blocks.append(SectionBlock(text=md(piece)))
    if acknowledge:
        blocks.append(
            ActionsBlock(
                block_id=f"{ReleaseIds.ACKNOWLEDGE.value}-{view.release_id}",
                elements=[
                    ButtonElement(
                        text="Acknowledge",
                        action_id=ReleaseIds.ACKNOWLEDGE.value,
                        value=str(view.release_id),
                        style="primary",
                    )
                ],
            )
        )
    messages = _group(blocks)
    total = len(messages)
    if total > 1:
        for number, message in enumerate(messages[1:], start=2):
            message.insert(
                0,
                ContextBlock(
                    elements=[md(f"_{escape(draft.title)}, continued ({number}/{total})_")]
                ),
            )
    return messages


def _group(blocks: list[Block]) -> list[list[Block]]:
    """Consecutive blocks into messages of at most BLOCKS_PER_MESSAGE blocks and about
    CHARS_PER_MESSAGE characters (a block is never split or reordered)."""
    messages: list[list[Block]] = [[]]
    size = 0
    for block in blocks:
        length = len(str(block.to_dict()))
        full = len(messages[-1]) >= BLOCKS_PER_MESSAGE or size + length > CHARS_PER_MESSAGE
        if messages[-1] and full:
            messages.append([])
            size = 0
        messages[-1].append(block)
        size += length
    return messages


def _sections_in_order(template: TierTemplate, draft: ReleaseDraft) -> list[Section]:
    """The template's sections, plus any optional section the author filled in anyway."""
    return [s for s in Section if s in template.sections or draft.section(s)]


def release_text(view: ReleaseView, template: TierTemplate, part: int = 0) -> str:
    """The notification text of each message (what a phone shows)."""
    version = f" {view.draft.version}" if view.draft.version else ""
    suffix = f" (continued, part {part + 1})" if part else ""
    return clip(f":{template.emoji}: {view.draft.title}{version}{suffix}", 300)
