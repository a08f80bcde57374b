"""The Slack side of a delivery: the `chat.postMessage` call and how its answer is classified,
the crash check (was this row already posted?) and the note to the admins when a post fails.

No database here: the sender records what these return.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.outbox.domain import Outcome, admin_note_text, classify

logger = logging.getLogger(__name__)

METHOD = "chat.postMessage"
METADATA_TYPE = "opsbot_delivery"


@dataclass
class Attempt:
    outcome: Outcome
    ts: str | None = None
    error: str | None = None
    retry_after: float = 0.0


def payload_for(
    *, row_id: int, channel_id: str, text: str, blocks: Any, thread_ts: str | None
) -> dict[str, Any]:
    """The `chat.postMessage` arguments of one row; the metadata names the row, so a sender
    that takes over after a crash can tell whether Slack already has it."""
    payload: dict[str, Any] = {
        "channel": channel_id,
        "text": text,
        "blocks": blocks,
        "metadata": {"event_type": METADATA_TYPE, "event_payload": {"delivery": row_id}},
    }
    if thread_ts:
        payload["thread_ts"] = thread_ts
    return payload


def post(client: WebClient, payload: dict[str, Any]) -> Attempt:
    """One `chat.postMessage`; never raises for an answer Slack or the network can give."""
    try:
        response = client.chat_postMessage(**payload)
    except SlackApiError as error:
        status = int(getattr(error.response, "status_code", 0) or 0)
        slack_error = error.response.get("error") if error.response is not None else None
        headers = getattr(error.response, "headers", {}) or {}
        return Attempt(
            classify(status=status, error=slack_error), None, slack_error, retry_after(headers)
        )
    except (OSError, TimeoutError) as error:  # connection refused, reset, read timeout
        return Attempt(Outcome.TRANSIENT, None, type(error).__name__)
    return Attempt(Outcome.SENT, str(response.get("ts")))


def find_posted(client: WebClient, row_id: int, channel_id: str) -> str | None:
    """Looks for this delivery's message (by its metadata) among the channel's latest
    messages: the one Slack read, made only for rows a crashed sender left in flight."""
    try:
        response = client.conversations_history(
            channel=channel_id, include_all_metadata=True, limit=200
        )
    except SlackApiError as error:
        logger.warning(
            "could not check delivery %s after a crash (%s); posting it",
            row_id,
            error.response.get("error"),
        )
        return None
    for message in response.get("messages") or []:
        metadata = message.get("metadata") or {}
        if (
            metadata.get("event_type") == METADATA_TYPE
            and (metadata.get("event_payload") or {}).get("delivery") == row_id
        ):
            return str(message.get("ts"))
    return None


def tell_admins(
    client: WebClient, *, ritual: str, channel_id: str, admins: list[str], error: str
) -> None:
    text = admin_note_text(ritual=ritual, channel_id=channel_id, error=error)
    for user_id in admins:
        try:
            client.chat_postMessage(channel=user_id, text=text)
        except SlackApiError as api_error:
            logger.warning(
                "could not tell admin %s about a failed delivery: %s",
                user_id,
                api_error.response.get("error"),
            )


def retry_after(headers: Any) -> float:
    """Seconds from a 429's Retry-After header (1 when missing or unreadable)."""
    for name in ("Retry-After", "retry-after"):
        value = headers.get(name) if hasattr(headers, "get") else None
        if value is None:
            continue
        if isinstance(value, list):
            value = value[0] if value else None
        try:
            return float(str(value))
        except ValueError:
            return 1.0
    return 1.0
