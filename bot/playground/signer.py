"""Builds the requests Slack sends an app, and signs them exactly as Slack does.

Signature: `v0=` + hex HMAC-SHA256(signing secret, `v0:{timestamp}:{raw body}`) in
`X-Slack-Signature`, the timestamp (real Unix seconds) in `X-Slack-Request-Timestamp`. Slash
commands are form-encoded fields; interactions are one form field `payload=<json>`; events are a
JSON `event_callback` envelope with a unique `event_id`. Shapes follow Slack's documentation of
slash commands, block_actions, view_submission, view_closed, block_suggestion, shortcut,
message_action and the Events API.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from bot.playground.people import BOT_USER_ID, TEAM_ID, person

API_APP_ID = "APLAYGRND"
TEAM_DOMAIN = "acme-playground"
_events = itertools.count(1)


@dataclass(frozen=True)
class SignedRequest:
    body: bytes
    headers: dict[str, str]


def signature_headers(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    base = b"v0:" + ts.encode() + b":" + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def user_field(user_id: str) -> dict[str, Any]:
    """The `user` object of an interaction payload."""
    handle = person(user_id).handle
    return {"id": user_id, "username": handle, "name": handle, "team_id": TEAM_ID}


class Signer:
    def __init__(self, signing_secret: str) -> None:
        self._secret = signing_secret

    def _form(self, fields: dict[str, str]) -> SignedRequest:
        body = urlencode(fields).encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            **signature_headers(self._secret, body),
        }
        return SignedRequest(body, headers)

    def interaction(self, payload: dict[str, Any]) -> SignedRequest:
        """Any interactive payload (block_actions, view_submission, shortcuts, ...)."""
        full = {
            "team": {"id": TEAM_ID, "domain": TEAM_DOMAIN},
            "api_app_id": API_APP_ID,
            "token": "playground-verification-token",
            "is_enterprise_install": False,
            "enterprise": None,
            **payload,
        }
        return self._form({"payload": json.dumps(full)})

    def command(
        self,
        *,
        command: str,
        text: str,
        user_id: str,
        channel_id: str,
        channel_name: str,
        trigger_id: str,
        response_url: str,
    ) -> SignedRequest:
        return self._form(
            {
                "token": "playground-verification-token",
                "team_id": TEAM_ID,
                "team_domain": TEAM_DOMAIN,
                "channel_id": channel_id,
                "channel_name": channel_name,
                "user_id": user_id,
                "user_name": person(user_id).handle,
                "command": command,
                "text": text,
                "api_app_id": API_APP_ID,
                "is_enterprise_install": "false",
                "response_url": response_url,
                "trigger_id": trigger_id,
            }
        )

    def event(self, event: dict[str, Any]) -> SignedRequest:
        body = json.dumps(
            {
                "token": "playground-verification-token",
                "team_id": TEAM_ID,
                "api_app_id": API_APP_ID,
                "event": event,
                "type": "event_callback",
                "event_id": f"EvPG{int(time.time())}{next(_events):06d}",
                "event_time": int(time.time()),
                "authorizations": [
                    {
                        "enterprise_id": None,
                        "team_id": TEAM_ID,
                        "user_id": BOT_USER_ID,
                        "is_bot": True,
                        "is_enterprise_install": False,
                    }
                ],
                "is_ext_shared_channel": False,
            }
        ).encode()
        headers = {"Content-Type": "application/json", **signature_headers(self._secret, body)}
        return SignedRequest(body, headers)
