"""The Slack app manifest for opsbot: create the app from it in one step (`opsbot manifest`)."""

from __future__ import annotations

from typing import Any

from bot.rituals.catalogue import SLASH_COMMANDS

EVENTS_PATH = "/slack/events"

# Least privilege: each scope is here for one named feature.
BOT_SCOPES = (
    "commands",  # the five slash commands and the message shortcuts
    "chat:write",  # digests, triage threads, reminders, confirmations
    "users:read",  # each person's time zone and admin flag
    "channels:read",  # checks the bot is in a channel and whether it is shared (Slack Connect)
    "groups:read",  # the same for private channels it was invited to
    "channels:history",  # reads the one message a capture emoji was added to
    "groups:history",  # the same in private channels
    "reactions:read",  # the capture emoji (reaction_added)
    "im:write",  # private confirmations and reminders as DMs
    "files:write",  # private CSV exports
)

BOT_EVENTS = (
    "app_home_opened",
    "reaction_added",
    "app_uninstalled",
    "tokens_revoked",
)

MESSAGE_SHORTCUTS = (
    ("Capture as feedback", "feedback-capture-message", "Save this message as customer feedback"),
    ("Send to triage", "triage-send-message", "Send this message to the weekly support triage"),
)


PLACEHOLDER_URL = "https://opsbot.example.com"  # used when no --url is given (the CLI says so)


def build_manifest(*, url: str | None, socket: bool) -> dict[str, Any]:
    """A complete manifest; `url` is the public base URL (ignored in Socket Mode)."""
    request_url = (url or PLACEHOLDER_URL).rstrip("/") + EVENTS_PATH
    commands: list[dict[str, Any]] = []
    for command in SLASH_COMMANDS:
        entry: dict[str, Any] = {
            "command": command.command,
            "description": command.description,
            "usage_hint": command.usage_hint,
            "should_escape": False,
        }
        if not socket:
            entry["url"] = request_url
        commands.append(entry)
    interactivity: dict[str, Any] = {"is_enabled": True}
    events: dict[str, Any] = {"bot_events": list(BOT_EVENTS)}
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
                {"name": name, "type": "message", "callback_id": callback, "description": text}
                for name, callback, text in MESSAGE_SHORTCUTS
            ],
            "slash_commands": commands,
        },
        "oauth_config": {"scopes": {"bot": list(BOT_SCOPES)}},
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": socket,
            "token_rotation_enabled": False,
        },
    }
