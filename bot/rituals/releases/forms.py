"""Typed view state: the composer's private metadata and reading its submitted values."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from bot.rituals.releases.domain import ReleaseDraft, Section, TierTemplate
from bot.rituals.releases.ids import FLAG_ACKNOWLEDGE, FLAG_APPROVAL, WHEN_LATER, ReleaseIds


@dataclass(frozen=True)
class ComposerMetadata:
    """What the composer carries: the release being edited (or corrected), where /release was
    typed, and the length of imported notes too long for a modal field (kept as imported)."""

    release_id: int | None = None
    channel_id: str | None = None
    correcting: bool = False
    kept_chars: int = 0

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, raw: str) -> ComposerMetadata:
        if not raw:
            return cls()
        return cls(**json.loads(raw))


def _value(values: dict[str, Any], block: ReleaseIds, action: ReleaseIds) -> dict[str, Any]:
    return dict((values.get(block.value) or {}).get(action.value) or {})


def _text(values: dict[str, Any], block: ReleaseIds, action: ReleaseIds) -> str:
    return str(_value(values, block, action).get("value") or "")


def read_composer(values: dict[str, Any]) -> ReleaseDraft:
    """The submitted composer as a draft (unvalidated; the service checks it)."""
    tier = (
        _value(values, ReleaseIds.TIER_BLOCK, ReleaseIds.TIER_SELECT).get("selected_option") or {}
    ).get("value")
    feedback = _value(values, ReleaseIds.FEEDBACK_BLOCK, ReleaseIds.FEEDBACK_SELECT)
    channels = _value(values, ReleaseIds.CHANNELS_BLOCK, ReleaseIds.CHANNELS_SELECT)
    when = (
        _value(values, ReleaseIds.WHEN_BLOCK, ReleaseIds.WHEN_RADIO).get("selected_option") or {}
    ).get("value")
    picked = _value(values, ReleaseIds.PUBLISH_AT_BLOCK, ReleaseIds.PUBLISH_AT_PICKER).get(
        "selected_date_time"
    )
    publish_at = None
    if when == WHEN_LATER and picked is not None:
        publish_at = datetime.fromtimestamp(int(picked), tz=UTC)
    return ReleaseDraft(
        title=_text(values, ReleaseIds.TITLE_BLOCK, ReleaseIds.TITLE_INPUT),
        version=_text(values, ReleaseIds.VERSION_BLOCK, ReleaseIds.VERSION_INPUT),
        tier=int(tier) if tier and str(tier).isdigit() else None,
        whats_new=_text(values, ReleaseIds.WHATS_NEW_BLOCK, ReleaseIds.WHATS_NEW_INPUT),
        why_it_matters=_text(values, ReleaseIds.WHY_BLOCK, ReleaseIds.WHY_INPUT),
        who_it_is_for=_text(values, ReleaseIds.WHO_FOR_BLOCK, ReleaseIds.WHO_FOR_INPUT),
        docs_url=_text(values, ReleaseIds.DOCS_BLOCK, ReleaseIds.DOCS_INPUT),
        feedback_ids=tuple(
            int(o["value"])
            for o in feedback.get("selected_options") or []
            if str(o.get("value", "")).isdigit()
        ),
        channel_ids=tuple(str(c) for c in channels.get("selected_channels") or []),
        publish_at=publish_at,
    )


def wants_later_without_time(values: dict[str, Any]) -> bool:
    when = (
        _value(values, ReleaseIds.WHEN_BLOCK, ReleaseIds.WHEN_RADIO).get("selected_option") or {}
    ).get("value")
    picked = _value(values, ReleaseIds.PUBLISH_AT_BLOCK, ReleaseIds.PUBLISH_AT_PICKER).get(
        "selected_date_time"
    )
    return when == WHEN_LATER and picked is None


def read_comment(values: dict[str, Any]) -> str:
    return _text(values, ReleaseIds.COMMENT_BLOCK, ReleaseIds.COMMENT_INPUT)


@dataclass(frozen=True)
class SettingsForm:
    managers: list[str]
    ack_group: str
    template: TierTemplate


def read_settings(values: dict[str, Any], private_metadata: str) -> SettingsForm:
    """The settings modal; its tier travels in `private_metadata` (one tier per modal)."""
    tier = private_metadata if private_metadata in {"1", "2", "3"} else "1"
    sections = _value(
        values, ReleaseIds.TEMPLATE_SECTIONS_BLOCK, ReleaseIds.TEMPLATE_SECTIONS_SELECT
    )
    flags = {
        o.get("value")
        for o in _value(
            values, ReleaseIds.TEMPLATE_FLAGS_BLOCK, ReleaseIds.TEMPLATE_FLAGS_CHECKS
        ).get("selected_options")
        or []
    }
    channels = _value(
        values, ReleaseIds.TEMPLATE_CHANNELS_BLOCK, ReleaseIds.TEMPLATE_CHANNELS_SELECT
    )
    template = TierTemplate(
        tier=int(tier),
        name=_text(values, ReleaseIds.TEMPLATE_NAME_BLOCK, ReleaseIds.TEMPLATE_NAME_INPUT).strip()
        or f"Tier {tier}",
        emoji=_text(values, ReleaseIds.TEMPLATE_EMOJI_BLOCK, ReleaseIds.TEMPLATE_EMOJI_INPUT)
        .strip()
        .strip(":")
        or "rocket",
        sections=tuple(Section(o["value"]) for o in sections.get("selected_options") or [])
        or (Section.WHATS_NEW,),
        default_channels=tuple(channels.get("selected_channels") or ()),
        needs_approval=FLAG_APPROVAL in flags,
        acknowledge=FLAG_ACKNOWLEDGE in flags,
    )
    managers = _value(values, ReleaseIds.MANAGERS_BLOCK, ReleaseIds.MANAGERS_SELECT)
    return SettingsForm(
        managers=[str(u) for u in managers.get("selected_users") or []],
        ack_group=_text(values, ReleaseIds.ACK_GROUP_BLOCK, ReleaseIds.ACK_GROUP_INPUT),
        template=template,
    )
