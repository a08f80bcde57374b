"""The admins' release settings modal: release managers, the customer-facing group and one
tier's template."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from slack_sdk.models.blocks import (
    ChannelMultiSelectElement,
    CheckboxesElement,
    DividerBlock,
    InputBlock,
    PlainTextInputElement,
    SectionBlock,
    StaticMultiSelectElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.rituals.releases.blocks.common import md, option
from bot.rituals.releases.domain import SECTION_TITLES, Section, TierTemplate
from bot.rituals.releases.ids import FLAG_ACKNOWLEDGE, FLAG_APPROVAL, ReleaseIds
from bot.slack.modals import modal


def build_settings_modal(
    *, templates: Mapping[int, TierTemplate], tier: int, managers: Sequence[str], ack_group: str
) -> View:
    template = templates[tier]
    section_options = [option(SECTION_TITLES[s], s.value) for s in Section]
    flag_options = [
        option("Needs a release manager's approval", FLAG_APPROVAL),
        option("Customer-facing people acknowledge it", FLAG_ACKNOWLEDGE),
    ]
    chosen_flags = [
        o
        for o in flag_options
        if (o.value == FLAG_APPROVAL and template.needs_approval)
        or (o.value == FLAG_ACKNOWLEDGE and template.acknowledge)
    ]
    return modal(
        callback_id=ReleaseIds.SETTINGS_MODAL.value,
        title="Release settings",
        submit="Save",
        close="Cancel",
        metadata=str(tier),
        blocks=[
            InputBlock(
                block_id=ReleaseIds.MANAGERS_BLOCK.value,
                label="Release managers (approve releases)",
                optional=True,
                hint="When nobody is listed, workspace admins approve.",
                element=UserMultiSelectElement(
                    action_id=ReleaseIds.MANAGERS_SELECT.value,
                    initial_users=list(managers) or None,
                ),
            ),
            InputBlock(
                block_id=ReleaseIds.ACK_GROUP_BLOCK.value,
                label="Customer-facing group (user group S… or channel C… id)",
                optional=True,
                element=PlainTextInputElement(
                    action_id=ReleaseIds.ACK_GROUP_INPUT.value,
                    initial_value=ack_group or None,
                    max_length=32,
                ),
            ),
            DividerBlock(),
            SectionBlock(
                block_id=ReleaseIds.SETTINGS_TIER_BLOCK.value,
                text=md(
                    f"*Template of tier {tier}* · the others: "
                    + ", ".join(f"`/release settings {t}`" for t in templates if t != tier)
                ),
            ),
            InputBlock(
                block_id=ReleaseIds.TEMPLATE_NAME_BLOCK.value,
                label="Name",
                element=PlainTextInputElement(
                    action_id=ReleaseIds.TEMPLATE_NAME_INPUT.value,
                    initial_value=template.name,
                    max_length=60,
                ),
            ),
            InputBlock(
                block_id=ReleaseIds.TEMPLATE_EMOJI_BLOCK.value,
                label="Emoji",
                element=PlainTextInputElement(
                    action_id=ReleaseIds.TEMPLATE_EMOJI_INPUT.value,
                    initial_value=template.emoji,
                    max_length=60,
                ),
            ),
            InputBlock(
                block_id=ReleaseIds.TEMPLATE_SECTIONS_BLOCK.value,
                label="Required sections",
                element=StaticMultiSelectElement(
                    action_id=ReleaseIds.TEMPLATE_SECTIONS_SELECT.value,
                    options=section_options,
                    initial_options=[o for o in section_options if o.value in template.sections],
                ),
            ),
            InputBlock(
                block_id=ReleaseIds.TEMPLATE_CHANNELS_BLOCK.value,
                label="Default channels",
                optional=True,
                element=ChannelMultiSelectElement(
                    action_id=ReleaseIds.TEMPLATE_CHANNELS_SELECT.value,
                    initial_channels=list(template.default_channels) or None,
                ),
            ),
            InputBlock(
                block_id=ReleaseIds.TEMPLATE_FLAGS_BLOCK.value,
                label="Rules",
                optional=True,
                element=CheckboxesElement(
                    action_id=ReleaseIds.TEMPLATE_FLAGS_CHECKS.value,
                    options=flag_options,
                    initial_options=chosen_flags or None,
                ),
            ),
        ],
    )
