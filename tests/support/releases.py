"""Helpers for release tests: the composer's submitted values, the ritual's service and its
frequent job as the container built them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.rituals.releases.ids import WHEN_LATER, WHEN_NOW, ReleaseIds
from bot.rituals.releases.service import ReleaseService
from bot.wiring import Container


def release_service(container: Container) -> ReleaseService:
    return container.service(ReleaseService)


def housekeeping(container: Container) -> Callable[[datetime], None]:
    """The releases ritual's frequent job (the scheduler's leader runs it every few minutes)."""
    parts = next(b.parts for b in container.rituals if b.ritual.key == "releases")
    return parts.housekeeping[0]


def composer_values(
    *,
    title: str = "Faster exports",
    version: str = "v2.4",
    tier: str | None = "2",
    whats_new: str = "CSV export is ten times faster.",
    why: str = "Big accounts waited minutes.",
    who_for: str = "",
    docs: str = "",
    feedback: tuple[int, ...] = (),
    channels: tuple[str, ...] = ("C1",),
    publish_at: int | None = None,
) -> dict[str, dict[str, Any]]:
    def text(value: str) -> dict[str, Any]:
        return {"type": "plain_text_input", "value": value or None}

    return {
        ReleaseIds.TITLE_BLOCK.value: {ReleaseIds.TITLE_INPUT.value: text(title)},
        ReleaseIds.VERSION_BLOCK.value: {ReleaseIds.VERSION_INPUT.value: text(version)},
        ReleaseIds.TIER_BLOCK.value: {
            ReleaseIds.TIER_SELECT.value: {
                "type": "static_select",
                "selected_option": {"value": tier} if tier else None,
            }
        },
        ReleaseIds.WHATS_NEW_BLOCK.value: {ReleaseIds.WHATS_NEW_INPUT.value: text(whats_new)},
        ReleaseIds.WHY_BLOCK.value: {ReleaseIds.WHY_INPUT.value: text(why)},
        ReleaseIds.WHO_FOR_BLOCK.value: {ReleaseIds.WHO_FOR_INPUT.value: text(who_for)},
        ReleaseIds.DOCS_BLOCK.value: {
            ReleaseIds.DOCS_INPUT.value: {"type": "url_text_input", "value": docs or None}
        },
        ReleaseIds.FEEDBACK_BLOCK.value: {
            ReleaseIds.FEEDBACK_SELECT.value: {
                "type": "multi_external_select",
                "selected_options": [{"value": str(i)} for i in feedback],
            }
        },
        ReleaseIds.CHANNELS_BLOCK.value: {
            ReleaseIds.CHANNELS_SELECT.value: {
                "type": "multi_channels_select",
                "selected_channels": list(channels),
            }
        },
        ReleaseIds.WHEN_BLOCK.value: {
            ReleaseIds.WHEN_RADIO.value: {
                "type": "radio_buttons",
                "selected_option": {"value": WHEN_LATER if publish_at else WHEN_NOW},
            }
        },
        ReleaseIds.PUBLISH_AT_BLOCK.value: {
            ReleaseIds.PUBLISH_AT_PICKER.value: {
                "type": "datetimepicker",
                "selected_date_time": publish_at,
            }
        },
    }
