"""Capture rules: what a valid item is, how `/feedback [Acme] text #area` is read, and which
reaction counts as the capture emoji."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlparse

from bot.errors import UserFacingError
from bot.rituals.feedback.domain.values import (
    ACCOUNT_NAME_LIMIT,
    LINK_LIMIT,
    TEXT_LIMIT,
    CaptureResult,
    FeedbackField,
    Importance,
    Source,
)


@dataclass(frozen=True)
class FeedbackDraft:
    """What someone wants stored, before validation."""

    text: str
    account_name: str | None = None
    area: str | None = None
    source: Source = Source.OTHER
    importance: Importance = Importance.IMPORTANT
    link: str | None = None
    on_behalf_of: str | None = None


@dataclass(frozen=True)
class SourceMessage:
    """The Slack message an item was captured from."""

    channel_id: str
    ts: str
    permalink: str | None = None


class FeedbackInvalid(UserFacingError):
    """A draft that cannot be stored; `errors` maps a form field to what is wrong with it.
    Modals show them inline; elsewhere the error handler tells the person the sentence."""

    def __init__(self, errors: dict[FeedbackField, str]) -> None:
        super().__init__("Nothing was saved: " + " ".join(errors.values()))
        self.errors = errors


def is_valid_url(value: str) -> bool:
    parsed = urlparse(value)
    return parsed.scheme in {"http", "https"} and bool(parsed.netloc) and " " not in value


def clean_draft(draft: FeedbackDraft, *, areas: Sequence[str]) -> FeedbackDraft:
    """Trims and checks a draft; raises `FeedbackInvalid` naming every bad field."""
    errors: dict[FeedbackField, str] = {}
    text = draft.text.strip()
    if not text:
        errors[FeedbackField.TEXT] = "Write what the customer said."
    elif len(text) > TEXT_LIMIT:
        errors[FeedbackField.TEXT] = f"Keep it under {TEXT_LIMIT} characters."
    link = (draft.link or "").strip() or None
    if link is not None and (len(link) > LINK_LIMIT or not is_valid_url(link)):
        errors[FeedbackField.LINK] = "Enter a full web address, like https://example.com/call/42."
    area = match_area(draft.area, areas) if draft.area and draft.area.strip() else None
    if draft.area and draft.area.strip() and area is None:
        known = ", ".join(areas) or "none configured yet"
        errors[FeedbackField.AREA] = f"Unknown product area. Known areas: {known}."
    account = " ".join((draft.account_name or "").split()) or None
    if account is not None and len(account) > ACCOUNT_NAME_LIMIT:
        errors[FeedbackField.ACCOUNT] = f"Keep the account name under {ACCOUNT_NAME_LIMIT}."
    if errors:
        raise FeedbackInvalid(errors)
    return FeedbackDraft(
        text=text,
        account_name=account,
        area=area,
        source=draft.source,
        importance=draft.importance,
        link=link,
        on_behalf_of=draft.on_behalf_of,
    )


def match_area(value: str | None, areas: Sequence[str]) -> str | None:
    """The configured area a typed name means (case and spacing do not matter)."""
    if not value:
        return None
    wanted = area_key(value)
    return next((area for area in areas if area_key(area) == wanted), None)


def area_key(value: str) -> str:
    return re.sub(r"[\s_-]+", "", value.strip().lstrip("#").lower())


_ACCOUNT_HINT = re.compile(r"^\s*\[([^\]]{1,255})\]\s*")
_AREA_HINT = re.compile(r"(?:^|\s)#([\w-]{1,64})\s*$")


@dataclass(frozen=True)
class QuickCapture:
    text: str
    account_name: str | None
    area_hint: str | None


def parse_quick_capture(text: str) -> QuickCapture:
    """Reads `/feedback [Acme] export to CSV is slow #reporting`: an account in brackets at the
    start, an area as a trailing hashtag. Anything else stays in the text."""
    account = None
    area = None
    rest = text.strip()
    found = _ACCOUNT_HINT.match(rest)
    if found:
        account = found.group(1).strip() or None
        rest = rest[found.end() :]
    tail = _AREA_HINT.search(rest)
    if tail:
        area = tail.group(1)
        rest = rest[: tail.start()]
    return QuickCapture(text=rest.strip(), account_name=account, area_hint=area)


def requester_key(*, account_id: int | None, user_id: str) -> str:
    """An account asks once per item; without an account, a person asks once."""
    return f"a:{account_id}" if account_id is not None else f"u:{user_id}"


@dataclass(frozen=True)
class ReadMessage:
    """A Slack message read back for capture (the reaction path)."""

    text: str
    author_id: str | None
    permalink: str | None


class MessageUnreadable(Exception):
    """The bot cannot read the channel (not a member, private, gone)."""


class ReactionOutcome(StrEnum):
    IGNORED = "ignored"  # not the capture emoji
    CAPTURED = "captured"
    ALREADY_CAPTURED = "already-captured"
    UNREADABLE = "unreadable"  # tell the reactor how to invite the bot
    EMPTY = "empty"  # nothing to capture (a file without text, a deleted message)


def is_capture_emoji(reaction: str, capture_emoji: str) -> bool:
    """`bulb` and `bulb::skin-tone-3` are the same reaction."""
    return reaction.split("::", 1)[0] == capture_emoji.strip(":")


@dataclass(frozen=True)
class ReactionCapture:
    outcome: ReactionOutcome
    result: CaptureResult | None = None
