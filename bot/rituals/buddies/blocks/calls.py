"""The share-a-call modal and the DMs around one call: the ask to the buddy PM, the offer to
PMs with room, the claim and decline answers, and the confirmation to the rep.
"""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    DatePickerElement,
    ExternalDataSelectElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    TimePickerElement,
    UrlInputElement,
)
from slack_sdk.models.views import View

from bot.rituals.buddies.blocks.common import _answer_buttons, _call_lines, _links, _section
from bot.rituals.buddies.forms import ModalMetadata
from bot.rituals.buddies.ids import BuddyIds
from bot.rituals.buddies.views import CallView, ClaimResult
from bot.slack.limits import MODAL_TITLE, clip
from bot.slack.modals import modal
from bot.slack.mrkdwn import escape


def build_call_modal(*, time_zone: str, metadata: ModalMetadata) -> View:
    return modal(
        callback_id=BuddyIds.CALL_MODAL.value,
        title=clip("Share a customer call", MODAL_TITLE),
        submit="Share",
        close="Cancel",
        metadata=metadata.to_json(),
        blocks=[
            InputBlock(
                block_id=BuddyIds.ACCOUNT_BLOCK.value,
                label="Account",
                hint="Start typing; a name we don't know yet creates the account.",
                element=ExternalDataSelectElement(
                    action_id=BuddyIds.ACCOUNT_SELECT.value,
                    placeholder="Acme Corp",
                    min_query_length=1,
                ),
            ),
            InputBlock(
                block_id=BuddyIds.DAY_BLOCK.value,
                label="Date",
                element=DatePickerElement(action_id=BuddyIds.DAY_INPUT.value),
            ),
            InputBlock(
                block_id=BuddyIds.TIME_BLOCK.value,
                label="Time",
                hint=f"In your time zone ({time_zone}).",
                element=TimePickerElement(action_id=BuddyIds.TIME_INPUT.value, timezone=time_zone),
            ),
            InputBlock(
                block_id=BuddyIds.TOPIC_BLOCK.value,
                label="Topic",
                optional=True,
                element=PlainTextInputElement(
                    action_id=BuddyIds.TOPIC_INPUT.value,
                    max_length=500,
                    placeholder="Renewal, onboarding review, …",
                ),
            ),
            InputBlock(
                block_id=BuddyIds.LINK_BLOCK.value,
                label="Meeting link",
                element=UrlInputElement(action_id=BuddyIds.LINK_INPUT.value),
            ),
        ],
    )


def ask_text(call: CallView) -> str:
    return (
        f"<@{call.rep_user_id}> shared a customer call with {escape(call.account_name)}: "
        "can you join?"
    )


def build_ask(call: CallView, *, time_zone: str) -> list[Block]:
    """To the rep's buddy PM."""
    return [
        _section(f":telephone_receiver: Your buddy <@{call.rep_user_id}> has a customer call."),
        _section(_call_lines(call, time_zone)),
        _answer_buttons(call),
        ActionsBlock(elements=_links(call)[1:]),
    ]


def offer_text(call: CallView) -> str:
    return f"A customer call with {escape(call.account_name)} needs a PM: first to claim it joins."


def build_offer(call: CallView, *, time_zone: str) -> list[Block]:
    """To every PM with room, when the buddy declined or did not answer (or there is none)."""
    return [
        _section(
            ":raising_hand: A customer call needs a PM. You have room this month; "
            "the first to click *I'll join* gets it."
        ),
        _section(_call_lines(call, time_zone)),
        _answer_buttons(call),
    ]


def claimed_text(call: CallView) -> str:
    return f"<@{call.owner_user_id}> will join your call with {escape(call.account_name)}."


def build_claimed(call: CallView, *, time_zone: str) -> list[Block]:
    """To the rep once a PM joins."""
    return [
        _section(f":white_check_mark: {claimed_text(call)}"),
        _section(_call_lines(call, time_zone)),
        ActionsBlock(elements=_links(call)),
    ]


def build_claim_answer(result: ClaimResult, *, time_zone: str) -> list[Block]:
    """Replaces the clicked message: who has the call now."""
    call = result.call
    if result.won:
        head = (
            ":white_check_mark: You're joining. "
            "I'll remind you the day before and 15 minutes before."
        )
        return [
            _section(head),
            _section(_call_lines(call, time_zone)),
            ActionsBlock(elements=_links(call)),
        ]
    return [
        _section(f"Thanks! <@{result.owner_user_id}> already joined this call."),
        _section(_call_lines(call, time_zone)),
    ]


def build_declined_answer(call: CallView, *, offered: bool, time_zone: str) -> list[Block]:
    note = (
        "No problem: I've offered it to the other PMs with room this month."
        if offered
        else "No problem, noted."
    )
    return [_section(note), _section(_call_lines(call, time_zone))]


def call_shared_text(call: CallView) -> str:
    if call.buddy_user_id:
        return (
            f":telephone_receiver: Shared. I've asked your buddy <@{call.buddy_user_id}> to join "
            f"your call with *{escape(call.account_name)}*."
        )
    return (
        f":telephone_receiver: Shared. You don't have a buddy PM yet, so I've offered your call "
        f"with *{escape(call.account_name)}* to every PM with room this month."
    )


def account_options(names: Sequence[str], typed: str) -> list[Option]:
    """The feedback ritual's account type-ahead options (known names, then "Create …")."""
    from bot.rituals.feedback.blocks import build_account_options

    return build_account_options(names, typed)
