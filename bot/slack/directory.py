"""Who a Slack user is (name, time zone, admin), read from `users.info` and cached briefly."""

from __future__ import annotations

import threading
import time
from typing import Protocol

from slack_sdk import WebClient

from bot.workspace.service import SlackUser


class UserDirectory(Protocol):
    def lookup(self, *, team_id: str, user_id: str) -> SlackUser: ...


class SlackUserDirectory:
    """`users.info` is Tier 4; a short cache keeps Home refreshes and reminders cheap."""

    def __init__(self, client: WebClient, ttl_seconds: float = 300.0) -> None:
        self._client = client
        self._ttl = ttl_seconds
        self._cache: dict[tuple[str, str], tuple[float, SlackUser]] = {}
        self._lock = threading.Lock()

    def lookup(self, *, team_id: str, user_id: str) -> SlackUser:
        key = (team_id, user_id)
        with self._lock:
            cached = self._cache.get(key)
        if cached and time.monotonic() - cached[0] < self._ttl:
            return cached[1]
        response = self._client.users_info(user=user_id)
        user = SlackUser.from_api(response["user"])
        with self._lock:
            self._cache[key] = (time.monotonic(), user)
        return user
