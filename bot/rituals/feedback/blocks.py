"""Pure Block Kit builders for the feedback ritual: domain values in, slack_sdk models out.

Every text that comes from people is cut with `clip` and every list is capped, so no builder can
produce a message, modal or Home tab that Slack rejects.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    ExternalDataSelectElement,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
    UrlInputElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.rituals.feedback.domain import (
    TEXT_LIMIT,
    AccountRecord,
    CaptureResult,
    Digest,
    DigestItem,
    FeedbackDraft,
    Importance,
    ItemAction,
    ItemSummary,
    Source,
    Status,
    StatusChange,
    describe_age,
    trend,
)
from bot.rituals.feedback.forms import FeedbackModalMetadata, ItemModalMetadata
from bot.rituals.feedback.ids import NEW_ACCOUNT_PREFIX, FeedbackIds
from bot.slack.limits import (
    BUTTON_VALUE,
    FIELD_TEXT,
    HEADER_TEXT,
    HOME_BLOCKS,
    MESSAGE_BLOCKS,
    MESSAGE_TEXT,
    MODAL_TITLE,
    OPTION_TEXT,
    OPTION_VALUE,
    OPTIONS_PER_SELECT,
    SECTION_FIELDS,
    SECTION_TEXT,
    cap_blocks,
    clip,
)

SNIPPET = 140  # how much of an item's text a list line shows


def _md(text: str, limit: int = SECTION_TEXT) -> MarkdownTextObject:
    return MarkdownTextObject(text=clip(text, limit))


def _option(label: str, value: str) -> Option:
    return Option(text=PlainTextObject(text=clip(label, OPTION_TEXT)), value=value[:OPTION_VALUE])


def _escape(text: str) -> str:
    """Slack mrkdwn control characters, so stored text cannot ping or format."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def snippet(text: str, limit: int = SNIPPET) -> str:
    return _escape(clip(" ".join(text.split()), limit))


def item_line(item: DigestItem | ItemSummary) -> str:
    """`#12 Export to CSV is slow — Acme` linked to its source when there is one."""
    link = item.permalink if isinstance(item, DigestItem) else (item.permalink or item.link)
    label = f"#{item.item_id}"
    head = f"<{link}|{label}>" if link else label
    account = f" · {_escape(item.account_name)}" if item.account_name else ""
    return f"{head} {snippet(item.text)}{account}"


# ---- the feedback form -----------------------------------------------------------------------


def build_feedback_modal(
    *,
    areas: Sequence[str],
    metadata: FeedbackModalMetadata,
    submitter: str,
    draft: FeedbackDraft | None = None,
) -> View:
    """The capture form; prefilled from a draft when editing or capturing a message."""
    draft = draft or FeedbackDraft(text="")
    area_options = [_option(area, area) for area in areas[:OPTIONS_PER_SELECT]]
    source_options = [_option(source.label, source.value) for source in Source]
    importance_options = [_option(i.label, i.value) for i in Importance]
    blocks: list[Block] = [
        InputBlock(
            block_id=FeedbackIds.TEXT_BLOCK.value,
            label="What did the customer say?",
            element=PlainTextInputElement(
                action_id=FeedbackIds.TEXT_INPUT.value,
                multiline=True,
                max_length=TEXT_LIMIT,
                initial_value=draft.text[:TEXT_LIMIT] or None,
                placeholder="In their words, as close as you can",
            ),
        ),
        InputBlock(
            block_id=FeedbackIds.ACCOUNT_BLOCK.value,
            label="Account",
            optional=True,
            hint="Start typing; a name we don't know yet creates the account.",
            element=ExternalDataSelectElement(
                action_id=FeedbackIds.ACCOUNT_SELECT.value,
                placeholder="Acme Corp",
                min_query_length=1,
                initial_option=(
                    _option(draft.account_name, draft.account_name) if draft.account_name else None
                ),
            ),
        ),
    ]
    if area_options:
        blocks.append(
            InputBlock(
                block_id=FeedbackIds.AREA_BLOCK.value,
                label="Product area",
                optional=True,
                element=StaticSelectElement(
                    action_id=FeedbackIds.AREA_SELECT.value,
                    placeholder="Choose an area",
                    options=area_options,
                    initial_option=next((o for o in area_options if o.value == draft.area), None),
                ),
            )
        )
    blocks += [
        InputBlock(
            block_id=FeedbackIds.SOURCE_BLOCK.value,
            label="Source",
            element=StaticSelectElement(
                action_id=FeedbackIds.SOURCE_SELECT.value,
                options=source_options,
                initial_option=next(o for o in source_options if o.value == draft.source.value),
            ),
        ),
        InputBlock(
            block_id=FeedbackIds.IMPORTANCE_BLOCK.value,
            label="Importance",
            element=StaticSelectElement(
                action_id=FeedbackIds.IMPORTANCE_SELECT.value,
                options=importance_options,
                initial_option=next(
                    o for o in importance_options if o.value == draft.importance.value
                ),
            ),
        ),
        InputBlock(
            block_id=FeedbackIds.LINK_BLOCK.value,
            label="Link",
            optional=True,
            hint="A call recording, ticket or email thread.",
            element=UrlInputElement(
                action_id=FeedbackIds.LINK_INPUT.value,
                initial_value=draft.link or None,
            ),
        ),
        InputBlock(
            block_id=FeedbackIds.ON_BEHALF_BLOCK.value,
            label="On behalf of",
            element=UserSelectElement(
                action_id=FeedbackIds.ON_BEHALF_SELECT.value,
                initial_user=draft.on_behalf_of or submitter,
            ),
        ),
    ]
    if metadata.permalink:
        blocks.append(
            ContextBlock(elements=[_md(f"Captured from <{metadata.permalink}|this message>.")])
        )
    title = f"Edit feedback #{metadata.item_id}" if metadata.item_id else "Capture feedback"
    return View(
        type="modal",
        callback_id=FeedbackIds.MODAL.value,
        title=clip(title, MODAL_TITLE),
        submit="Save",
        close="Cancel",
        private_metadata=metadata.to_json(),
        blocks=blocks,
    )


