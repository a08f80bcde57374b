"""Builds requests exactly as Slack sends them: form or JSON bodies, signed with HMAC-SHA256."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode

from bot.playground.signer import SignedRequest, signature_headers
from tests.support.fake_slack import TEAM_ID

_counter = itertools.count(1)


# Signed exactly as the playground signs for its local workspace: one implementation of
# Slack's signing scheme (v0 HMAC-SHA256 over the timestamp and the raw body).
sign = signature_headers


class SlackRequests:
    """Slash commands, interactions, options and events for one workspace, signed."""

    def __init__(self, signing_secret: str, *, response_url: str, team_id: str = TEAM_ID) -> None:
        self.secret = signing_secret
        self.team_id = team_id
        self.response_url = response_url

    def _form(self, fields: dict[str, str], *, timestamp: int | None = None) -> SignedRequest:
        body = urlencode(fields).encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            **sign(self.secret, body, timestamp),
        }
        return SignedRequest(body, headers)

    def _interaction(self, payload: dict[str, Any]) -> SignedRequest:
        payload.setdefault("team", {"id": self.team_id, "domain": "acme"})
        payload.setdefault("api_app_id", "A0OPSBOT")
        payload.setdefault("token", "legacy-verification-token")
        return self._form({"payload": json.dumps(payload)})

    def command(
        self,
        command: str,
        text: str = "",
        *,
        user_id: str = "U1",
        channel_id: str = "C1",
        timestamp: int | None = None,
    ) -> SignedRequest:
        return self._form(
            {
                "token": "legacy-verification-token",
                "team_id": self.team_id,
                "team_domain": "acme",
                "channel_id": channel_id,
                "channel_name": "general",
                "user_id": user_id,
                "user_name": user_id.lower(),
                "command": command,
                "text": text,
                "api_app_id": "A0OPSBOT",
                "response_url": self.response_url,
                "trigger_id": f"{next(_counter)}.trigger",
            },
            timestamp=timestamp,
        )

    def block_action(
        self,
        action_id: str,
        value: str = "",
        *,
        user_id: str = "U1",
        channel_id: str | None = "C1",
        message_ts: str | None = None,
        view: dict[str, Any] | None = None,
        block_id: str = "b1",
        extra: dict[str, Any] | None = None,
    ) -> SignedRequest:
        action: dict[str, Any] = {
            "action_id": action_id,
            "block_id": block_id,
            "type": "button",
            "value": value,
            "action_ts": f"{time.time():.6f}",
            **(extra or {}),
        }
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": {"id": user_id, "username": user_id.lower(), "team_id": self.team_id},
            "trigger_id": f"{next(_counter)}.trigger",
            "response_url": self.response_url,
            "actions": [action],
        }
        if channel_id:
            payload["channel"] = {"id": channel_id, "name": "general"}
            payload["container"] = {
                "type": "message",
                "channel_id": channel_id,
                "message_ts": message_ts,
            }
            payload["message"] = {"ts": message_ts or "1.0", "text": ""}
        if view is not None:
            payload["view"] = view
            payload["container"] = {"type": "view", "view_id": view.get("id", "V1")}
        return self._interaction(payload)

    def view_submission(
        self,
        callback_id: str,
        values: dict[str, dict[str, Any]],
        *,
        user_id: str = "U1",
        private_metadata: str = "",
    ) -> SignedRequest:
        return self._interaction(
            {
                "type": "view_submission",
                "user": {"id": user_id, "username": user_id.lower(), "team_id": self.team_id},
                "trigger_id": f"{next(_counter)}.trigger",
                "view": {
                    "id": f"V{next(_counter):05d}",
                    "type": "modal",
                    "callback_id": callback_id,
                    "private_metadata": private_metadata,
                    "state": {"values": values},
                    "hash": "h1",
                },
            }
        )

    def message_shortcut(
        self,
        callback_id: str,
        *,
        text: str,
        author_id: str = "U2",
        user_id: str = "U1",
        channel_id: str = "C1",
        message_ts: str = "1700000000.000100",
    ) -> SignedRequest:
        return self._interaction(
            {
                "type": "message_action",
                "callback_id": callback_id,
                "user": {"id": user_id, "username": user_id.lower(), "team_id": self.team_id},
                "channel": {"id": channel_id, "name": "general"},
                "message": {"type": "message", "user": author_id, "text": text, "ts": message_ts},
                "message_ts": message_ts,
                "trigger_id": f"{next(_counter)}.trigger",
                "response_url": self.response_url,
            }
        )

    def block_suggestion(
        self, action_id: str, value: str, *, user_id: str = "U1", block_id: str = "b1"
    ) -> SignedRequest:
        return self._interaction(
            {
                "type": "block_suggestion",
                "user": {"id": user_id, "team_id": self.team_id},
                "action_id": action_id,
                "block_id": block_id,
                "value": value,
                "view": {"id": "V1", "type": "modal", "callback_id": "x", "private_metadata": ""},
            }
        )

    def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
    ) -> SignedRequest:
        body = json.dumps(
            {
                "token": "legacy-verification-token",
                "team_id": self.team_id,
                "api_app_id": "A0OPSBOT",
                "event": event,
                "type": "event_callback",
                "event_id": event_id or f"Ev{next(_counter):08d}",
                "event_time": int(time.time()),
                "authorizations": [{"team_id": self.team_id, "user_id": "U0BOT", "is_bot": True}],
            }
        ).encode()
        headers = {"Content-Type": "application/json", **sign(self.secret, body)}
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = "http_timeout"
        return SignedRequest(body, headers)
