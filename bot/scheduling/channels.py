"""Can the bot post in a channel? Asked of Slack when a schedule is saved (conversations.info)."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError


class SlackChannelChecker:
    def __init__(self, client: WebClient) -> None:
        self._client = client

    def problem_with(self, channel_id: str) -> str | None:
        try:
            info = self._client.conversations_info(channel=channel_id).get("channel") or {}
        except SlackApiError as error:
            code = error.response.get("error") if error.response is not None else "unknown"
            if code == "channel_not_found":
                return "I can't see this channel; invite me with /invite @opsbot"
            return f"Slack answered {code}"
        if info.get("is_archived"):
            return "this channel is archived"
        if not info.get("is_member", False) and not info.get("is_im"):
            return "I'm not in this channel; invite me with /invite @opsbot first"
        return None
