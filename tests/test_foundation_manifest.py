"""The app manifest obeys Slack's manifest rules (SLACK-FACTS.md) and asks for least privilege."""

from __future__ import annotations

from typing import Any

import pytest

from bot.rituals.installed import INSTALLED
from bot.slack.manifest import build_manifest

COMMANDS = {c.command for r in INSTALLED for c in r.commands} | {"/ops"}
URL = "https://opsbot.acme.io/slack/events"


@pytest.fixture
def manifest() -> dict[str, Any]:
    return build_manifest(url="https://opsbot.acme.io", socket=False, rituals=INSTALLED)


def test_manifest_has_every_installed_slash_command_with_url_description_and_hint(
    manifest: dict[str, Any],
) -> None:
    commands = manifest["features"]["slash_commands"]

    assert {c["command"] for c in commands} == COMMANDS
    for command in commands:
        assert command["url"] == URL
        assert 0 < len(command["description"]) <= 2000
        assert command["usage_hint"]


def test_manifest_has_both_message_shortcuts_within_slack_limits(manifest: dict[str, Any]) -> None:
    shortcuts = manifest["features"]["shortcuts"]

    assert {s["name"] for s in shortcuts} >= {"Capture as feedback", "Send to triage"}
    assert sum(1 for s in shortcuts if s["type"] == "message") <= 5
    assert sum(1 for s in shortcuts if s["type"] == "global") <= 5
    assert len({s["callback_id"] for s in shortcuts}) == len(shortcuts)
    for shortcut in shortcuts:
        assert len(shortcut["callback_id"]) <= 255
        assert shortcut["description"]


def test_manifest_points_events_interactivity_and_options_at_one_endpoint(
    manifest: dict[str, Any],
) -> None:
    settings = manifest["settings"]

    assert settings["event_subscriptions"]["request_url"] == URL
    assert settings["interactivity"] == {
        "is_enabled": True,
        "request_url": URL,
        "message_menu_options_url": URL,
    }
    assert settings["socket_mode_enabled"] is False
    assert {"app_home_opened", "reaction_added"} <= set(
        settings["event_subscriptions"]["bot_events"]
    )


def test_manifest_enables_the_home_tab_and_a_bot_user(manifest: dict[str, Any]) -> None:
    features = manifest["features"]

    assert features["app_home"]["home_tab_enabled"] is True
    assert features["bot_user"]["display_name"] == "opsbot"
    assert set(manifest["display_information"]) >= {"name", "description"}


def test_manifest_asks_only_for_least_privilege_bot_scopes(manifest: dict[str, Any]) -> None:
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])

    assert {"commands", "chat:write", "users:read", "reactions:read"} <= scopes
    assert not {s for s in scopes if s.startswith("admin")}
    assert not {"chat:write.public", "users:read.email", "channels:manage", "im:history"} & scopes
    assert "user" not in manifest["oauth_config"]["scopes"]


def test_socket_mode_manifest_has_no_request_urls() -> None:
    manifest = build_manifest(url=None, socket=True, rituals=INSTALLED)

    assert manifest["settings"]["socket_mode_enabled"] is True
    assert "request_url" not in manifest["settings"]["event_subscriptions"]
    assert "request_url" not in manifest["settings"]["interactivity"]
    assert all("url" not in c for c in manifest["features"]["slash_commands"])
