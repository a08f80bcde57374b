"""Classifies a parsed Slack payload, for metrics, logs and rejecting bodies that are no payload."""

from __future__ import annotations

from typing import Any

KNOWN_KINDS = frozenset(
    {
        "command",
        "event",
        "url_verification",
        "block_actions",
        "view_submission",
        "view_closed",
        "shortcut",
        "message_action",
        "block_suggestion",
        "ssl_check",
    }
)


def request_kind(body: dict[str, Any]) -> str | None:
    """The kind of Slack request a parsed body is, or None when it is none Slack sends."""
    if "command" in body and "team_id" in body:
        return "command"
    if body.get("ssl_check"):
        return "ssl_check"
    kind = body.get("type")
    if kind == "event_callback":
        return "event"
    if isinstance(kind, str) and kind in KNOWN_KINDS:
        return kind
    return None
