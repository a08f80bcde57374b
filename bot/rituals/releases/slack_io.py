"""The releases ritual's Slack reads and private writes, behind one small class.

Channel checks run in parallel with a short deadline, so the composer's submission still
answers within Slack's 3 s; a channel that could not be checked in time is not blocked (the
outbox reports a channel that refuses posts to the admins). Posts to channels never go out
from here: they go through the outbox. Here: private previews, approval requests, the author's
status line, in-place corrections (chat.update) and user-group lookups.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block

from bot.scheduling.channels import SlackChannelChecker
from bot.slack.limits import MESSAGE_BLOCKS

logger = logging.getLogger(__name__)

CHECK_DEADLINE = 1.5  # seconds, inside a view submission's 3 s
CHECK_WORKERS = 8


class ReleaseSlack:
    def __init__(self, client: WebClient) -> None:
        self._client = client
        self._checker = SlackChannelChecker(client)

    # ---- reads -------------------------------------------------------------------------------
    def problems(self, channel_ids: Sequence[str]) -> dict[str, str]:
        """Channel → why the bot cannot post there, asked of Slack (conversations.info)."""
        if not channel_ids:
            return {}
        pool = ThreadPoolExecutor(max_workers=min(CHECK_WORKERS, len(channel_ids)))
        futures = {pool.submit(self._checker.problem_with, c): c for c in channel_ids}
        done, _ = wait(futures, timeout=CHECK_DEADLINE)
        pool.shutdown(wait=False, cancel_futures=True)
        problems: dict[str, str] = {}
        for future in done:
            try:
                problem = future.result()
            except Exception:
                logger.warning("channel check failed for %s", futures[future], exc_info=True)
                continue
            if problem:
                problems[futures[future]] = problem
        return problems

    def members(self, group: str) -> list[str]:
        """People in a user group (S…) or a channel (anything else), bots left out."""
        if not group:
            return []
        if group.startswith("S"):
            answer = self._client.usergroups_users_list(usergroup=group)
            return [str(u) for u in answer.get("users") or []]
        people: list[str] = []
        cursor: str | None = None
        while True:
            page = self._client.conversations_members(channel=group, limit=1000, cursor=cursor)
            people += [str(u) for u in page.get("members") or []]
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return people

    # ---- private writes ----------------------------------------------------------------------
    def dm(self, user_id: str, *, text: str, blocks: Sequence[Block]) -> tuple[str, str]:
        """A DM from the bot; returns (channel, ts) so it can be updated later."""
        answer = self._client.chat_postMessage(
            channel=user_id, text=text, blocks=[b.to_dict() for b in blocks][:MESSAGE_BLOCKS]
        )
        return str(answer.get("channel") or user_id), str(answer.get("ts") or "")

    def dm_messages(self, user_id: str, messages: Sequence[tuple[str, Sequence[Block]]]) -> None:
        for text, blocks in messages:
            self.dm(user_id, text=text, blocks=blocks)

    def update(self, channel_id: str, ts: str, *, text: str, blocks: Sequence[Block]) -> bool:
        return self.update_raw(
            channel_id, ts, text=text, blocks=[b.to_dict() for b in blocks][:MESSAGE_BLOCKS]
        )

    def update_raw(
        self, channel_id: str, ts: str, *, text: str, blocks: Sequence[dict[str, Any]]
    ) -> bool:
        """chat.update; False (logged) when Slack refuses, e.g. the message was deleted."""
        try:
            self._client.chat_update(channel=channel_id, ts=ts, text=text, blocks=list(blocks))
        except SlackApiError as error:
            logger.warning(
                "could not update a release post in %s: %s",
                channel_id,
                error.response.get("error"),
            )
            return False
        return True
