"""Helpers for release tests: the composer's submitted values, and (until the ritual seam
builds every ritual from `bot.rituals.INSTALLED`) plugging the releases ritual into a test
container exactly as the seam does: build(deps), runners, Home section, listeners."""

from __future__ import annotations

from typing import Any

import httpx

from bot.rituals.contract import Provided, RitualDeps, RitualParts, SlackDeps
from bot.rituals.releases.ids import WHEN_LATER, WHEN_NOW, ReleaseIds
from bot.rituals.releases.ritual import RELEASES
from bot.rituals.releases.service import ReleaseService
from bot.wiring import Container


def install_releases(container: Container, *, github_url: str) -> ReleaseService:
    """The releases ritual built and registered on the container's app (what the seam does)."""
    parts = _parts(container, github_url)
    for runner in parts.runners:
        container.registry.register(runner)
    if parts.home is not None:
        container.services.home.add_section(parts.home)
    parts.register(
        container.bolt,
        SlackDeps(
            dispatcher=container.dispatcher,
            admins=container.services.admins,
            home=container.services.home,
            clock=container.clock,
        ),
    )
    container.__dict__["release_parts"] = parts
    return next(p for p in parts.provides if isinstance(p, ReleaseService))


def housekeeping(container: Container) -> Any:
    parts: RitualParts = container.__dict__["release_parts"]
    return parts.housekeeping[0]


def _parts(container: Container, github_url: str) -> RitualParts:
    provided = Provided()
    provided.add(container.services.feedback)
    settings = container.settings.model_copy(update={"github_api_url": github_url})
    deps = RitualDeps(
        settings=settings,
        sessions=container.sessions,
        metrics=container.metrics,
        client=container.client,
        clock=container.clock,
        workspaces=container.services.workspaces,
        admins=container.services.admins,
        directory=container.services.home._directory,
        outbox=container.outbox,
        http=httpx.Client(),
        provided=provided,
    )
    return RELEASES.build(deps)


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
