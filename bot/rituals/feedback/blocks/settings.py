"""The feedback section of `/ops settings`: product areas, the capture emoji and area owners."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    InputBlock,
    PlainTextInputElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.rituals.feedback.blocks.common import md
from bot.rituals.feedback.domain import FeedbackSettings
from bot.rituals.feedback.ids import FeedbackIds
from bot.slack.limits import MODAL_BLOCKS, clip
from bot.slack.modals import modal

OWNER_LABEL = 2000
BLOCK_ID = 255
AREAS_INPUT_LIMIT = 3000  # Slack's plain-text input maximum


def build_settings_modal(settings: FeedbackSettings) -> View:
    """Pushed on top of the /ops settings modal. One owner select per configured area (a new
    area gets its owner the next time the modal is opened)."""
    blocks: list[Block] = [
        InputBlock(
            block_id=FeedbackIds.SETTINGS_AREAS_BLOCK.value,
            label="Product areas",
            optional=True,
            hint="One per line. Captures and digests can be filed under these.",
            element=PlainTextInputElement(
                action_id=FeedbackIds.SETTINGS_AREAS_INPUT.value,
                multiline=True,
                max_length=AREAS_INPUT_LIMIT,
                initial_value="\n".join(settings.areas)[:AREAS_INPUT_LIMIT] or None,
            ),
        ),
        InputBlock(
            block_id=FeedbackIds.SETTINGS_EMOJI_BLOCK.value,
            label="Capture emoji",
            hint="Reacting with it on a message captures the message as feedback.",
            element=PlainTextInputElement(
                action_id=FeedbackIds.SETTINGS_EMOJI_INPUT.value,
                max_length=100,
                initial_value=settings.capture_emoji,
                placeholder="bulb",
            ),
        ),
    ]
    room = MODAL_BLOCKS - len(blocks) - 1
    areas = list(dict.fromkeys(settings.areas))  # block ids must be unique
    for area in areas[:room]:
        owners = settings.area_owners.get(area) or []
        blocks.append(
            InputBlock(
                block_id=f"{FeedbackIds.SETTINGS_OWNER_BLOCK.value}:{area}"[:BLOCK_ID],
                label=clip(f"Owner of {area}", OWNER_LABEL),
                optional=True,
                hint="Sees this area's items waiting for review in the App Home.",
                element=UserMultiSelectElement(
                    action_id=FeedbackIds.SETTINGS_OWNER_SELECT.value,
                    initial_users=owners or None,
                    placeholder="Choose a person",
                ),
            )
        )
    if len(areas) > room:
        blocks.append(
            ContextBlock(elements=[md(f"Owners can be set for the first {room} areas here.")])
        )
    return modal(
        callback_id=FeedbackIds.SETTINGS_MODAL.value,
        title="Feedback settings",
        submit="Save",
        close="Back",
        blocks=blocks,
    )
