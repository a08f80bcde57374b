"""Slack's side of the conversation with the app: sending signed requests to `/slack/events`
over HTTP, and applying what the app sends back (acks, response_url posts) as Slack would.

Every non-2xx answer is a notice on the page, and so is an ack slower than Slack's 3 s (Slack
would have shown the person an error there, whatever the app did afterwards).
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from typing import Any

import httpx

from bot.playground.signer import SignedRequest
from bot.playground.workspace import Message, ResponseTarget, Workspace, with_block_ids

logger = logging.getLogger(__name__)

ACK_DEADLINE = 3.0  # seconds Slack waits for an ack
RESPONSE_URL_USES = 5  # posts Slack accepts per response_url
RESPONSE_URL_LIFETIME = 30 * 60.0  # seconds


@dataclass(frozen=True)
class AppAnswer:
    status: int
    body: str

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def json(self) -> dict[str, Any] | None:
        """The ack body as JSON, or None when it is empty or plain text."""
        text = self.body.strip()
        if not text.startswith("{"):
            return None
        try:
            found = json.loads(text)
        except ValueError:
            return None
        return found if isinstance(found, dict) else None


class AppLink:
    """Posts signed requests to the app's own endpoint, as Slack's servers do."""

    def __init__(self, workspace: Workspace, *, events_url: str) -> None:
        self._ws = workspace
        self._url = events_url
        self._http = httpx.Client(timeout=httpx.Timeout(15.0, connect=5.0))

    def send(self, request: SignedRequest, *, what: str) -> AppAnswer:
        started = time.monotonic()
        try:
            response = self._http.post(self._url, content=request.body, headers=request.headers)
        except httpx.HTTPError as error:
            self._ws.notice(f"{what}: the app did not answer ({type(error).__name__})", None)
            return AppAnswer(0, "")
        elapsed = time.monotonic() - started
        answer = AppAnswer(response.status_code, response.text)
        if not answer.ok:
            self._ws.notice(
                f"{what}: the app answered HTTP {answer.status}",
                {"status": answer.status, "body": answer.body[:2000]},
            )
        elif elapsed > ACK_DEADLINE:
            self._ws.notice(
                f"{what}: the app took {elapsed:.1f} s to ack; Slack gives up after 3 s",
                {"seconds": round(elapsed, 2)},
            )
        return answer

    def close(self) -> None:
        self._http.close()


def post_to_response_url(ws: Workspace, token: str, payload: dict[str, Any]) -> tuple[int, str]:
    """A POST to a response_url, applied as Slack does. Returns (HTTP status, body)."""
    with ws.lock:
        target = ws.response_urls.get(token)
        if target is None:
            return 404, "no_such_url"
        if target.uses >= RESPONSE_URL_USES:
            return 404, "used_url"
        if time.monotonic() - target.issued > RESPONSE_URL_LIFETIME:
            return 404, "expired_url"
        target.uses += 1
        apply_response(ws, target, payload)
    return 200, "ok"


def apply_response(ws: Workspace, target: ResponseTarget, payload: dict[str, Any]) -> None:
    """What a response_url post (or a command's ack body) does to the conversation:
    delete_original, replace_original, or a new message (ephemeral unless `in_channel`)."""
    if target.channel is None:
        ws.notice("a response went to a conversation-less response_url", payload)
        return
    with ws.lock:
        original = ws.find(target.channel, target.message_ts) if target.message_ts else None
        if _flag(payload.get("delete_original")):
            if original is not None:
                ws.remove(target.channel, original.ts)
            return
        if _flag(payload.get("replace_original")) and original is not None:
            original.text = str(payload.get("text") or "")
            original.blocks = with_block_ids(payload.get("blocks"))
            original.edited = True
            ws.touch()
            return
        in_channel = payload.get("response_type") == "in_channel"
        ws.add_message(
            Message(
                channel=target.channel,
                ts=ws.new_ts(),
                text=str(payload.get("text") or ""),
                bot=True,
                blocks=with_block_ids(payload.get("blocks")),
                thread_ts=payload.get("thread_ts") or None,
                ephemeral_for=None if in_channel else target.user,
            )
        )


def _flag(value: Any) -> bool:
    return value is True or str(value).lower() == "true"
