"""Private replies, for every ritual and the error handler.

Private means private: an ephemeral where the person is (or the command's response_url); a DM
when the ephemeral cannot be posted (the bot is not in the channel) and always in a channel
shared with another organisation (Slack Connect), where nothing is posted in the channel.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block
from slack_sdk.webhook import WebhookClient

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


class PrivateReplies:
    def __init__(self, client: WebClient, shared: SharedChannelCache) -> None:
        self._client = client
        self._shared = shared

    def is_externally_shared(self, channel_id: str) -> bool:
        """Slack Connect channels count as shared; DMs and unreadable channels do not (an
        ephemeral there fails and falls back to a DM)."""
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
            shared = False
        self._shared.put(channel_id, shared)
        return shared

    def tell_privately(
        self,
        *,
        user_id: str,
        channel_id: str | None,
        text: str,
        blocks: Sequence[Block] = (),
        response_url: str | None = None,
    ) -> None:
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
