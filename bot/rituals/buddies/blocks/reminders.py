"""Reminders before a call, the after-call prompt (takeaways and outcome) and its answers."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    PlainTextObject,
)
from slack_sdk.models.views import View

from bot.rituals.buddies.blocks.common import _call_lines, _links, _section
from bot.rituals.buddies.domain import CallOutcome, ReminderKind
from bot.rituals.buddies.forms import ModalMetadata
from bot.rituals.buddies.ids import BuddyIds
from bot.rituals.buddies.views import CallView
from bot.rituals.feedback.blocks import build_feedback_modal
from bot.rituals.feedback.domain import FeedbackDraft, Source
from bot.rituals.feedback.forms import FeedbackModalMetadata
from bot.slack.limits import MODAL_TITLE, clip, md
from bot.slack.mrkdwn import escape


def reminder_text(call: CallView, kind: ReminderKind) -> str:
    if kind is ReminderKind.DAY_BEFORE:
        return f"Tomorrow: customer call with {escape(call.account_name)}"
    if kind is ReminderKind.SOON:
        return f"In 15 minutes: customer call with {escape(call.account_name)}"
    return f"How did the call with {escape(call.account_name)} go?"


def build_reminder(call: CallView, kind: ReminderKind, *, time_zone: str) -> list[Block]:
    if kind is ReminderKind.AFTER:
        return build_after(call, time_zone=time_zone)
    icon = ":alarm_clock:" if kind is ReminderKind.SOON else ":spiral_calendar_pad:"
    partner = f" <@{call.owner_user_id}> joins." if call.owner_user_id else ""
    return [
        _section(f"{icon} *{reminder_text(call, kind)}*.{partner}"),
        _section(_call_lines(call, time_zone)),
        ActionsBlock(elements=_links(call)),
    ]


def build_after(call: CallView, *, time_zone: str) -> list[Block]:
    value = str(call.call_id)
    return [
        _section(
            f":memo: *{reminder_text(call, ReminderKind.AFTER)}* Capture what the customer "
            "said while it is fresh: it becomes feedback on the account."
        ),
        _section(_call_lines(call, time_zone)),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Capture takeaways",
                    action_id=BuddyIds.TAKEAWAYS.value,
                    value=value,
                    style="primary",
                )
            ]
        ),
        _section("*Did it happen?*"),
        ActionsBlock(
            block_id=f"{BuddyIds.OUTCOME.value}-{call.call_id}",
            elements=[
                ButtonElement(
                    text=outcome.label,
                    action_id=f"{BuddyIds.OUTCOME.value}-{outcome.value}",
                    value=f"{call.call_id}:{outcome.value}",
                )
                for outcome in CallOutcome
            ],
        ),
    ]


def outcome_answer(call: CallView) -> list[Block]:
    label = call.outcome.label if call.outcome else "Noted"
    return [_section(f"Thanks: *{label}* recorded for the call with {escape(call.account_name)}.")]


def build_takeaway_modal(
    call: CallView, *, areas: Sequence[str], user_id: str, channel_id: str | None
) -> View:
    """The feedback ritual's own form, prefilled with the call's account and source "call", but
    submitted to this ritual so the item is linked to the call."""
    view = build_feedback_modal(
        areas=areas,
        metadata=FeedbackModalMetadata(),
        submitter=user_id,
        draft=FeedbackDraft(
            text="", account_name=call.account_name, source=Source.CALL, on_behalf_of=user_id
        ),
    )
    view.callback_id = BuddyIds.TAKEAWAY_MODAL.value
    view.title = PlainTextObject(text=clip("Call takeaways", MODAL_TITLE))
    view.private_metadata = ModalMetadata(channel_id=channel_id, call_id=call.call_id).to_json()
    view.blocks = [
        ContextBlock(elements=[md(f"From your call with *{escape(call.account_name)}*.")]),
        *(view.blocks or []),
    ]
    return view


def takeaway_saved_text(item_id: int, call: CallView) -> str:
    return (
        f":bulb: Saved as feedback #{item_id} on *{escape(call.account_name)}* "
        "(source: call). Add another with the same button."
    )
