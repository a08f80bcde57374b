"""Typed values for what travels through Slack views: private metadata and submitted state.

Pure: reads the dicts Slack sends and returns domain values; no Slack client, no database.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from bot.rituals.feedback.domain import FeedbackDraft, Importance, Source, SourceMessage, Status
from bot.rituals.feedback.ids import NEW_ACCOUNT_PREFIX, FeedbackIds

State = dict[str, dict[str, dict[str, Any]]]


@dataclass(frozen=True)
class FeedbackModalMetadata:
    """Where the form came from: an item being edited, a source message, the channel to answer."""

    item_id: int | None = None
    channel_id: str | None = None
    message_ts: str | None = None
    permalink: str | None = None

    def to_json(self) -> str:
        return json.dumps({k: v for k, v in asdict(self).items() if v is not None})

    @classmethod
    def from_json(cls, raw: str) -> FeedbackModalMetadata:
        data = json.loads(raw) if raw else {}
        return cls(
            item_id=data.get("item_id"),
            channel_id=data.get("channel_id"),
            message_ts=data.get("message_ts"),
            permalink=data.get("permalink"),
        )


@dataclass(frozen=True)
class ItemModalMetadata:
    """The item a status or merge modal acts on, and the status asked for."""

    item_id: int
    status: str | None = None
    channel_id: str | None = None

    def to_json(self) -> str:
        return json.dumps({k: v for k, v in asdict(self).items() if v is not None})

    @classmethod
    def from_json(cls, raw: str) -> ItemModalMetadata:
        data = json.loads(raw)
        return cls(
            item_id=int(data["item_id"]),
            status=data.get("status"),
            channel_id=data.get("channel_id"),
        )

    @property
    def wanted_status(self) -> Status:
        return Status(self.status or Status.REVIEWED.value)


def source_message(metadata: FeedbackModalMetadata) -> SourceMessage | None:
    """The message the form was opened from (the message shortcut), if any."""
    if metadata.channel_id and metadata.message_ts:
        return SourceMessage(metadata.channel_id, metadata.message_ts, metadata.permalink)
    return None


def _value(state: State, block: FeedbackIds, action: FeedbackIds) -> str | None:
    element = state.get(block.value, {}).get(action.value, {})
    value = element.get("value")
    return str(value) if value is not None else None


def _selected(state: State, block: FeedbackIds, action: FeedbackIds) -> str | None:
    option = state.get(block.value, {}).get(action.value, {}).get("selected_option") or {}
    value = option.get("value")
    return str(value) if value is not None else None


def _user(state: State, block: FeedbackIds, action: FeedbackIds) -> str | None:
    user = state.get(block.value, {}).get(action.value, {}).get("selected_user")
    return str(user) if user else None


_SOURCES = {s.value for s in Source}
_IMPORTANCES = {i.value for i in Importance}


def read_feedback_form(state: State) -> FeedbackDraft:
    """The feedback modal's state as a draft (unvalidated: the service checks it)."""
    account = _selected(state, FeedbackIds.ACCOUNT_BLOCK, FeedbackIds.ACCOUNT_SELECT)
    if account is not None and account.startswith(NEW_ACCOUNT_PREFIX):
        account = account.removeprefix(NEW_ACCOUNT_PREFIX)
    source = _selected(state, FeedbackIds.SOURCE_BLOCK, FeedbackIds.SOURCE_SELECT) or ""
    importance = _selected(state, FeedbackIds.IMPORTANCE_BLOCK, FeedbackIds.IMPORTANCE_SELECT) or ""
    return FeedbackDraft(
        text=_value(state, FeedbackIds.TEXT_BLOCK, FeedbackIds.TEXT_INPUT) or "",
        account_name=account,
        area=_selected(state, FeedbackIds.AREA_BLOCK, FeedbackIds.AREA_SELECT),
        source=Source(source) if source in _SOURCES else Source.OTHER,
        importance=Importance(importance) if importance in _IMPORTANCES else Importance.IMPORTANT,
        link=_value(state, FeedbackIds.LINK_BLOCK, FeedbackIds.LINK_INPUT),
        on_behalf_of=_user(state, FeedbackIds.ON_BEHALF_BLOCK, FeedbackIds.ON_BEHALF_SELECT),
    )


def read_status_form(state: State) -> tuple[str | None, str | None]:
    """(link, reason) from the status modal."""
    return (
        _value(state, FeedbackIds.STATUS_LINK_BLOCK, FeedbackIds.STATUS_LINK_INPUT),
        _value(state, FeedbackIds.STATUS_REASON_BLOCK, FeedbackIds.STATUS_REASON_INPUT),
    )


def read_merge_target(state: State) -> int | None:
    raw = _value(state, FeedbackIds.MERGE_TARGET_BLOCK, FeedbackIds.MERGE_TARGET_INPUT) or ""
    digits = raw.strip().lstrip("#")
    return int(digits) if digits.isdigit() else None


@dataclass(frozen=True)
class AccountForm:
    name: str
    external_id: str | None
    segment: str | None
    arr: str | None
    owner_user_id: str | None


def read_account_form(state: State) -> AccountForm:
    return AccountForm(
        name=_value(state, FeedbackIds.ACCOUNT_NAME_BLOCK, FeedbackIds.ACCOUNT_NAME_INPUT) or "",
        external_id=_value(
            state, FeedbackIds.ACCOUNT_EXTERNAL_BLOCK, FeedbackIds.ACCOUNT_EXTERNAL_INPUT
        ),
        segment=_value(state, FeedbackIds.ACCOUNT_SEGMENT_BLOCK, FeedbackIds.ACCOUNT_SEGMENT_INPUT),
        arr=_value(state, FeedbackIds.ACCOUNT_ARR_BLOCK, FeedbackIds.ACCOUNT_ARR_INPUT),
        owner_user_id=_user(
            state, FeedbackIds.ACCOUNT_OWNER_BLOCK, FeedbackIds.ACCOUNT_OWNER_SELECT
        ),
    )


@dataclass(frozen=True)
class SettingsForm:
    areas_text: str
    capture_emoji: str
    owners: dict[str, list[str]]  # area -> people, for the areas the modal was opened with


def read_settings_form(state: State) -> SettingsForm:
    """The feedback settings modal: areas one per line, the emoji, an owner select per area
    (its block id names the area)."""
    prefix = FeedbackIds.SETTINGS_OWNER_BLOCK.value + ":"
    owners = {
        block.removeprefix(prefix): [
            str(u)
            for u in actions.get(FeedbackIds.SETTINGS_OWNER_SELECT.value, {}).get("selected_users")
            or []
        ]
        for block, actions in state.items()
        if block.startswith(prefix)
    }
    return SettingsForm(
        areas_text=_value(state, FeedbackIds.SETTINGS_AREAS_BLOCK, FeedbackIds.SETTINGS_AREAS_INPUT)
        or "",
        capture_emoji=_value(
            state, FeedbackIds.SETTINGS_EMOJI_BLOCK, FeedbackIds.SETTINGS_EMOJI_INPUT
        )
        or "",
        owners=owners,
    )
