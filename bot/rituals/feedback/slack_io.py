"""The feedback ritual's few Slack reads and private writes, behind one small class.

Private means private: in a channel shared with another organisation (Slack Connect) nothing is
posted in the channel, not even an ephemeral; the person gets a DM instead.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block
from slack_sdk.webhook import WebhookClient

from bot.rituals.feedback.blocks import build_loop_closing_message, loop_closing_text
from bot.rituals.feedback.domain import MessageUnreadable, ReadMessage, StatusChange

logger = logging.getLogger(__name__)

UNREADABLE_ERRORS = frozenset(
    {"not_in_channel", "channel_not_found", "missing_scope", "access_denied", "is_archived"}
)
EPHEMERAL_FALLBACK_ERRORS = frozenset(
    {"not_in_channel", "channel_not_found", "user_not_in_channel"}
)


class SharedChannelCache:
    """Remembers for a while whether a channel is shared externally (`conversations.info`, T3)."""

    def __init__(self, ttl_seconds: float = 600.0) -> None:
        self._ttl = ttl_seconds
        self._known: dict[str, tuple[float, bool]] = {}
        self._lock = threading.Lock()

    def get(self, channel_id: str) -> bool | None:
        with self._lock:
            found = self._known.get(channel_id)
        if found and time.monotonic() - found[0] < self._ttl:
            return found[1]
        return None

    def put(self, channel_id: str, shared: bool) -> None:
        with self._lock:
            self._known[channel_id] = (time.monotonic(), shared)


class SlackFeedbackGateway:
    def __init__(self, client: WebClient, shared: SharedChannelCache) -> None:
        self._client = client
        self._shared = shared

    # ---- reads ---------------------------------------------------------------------------
    def read_message(self, channel_id: str, ts: str) -> ReadMessage | None:
        """The one message at `ts` (conversations.history, latest=ts inclusive, limit 1).
        Raises `MessageUnreadable` when the bot cannot read the channel."""
        try:
            history = self._client.conversations_history(
                channel=channel_id, latest=ts, inclusive=True, limit=1
            )
        except SlackApiError as error:
            if error.response.get("error") in UNREADABLE_ERRORS:
                raise MessageUnreadable(channel_id) from error
            raise
        messages = [m for m in history.get("messages") or [] if m.get("ts") == ts]
        if not messages:
            return None
        message = messages[0]
        return ReadMessage(
            text=str(message.get("text") or ""),
            author_id=message.get("user"),
            permalink=self.permalink(channel_id, ts),
        )

    def permalink(self, channel_id: str, ts: str) -> str | None:
        try:
            answer = self._client.chat_getPermalink(channel=channel_id, message_ts=ts)
        except SlackApiError as error:
            logger.info("no permalink for a message: %s", error.response.get("error"))
            return None
        value = answer.get("permalink")
        return str(value) if value else None

    def is_externally_shared(self, channel_id: str) -> bool:
        """Slack Connect channels (and ones we cannot inspect, to be safe) count as shared."""
        if channel_id.startswith("D"):
            return False
        known = self._shared.get(channel_id)
        if known is not None:
            return known
        try:
            info = self._client.conversations_info(channel=channel_id)
            channel = info.get("channel") or {}
            shared = bool(channel.get("is_ext_shared") or channel.get("is_pending_ext_shared"))
        except SlackApiError as error:
            if error.response.get("error") not in UNREADABLE_ERRORS:
                raise
            shared = False  # not readable: an ephemeral will fail and fall back to a DM
        self._shared.put(channel_id, shared)
        return shared

    # ---- private writes ------------------------------------------------------------------
    def tell_privately(
        self,
        *,
        user_id: str,
        channel_id: str | None,
        text: str,
        blocks: Sequence[Block] = (),
        response_url: str | None = None,
    ) -> None:
        """An ephemeral where the person is (or the command's response_url), a DM otherwise
        and always in Slack Connect channels."""
        payload = [block.to_dict() for block in blocks]
        if channel_id and not self.is_externally_shared(channel_id):
            if response_url:
                WebhookClient(response_url, timeout=10).send(
                    text=text, blocks=payload or None, response_type="ephemeral"
                )
                return
            if not channel_id.startswith("D"):
                try:
                    self._client.chat_postEphemeral(
                        channel=channel_id, user=user_id, text=text, blocks=payload or None
                    )
                    return
                except SlackApiError as error:
                    if error.response.get("error") not in EPHEMERAL_FALLBACK_ERRORS:
                        raise
        self.send_dm(user_id=user_id, text=text, blocks=blocks)

    def send_dm(self, *, user_id: str, text: str, blocks: Sequence[Block] = ()) -> None:
        payload: Any = [block.to_dict() for block in blocks] or None
        self._client.chat_postMessage(channel=user_id, text=text, blocks=payload)

    def close_the_loop(self, change: StatusChange) -> None:
        """DMs everyone `change.notify` names that the item shipped (or why it was declined).
        Releases call this after `FeedbackService.change_status` marks linked items shipped."""
        for user_id in change.notify:
            self.send_dm(
                user_id=user_id,
                text=loop_closing_text(change.item),
                blocks=build_loop_closing_message(change.item),
            )

    def upload_privately(self, *, user_id: str, filename: str, content: str, comment: str) -> None:
        """A file only this person can see: uploaded into their DM with the bot."""
        opened = self._client.conversations_open(users=user_id)
        channel = opened["channel"]["id"]
        self._client.files_upload_v2(
            channel=channel,
            content=content,
            filename=filename,
            title=filename,
            initial_comment=comment,
        )
