"""A workspace's feedback settings (product areas, capture emoji, area owners) and the checks the
`/ops settings` feedback modal applies before anything is saved."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.rituals.feedback.domain.capture import area_key

AREA_NAME_LIMIT = 64  # the `area` column's width
AREAS_LIMIT = 100  # options in one static select
_EMOJI = re.compile(r"^[a-z0-9_+'-]{1,100}$")


@dataclass(frozen=True)
class FeedbackSettings:
    areas: list[str]
    capture_emoji: str
    area_owners: dict[str, list[str]]


class SettingsField(StrEnum):
    AREAS = "areas"
    CAPTURE_EMOJI = "capture_emoji"


class SettingsInvalid(Exception):
    """Bad input in the settings modal; `errors` maps a field to what is wrong with it."""

    def __init__(self, errors: dict[SettingsField, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors


def clean_settings(
    *, areas_text: str, capture_emoji: str, owners: Mapping[str, Sequence[str]]
) -> FeedbackSettings:
    """Areas one per line (trimmed, blank lines dropped, no duplicates ignoring case and spacing),
    an emoji name with or without colons, and owners kept only for areas that remain."""
    errors: dict[SettingsField, str] = {}
    areas = [" ".join(line.split()) for line in areas_text.splitlines()]
    areas = [area.lstrip("#") for area in areas if area.lstrip("#")]
    long = [area for area in areas if len(area) > AREA_NAME_LIMIT]
    keys = [area_key(area) for area in areas]
    twice = sorted({area for area, key in zip(areas, keys, strict=True) if keys.count(key) > 1})
    if long:
        errors[SettingsField.AREAS] = f"Keep each area under {AREA_NAME_LIMIT} characters."
    elif twice:
        errors[SettingsField.AREAS] = "Each area once, please: " + ", ".join(twice) + "."
    elif len(areas) > AREAS_LIMIT:
        errors[SettingsField.AREAS] = f"At most {AREAS_LIMIT} areas."
    emoji = capture_emoji.strip().strip(":").lower()
    if not _EMOJI.match(emoji):
        errors[SettingsField.CAPTURE_EMOJI] = "Enter an emoji name, like bulb or :bulb:."
    if errors:
        raise SettingsInvalid(errors)
    kept = {
        area: list(dict.fromkeys(owners[area])) for area in areas if owners.get(area) is not None
    }
    return FeedbackSettings(
        areas=areas, capture_emoji=emoji, area_owners={k: v for k, v in kept.items() if v}
    )