def build_account_options(names: Sequence[str], typed: str) -> list[Option]:
    """Known accounts matching what was typed, then "Create …" when the name is new."""
    options = [_option(name, name) for name in names[: OPTIONS_PER_SELECT - 1]]
    wanted = " ".join(typed.split())
    if wanted and all(name.casefold() != wanted.casefold() for name in names):
        value = NEW_ACCOUNT_PREFIX + wanted[: OPTION_VALUE - len(NEW_ACCOUNT_PREFIX)]
        options.append(_option(f"+ New account: {wanted}", value))
    return options


# ---- confirmations and suggestions -----------------------------------------------------------


def _details(item: ItemSummary) -> str:
    parts = [item.account_name, item.area, item.source.label, item.importance.label]
    return " · ".join(_escape(p) for p in parts if p)


def build_capture_confirmation(result: CaptureResult, *, offer_details: bool) -> list[Block]:
    """What the person who captured sees, privately: what was stored, then similar items."""
    item = result.item
    if result.created:
        head = f":white_check_mark: Saved feedback *#{item.item_id}*"
    else:
        head = f":information_source: This was already captured as *#{item.item_id}*"
    blocks: list[Block] = [
        SectionBlock(text=_md(f"{head}\n>{snippet(item.text, 600)}\n{_details(item)}")),
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
                text=_md(
                    ":mag: *Looks similar to what is already here.* Add a +1 to an existing "
                    "item instead of keeping a duplicate?"
                )
            )
        )
        for similar in result.similar:
            votes = f" · {similar.request_count} requests" if similar.request_count > 1 else ""
            account = f" · {_escape(similar.account_name)}" if similar.account_name else ""
            blocks.append(
                SectionBlock(
                    text=_md(f"*#{similar.item_id}* {snippet(similar.text)}{account}{votes}"),
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
    return clip(f"{verb} feedback #{result.item.item_id}: {result.item.text}", 300)


def build_merged_note(target: ItemSummary, source_id: int) -> list[Block]:
    return [
        SectionBlock(
            text=_md(
                f":heavy_plus_sign: Added as a +1 on *#{target.item_id}* "
                f"({target.request_count} requests now); #{source_id} was merged into it.\n"
                f">{snippet(target.text)}"
            )
        )
    ]


def build_kept_separate_note(item_id: int) -> list[Block]:
    return [SectionBlock(text=_md(f":ok_hand: Kept *#{item_id}* as its own item."))]


def build_reaction_blocked_note(channel_id: str) -> str:
    return (
        f":bulb: I couldn't read that message in <#{channel_id}> to capture it as feedback: "
        "I'm not in that channel. Invite me with `/invite @opsbot` and react again, or use "
        "the message menu → *Capture as feedback*."
    )


def build_help_blocks() -> list[Block]:
    return [
        SectionBlock(
            text=_md(
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


# ---- lifecycle -------------------------------------------------------------------------------


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
        _option(label, ItemAction(item_id, status).encode())
        for status, label in labels.items()
        if status != current
    ]
    options.append(_option("Merge into another item…", ItemAction(item_id, None).encode()))
    return StaticSelectElement(
        action_id=FeedbackIds.ITEM_ACTION.value, placeholder="Set status", options=options
    )


def build_status_modal(item: ItemSummary, metadata: ItemModalMetadata) -> View:
    status = metadata.wanted_status
    blocks: list[Block] = [SectionBlock(text=_md(f"*#{item.item_id}* {snippet(item.text, 500)}"))]
    if status is Status.PLANNED:
        blocks.append(
            InputBlock(
                block_id=FeedbackIds.STATUS_LINK_BLOCK.value,
                label="Roadmap or tracker link",
                element=UrlInputElement(
                    action_id=FeedbackIds.STATUS_LINK_INPUT.value,
                    initial_value=item.status_link or None,
                ),
            )
        )
    else:
        blocks.append(
            InputBlock(
                block_id=FeedbackIds.STATUS_REASON_BLOCK.value,
                label="Why is it declined?",
                hint="The people who asked for it will read this.",
                element=PlainTextInputElement(
                    action_id=FeedbackIds.STATUS_REASON_INPUT.value, multiline=True, max_length=2000
                ),
            )
        )
    return View(
        type="modal",
        callback_id=FeedbackIds.STATUS_MODAL.value,
        title=clip(f"{status.label} #{item.item_id}", MODAL_TITLE),
        submit="Save",
        close="Cancel",
        private_metadata=metadata.to_json(),
        blocks=blocks,
    )


def build_merge_modal(item: ItemSummary, metadata: ItemModalMetadata) -> View:
    return View(
        type="modal",
        callback_id=FeedbackIds.MERGE_MODAL.value,
        title=clip(f"Merge #{item.item_id}", MODAL_TITLE),
        submit="Merge",
        close="Cancel",
        private_metadata=metadata.to_json(),
        blocks=[
            SectionBlock(text=_md(f"*#{item.item_id}* {snippet(item.text, 500)}")),
            InputBlock(
                block_id=FeedbackIds.MERGE_TARGET_BLOCK.value,
                label="Merge into item number",
                hint="Its requesters and accounts are kept on that item.",
                element=PlainTextInputElement(
                    action_id=FeedbackIds.MERGE_TARGET_INPUT.value, placeholder="#42"
                ),
            ),
        ],
    )


def status_changed_text(change: StatusChange) -> str:
    item = change.item
    return clip(f"#{item.item_id} is now {item.status.value}: {item.text}", 300)


def build_loop_closing_message(item: ItemSummary) -> list[Block]:
    """The private note to the people who asked: it shipped (or why it will not)."""
    if item.status is Status.SHIPPED:
        head = ":tada: *Shipped!* Feedback you raised is now live"
        tail = f"\nDetails: {item.status_link}" if item.status_link else ""
    else:
        head = ":memo: *Decision on feedback you raised*: it is declined"
        tail = f"\nWhy: {_escape(item.decline_reason or '')}"
    account = f" (for {_escape(item.account_name)})" if item.account_name else ""
    return [
        SectionBlock(
            text=_md(f"{head}{account}.\n>*#{item.item_id}* {snippet(item.text, 800)}{tail}")
        ),
        ContextBlock(elements=[_md("Worth telling the customer: it closes the loop.")]),
    ]


def loop_closing_text(item: ItemSummary) -> str:
    verb = "shipped" if item.status is Status.SHIPPED else "was declined"
    return clip(f"Feedback #{item.item_id} {verb}: {item.text}", 300)


# ---- accounts --------------------------------------------------------------------------------


def build_account_modal(name: str, record: AccountRecord | None) -> View:
    record = record or AccountRecord(name=name)

    def text_input(
        block: FeedbackIds, action: FeedbackIds, label: str, value: str | None, optional: bool
    ) -> InputBlock:
        return InputBlock(
            block_id=block.value,
            label=label,
            optional=optional,
            element=PlainTextInputElement(action_id=action.value, initial_value=value or None),
        )

    owner = UserSelectElement(action_id=FeedbackIds.ACCOUNT_OWNER_SELECT.value)
    if record.owner_user_id:
        owner = UserSelectElement(
            action_id=FeedbackIds.ACCOUNT_OWNER_SELECT.value, initial_user=record.owner_user_id
        )
    return View(
        type="modal",
        callback_id=FeedbackIds.ACCOUNT_MODAL.value,
        title="Account",
        submit="Save",
        close="Cancel",
        blocks=[
            text_input(
                FeedbackIds.ACCOUNT_NAME_BLOCK,
                FeedbackIds.ACCOUNT_NAME_INPUT,
                "Name",
                record.name,
                False,
            ),
            text_input(
                FeedbackIds.ACCOUNT_EXTERNAL_BLOCK,
                FeedbackIds.ACCOUNT_EXTERNAL_INPUT,
                "External id (CRM)",
                record.external_id,
                True,
            ),
            text_input(
                FeedbackIds.ACCOUNT_SEGMENT_BLOCK,
                FeedbackIds.ACCOUNT_SEGMENT_INPUT,
                "Segment",
                record.segment,
                True,
            ),
            text_input(
                FeedbackIds.ACCOUNT_ARR_BLOCK,
                FeedbackIds.ACCOUNT_ARR_INPUT,
                "ARR",
                str(record.arr) if record.arr is not None else None,
                True,
            ),
            InputBlock(
                block_id=FeedbackIds.ACCOUNT_OWNER_BLOCK.value,
                label="Owner",
                optional=True,
                element=owner,
            ),
        ],
    )


# ---- digest and App Home ---------------------------------------------------------------------


def _list_section(title: str, lines: Sequence[str], empty: str) -> SectionBlock:
    body = "\n".join(f"• {line}" for line in lines) if lines else f"_{empty}_"
    return SectionBlock(text=_md(f"*{title}*\n{body}"))


def build_digest_message(digest: Digest, *, now: datetime) -> list[Block]:
    """The weekly digest. At most ~30 blocks whatever the volume: lists are top-N with a count
    of the rest, and every text is clipped."""
    scope = f" · {digest.area}" if digest.area else ""
    week = digest.window.start.strftime("%b %-d")
    blocks: list[Block] = [
        HeaderBlock(text=clip(f":bulb: Feedback digest{scope} · week of {week}", HEADER_TEXT)),
        SectionBlock(
            text=_md(
                f"*{digest.new_this_week}* new item{'s' if digest.new_this_week != 1 else ''} "
                f"this week ({trend(digest.new_this_week, digest.new_last_week)}; "
                f"{digest.new_last_week} last week)"
            ),
            fields=[
                _md(f"*{_escape(area)}*\n{count}", FIELD_TEXT)
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
                    _md(f"…and {rest} more in {len(digest.by_area) - SECTION_FIELDS} other areas")
                ]
            )
        )
    blocks.append(
        _list_section(
            "Top accounts (weighted by ARR)",
            [
                f"{_escape(t.name)}: {t.items} item{'s' if t.items != 1 else ''}"
                + (f" · ARR {t.arr:,}" if t.arr else "")
                for t in digest.top_accounts
            ],
            "No account named this week.",
        )
    )
    blocks.append(
        _list_section(
            "Most requested",
            [f"{item_line(i)} · *{i.request_count}* requests" for i in digest.most_requested],
            "Nothing has more than one request yet.",
        )
    )
    blocks.append(
        _list_section(
            "New this week",
            [item_line(i) for i in digest.new_items],
            "Nothing new this week.",
        )
    )
    blocks.append(DividerBlock())
    blocks.append(
        SectionBlock(
            text=_md(f"*Waiting for review: {digest.awaiting_review_total}* (oldest first)")
        )
    )
    for item in digest.awaiting_review:
        age = describe_age(now - item.captured_at)
        blocks.append(
            SectionBlock(
                text=_md(f"{item_line(item)} · waiting {age}"),
                accessory=item_menu(item.item_id, item.status),
            )
        )
    hidden = digest.awaiting_review_total - len(digest.awaiting_review)
    if hidden > 0:
        blocks.append(
            ContextBlock(elements=[_md(f"…and {hidden} more waiting; see the App Home.")])
        )
    median = digest.median_time_to_review
    insight = describe_age(median) if median is not None else "no reviews in the last 4 weeks"
    blocks.append(ContextBlock(elements=[_md(f":stopwatch: Median time to review: {insight}")]))
    return cap_blocks(blocks, MESSAGE_BLOCKS)


def digest_fallback_text(digest: Digest) -> str:
    scope = f" ({digest.area})" if digest.area else ""
    return clip(
        f"Feedback digest{scope}: {digest.new_this_week} new, "
        f"{digest.awaiting_review_total} waiting for review",
        MESSAGE_TEXT,
    )


def build_home_section(
    *, mine: Sequence[DigestItem], awaiting: Sequence[DigestItem] | None
) -> list[Block]:
    blocks: list[Block] = [
        SectionBlock(
            text=_md(
                ":bulb: *My recent feedback*"
                + ("" if mine else "\n_Nothing yet: try `/feedback`._")
            )
        )
    ]
    for item in mine:
        blocks.append(SectionBlock(text=_md(f"{item_line(item)}\n`{item.status.value}`")))
    if awaiting is not None:
        blocks.append(
            SectionBlock(
                text=_md(
                    "*Waiting for review in your areas*"
                    + ("" if awaiting else "\n_All caught up._")
                )
            )
        )
        for item in awaiting:
            blocks.append(
                SectionBlock(
                    text=_md(item_line(item)), accessory=item_menu(item.item_id, item.status)
                )
            )
    return cap_blocks(blocks, HOME_BLOCKS // 4)
