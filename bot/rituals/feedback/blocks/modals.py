"""The feedback modals: the capture form, the status and merge modals and the account editor."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    ExternalDataSelectElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
    UrlInputElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.rituals.feedback.blocks.common import (
    md,
    option,
    snippet,
)
from bot.rituals.feedback.domain import (
    TEXT_LIMIT,
    AccountRecord,
    FeedbackDraft,
    Importance,
    ItemSummary,
    Source,
    Status,
)
from bot.rituals.feedback.forms import FeedbackModalMetadata, ItemModalMetadata
from bot.rituals.feedback.ids import NEW_ACCOUNT_PREFIX, FeedbackIds
from bot.slack.limits import (
    MODAL_TITLE,
    OPTION_VALUE,
    OPTIONS_PER_SELECT,
    clip,
)
from bot.slack.modals import modal
from bot.slack.mrkdwn import link

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
    area_options = [option(area, area) for area in areas[:OPTIONS_PER_SELECT]]
    source_options = [option(source.label, source.value) for source in Source]
    importance_options = [option(i.label, i.value) for i in Importance]
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
                    option(draft.account_name, draft.account_name) if draft.account_name else None
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
            ContextBlock(
                elements=[md(f"Captured from {link(metadata.permalink, 'this message')}.")]
            )
        )
    title = f"Edit feedback #{metadata.item_id}" if metadata.item_id else "Capture feedback"
    return modal(
        callback_id=FeedbackIds.MODAL.value,
        title=clip(title, MODAL_TITLE),
        submit="Save",
        close="Cancel",
        metadata=metadata.to_json(),
        blocks=blocks,
    )


def build_account_options(names: Sequence[str], typed: str) -> list[Option]:
    """Known accounts matching what was typed, then "Create …" when the name is new."""
    options = [option(name, name) for name in names[: OPTIONS_PER_SELECT - 1]]
    wanted = " ".join(typed.split())
    if wanted and all(name.casefold() != wanted.casefold() for name in names):
        value = NEW_ACCOUNT_PREFIX + wanted[: OPTION_VALUE - len(NEW_ACCOUNT_PREFIX)]
        options.append(option(f"+ New account: {wanted}", value))
    return options


def build_status_modal(item: ItemSummary, metadata: ItemModalMetadata) -> View:
    status = metadata.wanted_status
    blocks: list[Block] = [SectionBlock(text=md(f"*#{item.item_id}* {snippet(item.text, 500)}"))]
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
    return modal(
        callback_id=FeedbackIds.STATUS_MODAL.value,
        title=clip(f"{status.label} #{item.item_id}", MODAL_TITLE),
        submit="Save",
        close="Cancel",
        metadata=metadata.to_json(),
        blocks=blocks,
    )


def build_merge_modal(item: ItemSummary, metadata: ItemModalMetadata) -> View:
    return modal(
        callback_id=FeedbackIds.MERGE_MODAL.value,
        title=clip(f"Merge #{item.item_id}", MODAL_TITLE),
        submit="Merge",
        close="Cancel",
        metadata=metadata.to_json(),
        blocks=[
            SectionBlock(text=md(f"*#{item.item_id}* {snippet(item.text, 500)}")),
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
    return modal(
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
