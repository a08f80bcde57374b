"""The Slack app manifest for opsbot: create the app from it in one step (`opsbot manifest`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.ops.ids import OpsIds
from bot.rituals.contract import Ritual, SlashCommand

EVENTS_PATH = "/slack/events"
PLACEHOLDER_URL = "https://opsbot.example.com"

# Least privilege: each scope is here for one named feature; rituals add their own.
PLATFORM_SCOPES = (
    "commands",  # the slash commands and the shortcuts
    "chat:write",  # digests, threads, reminders, confirmations
    "users:read",  # each person's time zone and admin flag
    "channels:read",  # checks the bot is in a channel and whether it is shared (Slack Connect)
    "groups:read",  # the same for private channels it was invited to
    "im:write",  # private confirmations and reminders as DMs
)

PLATFORM_EVENTS = (
    "app_home_opened",
    "app_uninstalled",
    "tokens_revoked",
)

OPS_COMMAND = SlashCommand(
    OpsIds.COMMAND.value,
    "opsbot help, settings, stats, roles and running rituals now",
    "help | settings | stats [7d|30d|quarter] | run <ritual> | roles | audit",
    should_escape=True,  # `/ops roles grant @person` and `/ops run x #channel` arrive as ids
)


def _unique(values: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(values))


def bot_scopes(rituals: Sequence[Ritual]) -> list[str]:
    """The platform's scopes and every installed ritual's, each once (least privilege)."""
    return _unique([*PLATFORM_SCOPES, *(scope for r in rituals for scope in r.scopes)])


def build_manifest(*, url: str | None, socket: bool, rituals: Sequence[Ritual]) -> dict[str, Any]:
    """A complete manifest derived from the installed rituals; `url` is the public base URL
    (ignored in Socket Mode)."""
    request_url = (url or PLACEHOLDER_URL).rstrip("/") + EVENTS_PATH
    scopes = bot_scopes(rituals)
    bot_events = _unique([*PLATFORM_EVENTS, *(event for r in rituals for event in r.events)])
    commands: list[dict[str, Any]] = []
    for command in [*(c for r in rituals for c in r.commands), OPS_COMMAND]:
        entry: dict[str, Any] = {
            "command": command.command,
            "description": command.description,
            "usage_hint": command.usage_hint,
            "should_escape": command.should_escape,
        }
        if not socket:
            entry["url"] = request_url
        commands.append(entry)
    interactivity: dict[str, Any] = {"is_enabled": True}
    events: dict[str, Any] = {"bot_events": bot_events}
    if not socket:
        interactivity["request_url"] = request_url
        interactivity["message_menu_options_url"] = request_url
        events["request_url"] = request_url
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {
            "name": "opsbot",
            "description": "Product-ops rituals: feedback, triage, buddy calls, releases",
            "long_description": (
                "opsbot runs the recurring rituals of product operations in Slack: capturing "
                "customer feedback with /feedback, the weekly support-triage thread, PM/sales "
                "buddy customer calls with reminders, and release-note announcements, with "
                "scheduled digests that measure how product ops is doing. Self-hosted and "
                "open source."
            ),
            "background_color": "#2c2d30",
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": True,
            },
            "bot_user": {"display_name": "opsbot", "always_online": True},
            "shortcuts": [
                {
                    "name": shortcut.name,
                    "type": shortcut.kind,
                    "callback_id": shortcut.callback_id,
                    "description": shortcut.description,
                }
                for ritual in rituals
                for shortcut in ritual.shortcuts
            ],
            "slash_commands": commands,
        },
        "oauth_config": {"scopes": {"bot": scopes}},
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": socket,
            "token_rotation_enabled": False,
        },
    }
