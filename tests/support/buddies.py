"""Helpers for the buddy tests: the ritual plugged into a test container, people in the Web API
stand-in, and the call form's state as Slack sends it."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import httpx

from bot.rituals.buddies.ids import BuddyIds
from bot.rituals.buddies.ritual import BUDDIES
from bot.rituals.buddies.service import BuddyService
from bot.rituals.contract import Provided, RitualDeps, SlackDeps
from bot.rituals.feedback.service import FeedbackService
from bot.slack.directory import SlackUserDirectory
from bot.wiring import Container


def install_buddies(container: Container) -> BuddyService:
    """Builds the ritual from the container's shared services and plugs it into the app, the
    registry and the App Home, as the composition root does for every entry of INSTALLED."""
    provided = Provided()
    provided.add(container.services.feedback)
    deps = RitualDeps(
        settings=container.settings,
        sessions=container.sessions,
        metrics=container.metrics,
        client=container.client,
        clock=container.clock,
        workspaces=container.services.workspaces,
        admins=container.services.admins,
        directory=SlackUserDirectory(container.client),
        outbox=container.outbox,
        http=httpx.Client(),
        provided=provided,
    )
    parts = BUDDIES.build(deps)
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
    service = next(p for p in parts.provides if isinstance(p, BuddyService))
    assert isinstance(provided.get(FeedbackService), FeedbackService)
    return service


def call_form_values(
    *,
    account: str | None = "Acme",
    day: date | None = None,
    at: time | None = None,
    topic: str = "Renewal",
    link: str | None = "https://meet.example.com/abc",
) -> dict[str, dict[str, Any]]:
    return {
        BuddyIds.ACCOUNT_BLOCK.value: {
            BuddyIds.ACCOUNT_SELECT.value: {
                "type": "external_select",
                "selected_option": (
                    {"text": {"type": "plain_text", "text": account}, "value": account}
                    if account
                    else None
                ),
            }
        },
        BuddyIds.DAY_BLOCK.value: {
            BuddyIds.DAY_INPUT.value: {
                "type": "datepicker",
                "selected_date": day.isoformat() if day else None,
            }
        },
        BuddyIds.TIME_BLOCK.value: {
            BuddyIds.TIME_INPUT.value: {
                "type": "timepicker",
                "selected_time": at.strftime("%H:%M") if at else None,
            }
        },
        BuddyIds.TOPIC_BLOCK.value: {
            BuddyIds.TOPIC_INPUT.value: {"type": "plain_text_input", "value": topic}
        },
        BuddyIds.LINK_BLOCK.value: {
            BuddyIds.LINK_INPUT.value: {"type": "url_text_input", "value": link}
        },
    }
