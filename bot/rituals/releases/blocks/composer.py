"""The /release composer modal (also the correction modal), its loading state while a GitHub
import runs, the related-feedback options and the request-changes modal."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from slack_sdk.models.blocks import (
    Block,
    ChannelMultiSelectElement,
    DateTimePickerElement,
    ExternalDataMultiSelectElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
    StaticSelectElement,
    UrlInputElement,
)
from slack_sdk.models.views import View

from bot.rituals.releases.blocks.common import INPUT_MAX, feedback_label, md, option
from bot.rituals.releases.domain import ReleaseDraft, TierTemplate
from bot.rituals.releases.forms import ComposerMetadata
from bot.rituals.releases.ids import WHEN_LATER, WHEN_NOW, ReleaseIds
from bot.slack.limits import MODAL_BLOCKS, cap_blocks
from bot.slack.modals import modal
from bot.slack.mrkdwn import escape


def build_composer(
    *,
    templates: Mapping[int, TierTemplate],
    draft: ReleaseDraft,
    metadata: ComposerMetadata,
    feedback: Sequence[tuple[int, str, str | None]] = (),
    notice: str | None = None,
) -> View:
    """The /release modal. `feedback` labels the already-linked items; `notice` is a line
    on top (an import that failed, or imported notes kept because they are long)."""
    blocks: list[Block] = []
    if notice:
        blocks.append(SectionBlock(text=md(notice)))

    def text_input(
        block: ReleaseIds,
        action: ReleaseIds,
        label: str,
        value: str,
        *,
        optional: bool,
        multiline: bool = False,
        hint: str | None = None,
        max_length: int = INPUT_MAX,
    ) -> InputBlock:
        return InputBlock(
            block_id=block.value,
            label=label,
            optional=optional,
            hint=hint,
            element=PlainTextInputElement(
                action_id=action.value,
                multiline=multiline,
                initial_value=value[:max_length] or None,
                max_length=max_length,
            ),
        )

    tier_options = [
        option(
            f"Tier {t.tier} · {t.name}" + (" (needs approval)" if t.needs_approval else ""),
            str(t.tier),
        )
        for t in templates.values()
    ]
    chosen_tier = next((o for o in tier_options if o.value == str(draft.tier)), None)
    blocks.append(
        text_input(
            ReleaseIds.TITLE_BLOCK,
            ReleaseIds.TITLE_INPUT,
            "Title",
            draft.title,
            optional=False,
            max_length=120,
        )
    )
    blocks.append(
        text_input(
            ReleaseIds.VERSION_BLOCK,
            ReleaseIds.VERSION_INPUT,
            "Version",
            draft.version,
            optional=True,
            max_length=40,
        )
    )
    if not metadata.correcting:
        blocks.append(
            InputBlock(
                block_id=ReleaseIds.TIER_BLOCK.value,
                label="Launch tier",
                hint="The tier sets the template: sections, default channels and approval.",
                element=StaticSelectElement(
                    action_id=ReleaseIds.TIER_SELECT.value,
                    options=tier_options,
                    initial_option=chosen_tier,
                ),
            )
        )
    kept = metadata.kept_chars
    blocks.append(
        text_input(
            ReleaseIds.WHATS_NEW_BLOCK,
            ReleaseIds.WHATS_NEW_INPUT,
            "What's new",
            "" if kept else draft.whats_new,
            optional=bool(kept),
            multiline=True,
            hint=(
                f"The imported notes ({kept:,} characters) are kept as imported; type here "
                "to replace them."
            )
            if kept
            else "Slack formatting works: *bold*, lists, links.",
        )
    )
    blocks.append(
        text_input(
            ReleaseIds.WHY_BLOCK,
            ReleaseIds.WHY_INPUT,
            "Why it matters",
            draft.why_it_matters,
            optional=True,
            multiline=True,
            hint="Required for some tiers; see the tier's template.",
        )
    )
    blocks.append(
        text_input(
            ReleaseIds.WHO_FOR_BLOCK,
            ReleaseIds.WHO_FOR_INPUT,
            "Who it is for",
            draft.who_it_is_for,
            optional=True,
            multiline=True,
        )
    )
    blocks.append(
        InputBlock(
            block_id=ReleaseIds.DOCS_BLOCK.value,
            label="Docs link",
            optional=True,
            element=UrlInputElement(
                action_id=ReleaseIds.DOCS_INPUT.value, initial_value=draft.docs_url or None
            ),
        )
    )
    if not metadata.correcting:
        initial = [option(feedback_label(i, t, a), str(i)) for i, t, a in feedback] or None
        blocks.append(
            InputBlock(
                block_id=ReleaseIds.FEEDBACK_BLOCK.value,
                label="Related feedback",
                optional=True,
                hint="Search feedback text or accounts. Its requesters are told when it ships.",
                element=ExternalDataMultiSelectElement(
                    action_id=ReleaseIds.FEEDBACK_SELECT.value,
                    placeholder="Type a few words or an account",
                    min_query_length=0,
                    initial_options=initial,
                ),
            )
        )
        default_channels = list(draft.channel_ids) or (
            list(templates[draft.tier].default_channels)
            if draft.tier is not None and draft.tier in templates
            else []
        )
        blocks.append(
            InputBlock(
                block_id=ReleaseIds.CHANNELS_BLOCK.value,
                label="Announce in",
                optional=True,
                hint="Leave empty for the tier's default channels. I must be in each one.",
                element=ChannelMultiSelectElement(
                    action_id=ReleaseIds.CHANNELS_SELECT.value,
                    initial_channels=default_channels or None,
                ),
            )
        )
        now_option = option("Publish now (after approval, if the tier needs it)", WHEN_NOW)
        later_option = option("Publish at a time", WHEN_LATER)
        blocks.append(
            InputBlock(
                block_id=ReleaseIds.WHEN_BLOCK.value,
                label="When",
                element=RadioButtonsElement(
                    action_id=ReleaseIds.WHEN_RADIO.value,
                    options=[now_option, later_option],
                    initial_option=later_option if draft.publish_at else now_option,
                ),
            )
        )
        blocks.append(
            InputBlock(
                block_id=ReleaseIds.PUBLISH_AT_BLOCK.value,
                label="Time (your time zone)",
                optional=True,
                element=DateTimePickerElement(
                    action_id=ReleaseIds.PUBLISH_AT_PICKER.value,
                    initial_date_time=int(draft.publish_at.timestamp())
                    if draft.publish_at
                    else None,
                ),
            )
        )
    return modal(
        callback_id=ReleaseIds.COMPOSER.value,
        title="Correct release" if metadata.correcting else "New release",
        submit="Update posts" if metadata.correcting else "Preview",
        close="Cancel",
        metadata=metadata.to_json(),
        blocks=cap_blocks(blocks, MODAL_BLOCKS),
    )


def build_loading_modal(what: str) -> View:
    return modal(
        callback_id=ReleaseIds.LOADING.value,
        title="New release",
        submit=None,
        close="Cancel",
        blocks=[
            SectionBlock(text=md(f":hourglass_flowing_sand: Fetching {escape(what)} from GitHub…"))
        ],
    )


def build_feedback_options(items: Sequence[tuple[int, str, str | None]]) -> list[Option]:
    return [option(feedback_label(i, t, a), str(i)) for i, t, a in items[:100]]


def build_changes_modal(release_id: int) -> View:
    return modal(
        callback_id=ReleaseIds.CHANGES_MODAL.value,
        title="Request changes",
        submit="Send",
        close="Cancel",
        metadata=str(release_id),
        blocks=[
            InputBlock(
                block_id=ReleaseIds.COMMENT_BLOCK.value,
                label="What should change?",
                element=PlainTextInputElement(
                    action_id=ReleaseIds.COMMENT_INPUT.value, multiline=True, max_length=2000
                ),
            )
        ],
    )
