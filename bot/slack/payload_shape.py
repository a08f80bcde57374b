"""Is a parsed, signed body shaped like something Slack sends? Pure; no Bolt, no I/O.

Bolt assumes Slack's shapes: a signed JSON list, `payload=null` or an event whose `event` is a
list make it raise deep inside its request parsing or listener matching, which would be a 500
and a traceback per request (a lever for flooding the log). Every request is checked here first
and anything else is a 400 with one short reason.
"""

from __future__ import annotations

from typing import Any

_INTERACTIVE = {
    "block_actions": ("actions", list),
    "view_submission": ("view", dict),
    "view_closed": ("view", dict),
    "shortcut": ("callback_id", str),
    "message_action": ("callback_id", str),
    "block_suggestion": ("action_id", str),
}


def shape_problem(body: Any) -> str | None:
    """None when `body` has the fields Slack always sends for its kind, else why not."""
    if not isinstance(body, dict):
        return "body is not a JSON object"
    if "command" in body:
        return _command_problem(body)
    if body.get("ssl_check"):
        return None
    kind = body.get("type")
    if kind == "url_verification":
        return None if isinstance(body.get("challenge"), str) else "url_verification: no challenge"
    if kind == "event_callback":
        return _event_problem(body)
    if isinstance(kind, str) and kind in _INTERACTIVE:
        return _interactive_problem(kind, body)
    return "not a kind of request Slack sends"


def _command_problem(body: dict[str, Any]) -> str | None:
    for name in ("command", "team_id", "user_id"):
        if not isinstance(body.get(name), str) or not body[name]:
            return f"command: no {name}"
    for name in ("text", "channel_id", "trigger_id", "response_url"):
        if name in body and not isinstance(body[name], str):
            return f"command: {name} is not text"
    return None


def _event_problem(body: dict[str, Any]) -> str | None:
    event = body.get("event")
    if not isinstance(event, dict) or not isinstance(event.get("type"), str):
        return "event_callback: no event object with a type"
    if not isinstance(body.get("event_id"), str):
        return "event_callback: no event_id"
    team_id = body.get("team_id")
    if team_id is not None and not isinstance(team_id, str):
        return "event_callback: team_id is not text"
    if "authorizations" in body and not isinstance(body["authorizations"], list):
        return "event_callback: authorizations is not a list"
    return None


def _interactive_problem(kind: str, body: dict[str, Any]) -> str | None:
    team = body.get("team")
    if team is not None and not (isinstance(team, dict) and isinstance(team.get("id"), str)):
        return f"{kind}: team is not an object with an id"
    user = body.get("user")
    if not (isinstance(user, dict) and isinstance(user.get("id"), str)):
        return f"{kind}: no user with an id"
    field, expected = _INTERACTIVE[kind]
    if not isinstance(body.get(field), expected):
        return f"{kind}: no {field}"
    if kind == "block_actions" and not all(isinstance(a, dict) for a in body["actions"]):
        return "block_actions: an action is not an object"
    for name in ("channel", "container", "message", "enterprise"):
        if body.get(name) is not None and not isinstance(body[name], dict):
            return f"{kind}: {name} is not an object"
    view = body.get("view")
    if view is not None and not isinstance(view, dict):
        return f"{kind}: view is not an object"
    return None
