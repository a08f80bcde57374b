"""The few Slack Web API reads and opens the buddy ritual needs, behind a small Protocol so the
service is tested with a fake: who a person is (time zone, left Slack?), who is in a user group
or channel, and the DM or group DM to write to."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.client import acting_for
from bot.workspace.service import SlackUser

GONE_ERRORS = frozenset({"user_not_found", "account_inactive"})
RATE_LIMIT_TRIES = 5


class SlackBusy(Exception):
    """Slack answered 429: stop opening conversations in this run; the next sweep goes on."""


@dataclass(frozen=True)
class SlackPerson:
    user: SlackUser
    deleted: bool


class SlackPeople(Protocol):
    """Each call acts for `team_id` (its own bot token in multi-workspace mode)."""

    def person(self, team_id: str, user_id: str) -> SlackPerson: ...

    def usergroup_members(self, team_id: str, usergroup_id: str) -> list[str]: ...

    def everyone(self, team_id: str) -> list[SlackPerson]:
        """Every member of the workspace (paged `users.list`), deactivated ones included."""

    def channel_members(self, team_id: str, channel_id: str) -> list[str]: ...

    def conversation_with(self, team_id: str, user_ids: tuple[str, ...]) -> str:
        """The DM (one person) or group DM (several) with these people, opened if needed.
        Raises `SlackBusy` when Slack rate-limits the open (Tier 3)."""


class SlackPeopleGateway:
    """users.info (T4), usergroups.users.list (T2), conversations.members and .open (T3).
    Conversation ids are cached: `conversations.open` returns the same one for the same set."""

    def __init__(self, client: WebClient) -> None:
        self._client = client
        self._conversations: dict[tuple[str, ...], str] = {}  # (team, *people) -> id
        self._lock = threading.Lock()

    def person(self, team_id: str, user_id: str) -> SlackPerson:
        try:
            with acting_for(team_id):
                user = self._client.users_info(user=user_id)["user"]
        except SlackApiError as error:
            if error.response.get("error") in GONE_ERRORS:
                return SlackPerson(SlackUser(user_id, "", "UTC", False), deleted=True)
            raise
        return SlackPerson(SlackUser.from_api(user), deleted=bool(user.get("deleted")))

    def everyone(self, team_id: str) -> list[SlackPerson]:
        people: list[SlackPerson] = []
        cursor: str | None = None
        while True:
            with acting_for(team_id):
                response = self._paged(
                    lambda c: self._client.users_list(limit=200, cursor=c), cursor
                )
            people += [
                SlackPerson(SlackUser.from_api(u), deleted=bool(u.get("deleted")))
                for u in response.get("members") or []
            ]
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return people

    def _paged(self, call: Callable[[str | None], Any], cursor: str | None) -> Any:
        """One page; a 429 waits Retry-After and tries again (scheduler threads only: this
        is never called while a Slack request waits for its ack)."""
        for attempt in range(RATE_LIMIT_TRIES):
            try:
                return call(cursor)
            except SlackApiError as error:
                if error.response.status_code != 429 or attempt == RATE_LIMIT_TRIES - 1:
                    raise
                time.sleep(float(error.response.headers.get("Retry-After", "1")))
        raise AssertionError("unreachable")

    def usergroup_members(self, team_id: str, usergroup_id: str) -> list[str]:
        with acting_for(team_id):
            response = self._client.usergroups_users_list(usergroup=usergroup_id)
        return [str(u) for u in response.get("users") or []]

    def channel_members(self, team_id: str, channel_id: str) -> list[str]:
        members: list[str] = []
        cursor: str | None = None
        while True:
            with acting_for(team_id):
                response = self._client.conversations_members(
                    channel=channel_id, limit=200, cursor=cursor
                )
            members += [str(u) for u in response.get("members") or []]
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return members

    def conversation_with(self, team_id: str, user_ids: tuple[str, ...]) -> str:
        key = (team_id, *sorted(user_ids))
        with self._lock:
            known = self._conversations.get(key)
        if known:
            return known
        try:
            with acting_for(team_id):
                response = self._client.conversations_open(users=",".join(user_ids))
        except SlackApiError as error:
            if error.response.status_code == 429:
                raise SlackBusy("conversations.open") from error
            raise
        channel_id = str(response["channel"]["id"])
        with self._lock:
            self._conversations[key] = channel_id
        return channel_id
