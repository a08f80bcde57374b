"""The one `@app.error` handler: every failure becomes a message the person understands.

Before the ack (a middleware or listener failed early) it replaces Bolt's bare 500 with a
friendly answer where Slack can show one; after the ack it tells the person privately.
Events keep the 500 so Slack retries them later.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View
from sqlalchemy.exc import DataError, DBAPIError, OperationalError

from bot.errors import UserFacingError
from bot.metrics import Metrics
from bot.slack.private_reply import PrivateReplies, SharedChannelCache
from bot.slack.request_kind import request_kind

logger = logging.getLogger(__name__)

DATABASE_DOWN = (
    ":warning: opsbot can't reach its database right now, so nothing was saved. "
    "Please try again in a minute."
)
INVALID_INPUT = (
    ":warning: opsbot could not store that: some of the input is too long or has characters "
    "it cannot keep. Nothing was saved; please shorten or change it and try again."
)
UNEXPECTED = (
    ":warning: Something went wrong on opsbot's side and nothing was saved. "
    "Please try again; if it keeps happening, tell your opsbot admin."
)


def message_for(error: Exception) -> str:
    if isinstance(error, UserFacingError):
        return str(error)
    if isinstance(error, DataError):
        return INVALID_INPUT
    if isinstance(error, OperationalError | DBAPIError):
        return DATABASE_DOWN
    return UNEXPECTED


def make_error_handler(metrics: Metrics) -> Callable[..., BoltResponse | None]:
    shared = SharedChannelCache()

    def handle_error(
        error: Exception,
        body: dict[str, Any],
        response: BoltResponse | None,
        client: WebClient | None,
    ) -> BoltResponse | None:
        kind = request_kind(body) or "unknown"
        metrics.errors.labels(kind, type(error).__name__).inc()
        if isinstance(error, UserFacingError):
            logger.info("user-facing error on %s: %s", kind, error)
        elif isinstance(error, DataError):
            logger.warning("input the database refused on %s: %s", kind, type(error).__name__)
        elif isinstance(error, OperationalError | DBAPIError):
            logger.error("database error on %s: %s", kind, type(error).__name__)
        else:
            logger.error("unexpected error on %s", kind, exc_info=error)
        text = message_for(error)
        # Bolt passes the pending 500 when nothing was acked yet, and None once a listener acked.
        acked = response is None or response.status < 500
        if not acked:
            early = _early_answer(kind, text)
            if early is not None:
                return early
        if kind != "event" or isinstance(error, UserFacingError):
            tell_privately_about(client, shared, body, text)
        return None

    return handle_error


def _early_answer(kind: str, text: str) -> BoltResponse | None:
    if kind == "command":
        return _json_response({"response_type": "ephemeral", "text": text})
    if kind == "view_submission":
        view = View(
            type="modal",
            title="opsbot",
            close="Back",
            blocks=[SectionBlock(text=MarkdownTextObject(text=text))],
        )
        return _json_response({"response_action": "push", "view": view.to_dict()})
    if kind in {"block_actions", "shortcut", "message_action", "view_closed"}:
        return BoltResponse(status=200, body="")
    return None


def _json_response(payload: dict[str, Any]) -> BoltResponse:
    return BoltResponse(
        status=200,
        body=json.dumps(payload),
        headers={"content-type": "application/json;charset=utf-8"},
    )


def tell_privately_about(
    client: WebClient | None, shared: SharedChannelCache, body: dict[str, Any], text: str
) -> None:
    """Where the person is, privately (a DM in Slack Connect or where the bot is not).
    Also used after the ack (bot/slack/listen.py), where Bolt's handler no longer helps."""
    if client is None:
        return
    user_id = (body.get("user") or {}).get("id") or body.get("user_id")
    if isinstance(body.get("event"), dict):
        user_id = user_id or body["event"].get("user")
    channel_id = (body.get("channel") or {}).get("id") or body.get("channel_id")
    if not user_id:
        return
    try:
        PrivateReplies(client, shared).tell_privately(
            user_id=user_id, channel_id=channel_id, text=text
        )
    except SlackApiError as api_error:
        logger.warning(
            "could not tell %s about an error: %s", user_id, api_error.response.get("error")
        )
