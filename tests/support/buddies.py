"""Helpers for the buddy tests: the ritual's service in a test container and the call form's
state as Slack sends it."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from bot.rituals.buddies.ids import BuddyIds
from bot.rituals.buddies.service import BuddyService
from bot.wiring import Container


def install_buddies(container: Container) -> BuddyService:
    """The buddy service of a container (the ritual is in INSTALLED, so it is already built
    and its listeners, runners and Home section are plugged in)."""
    return container.service(BuddyService)


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
