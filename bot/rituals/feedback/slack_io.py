"""The feedback ritual's few Slack reads and private writes, behind one small class.

Private writes go through `bot.slack.private_reply` (never public; DMs in Slack Connect).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block

from bot.rituals.feedback.blocks import build_loop_closing_message, loop_closing_text
from bot.rituals.feedback.domain import MessageUnreadable, ReadMessage, StatusChange
from bot.slack.private_reply import UNREADABLE_ERRORS, PrivateReplies, SharedChannelCache

logger = logging.getLogger(__name__)


class SlackFeedbackGateway:
    def __init__(self, client: WebClient, shared: SharedChannelCache) -> None:
        self._client = client
        self._private = PrivateReplies(client, shared)

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
        return self._private.is_externally_shared(channel_id)

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
        self._private.tell_privately(
            user_id=user_id,
            channel_id=channel_id,
            text=text,
            blocks=blocks,
            response_url=response_url,
        )

    def send_dm(self, *, user_id: str, text: str, blocks: Sequence[Block] = ()) -> None:
        self._private.send_dm(user_id=user_id, text=text, blocks=blocks)

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
