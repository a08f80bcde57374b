"""The local Slack workspace's state, in memory: conversations, messages, views, home tabs.

One lock guards it all and every change bumps `version`, which is what the page polls on
(`/playground/state?since=N`). The Web API (web_api.py) and the page's actions (actions.py) both
change it through the methods here; nothing else holds a reference to its dictionaries.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.playground.people import BOT_USER_ID, CHANNELS, PEOPLE

MAX_NOTICES = 200
VIEW_STACK_LIMIT = 3  # Slack: at most three views in a modal stack


@dataclass
class Conversation:
    id: str
    name: str
    kind: str  # "channel" | "im" | "mpim"
    members: list[str]
    purpose: str = ""


@dataclass
class Message:
    channel: str
    ts: str
    text: str
    user: str | None = None  # a person's id; None for the bot
    bot: bool = False
    blocks: list[dict[str, Any]] | None = None
    thread_ts: str | None = None
    ephemeral_for: str | None = None
    edited: bool = False
    reactions: dict[str, list[str]] = field(default_factory=dict)
    files: list[dict[str, Any]] = field(default_factory=list)
    metadata: dict[str, Any] | None = None

    def as_slack(self) -> dict[str, Any]:
        """The message as the Web API returns it (conversations.history, chat.update)."""
        found: dict[str, Any] = {"type": "message", "ts": self.ts, "text": self.text}
        if self.bot:
            found.update(user=BOT_USER_ID, bot_id="BOPSBOT", app_id="APLAYGRND")
        elif self.user:
            found["user"] = self.user
        if self.blocks:
            found["blocks"] = self.blocks
        if self.thread_ts:
            found["thread_ts"] = self.thread_ts
        if self.reactions:
            found["reactions"] = [
                {"name": name, "users": users, "count": len(users)}
                for name, users in self.reactions.items()
            ]
        if self.files:
            found["files"] = self.files
        if self.metadata:
            found["metadata"] = self.metadata
        return found


@dataclass
class Notice:
    at: str
    text: str
    raw: Any


@dataclass
class ResponseTarget:
    """Where a response_url posts land: who acted, in which conversation, from which message."""

    user: str
    channel: str | None
    message_ts: str | None = None
    uses: int = 0
    issued: float = field(default_factory=time.monotonic)


def with_block_ids(blocks: Any) -> list[dict[str, Any]] | None:
    """Blocks as Slack stores them: a block posted without a block_id gets a generated one
    (a button's payload always names its block)."""
    if not isinstance(blocks, list) or not blocks:
        return None
    stored = copy.deepcopy(blocks)
    for index, block in enumerate(stored):
        if isinstance(block, dict) and not block.get("block_id"):
            seed = f"{index}:{block.get('type')}:{id(stored)}".encode()
            block["block_id"] = hashlib.sha1(seed).hexdigest()[:5]  # noqa: S324 - not security
    return stored


class Workspace:
    def __init__(self, *, clock: Callable[[], datetime]) -> None:
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.version = 1
        self._clock = clock
        self._last_ts = 0.0
        self._ids = itertools.count(1)
        self.conversations: dict[str, Conversation] = {
            c.id: Conversation(c.id, c.name, "channel", list(c.members), c.purpose)
            for c in CHANNELS
        }
        self.messages: dict[str, list[Message]] = {c.id: [] for c in CHANNELS}
        self.views: dict[str, list[dict[str, Any]]] = {}  # user -> modal stack, top last
        self.view_owner: dict[str, str] = {}  # view id -> user
        self.homes: dict[str, dict[str, Any]] = {}
        self.notices: list[Notice] = []
        self.triggers: dict[str, tuple[str, float, bool]] = {}  # id -> (user, issued, used)
        self.response_urls: dict[str, ResponseTarget] = {}
        self.uploads: dict[str, dict[str, Any]] = {}

    # ---- bookkeeping ------------------------------------------------------------------------
    def touch(self) -> None:
        with self.lock:
            self.version += 1
            self.changed.notify_all()

    def next_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):06d}"

    def now(self) -> datetime:
        return self._clock()

    def new_ts(self) -> str:
        """A Slack ts ("seconds.micros") from the playground clock, unique and increasing."""
        with self.lock:
            value = max(self._clock().timestamp(), self._last_ts + 0.000001)
            self._last_ts = value
        seconds, micros = divmod(round(value * 1_000_000), 1_000_000)
        return f"{seconds}.{micros:06d}"

    def notice(self, text: str, raw: Any = None) -> None:
        """Something the page must show and never hide (unknown method, app error, non-200)."""
        with self.lock:
            self.notices.append(Notice(self._clock().isoformat(), text, raw))
            del self.notices[:-MAX_NOTICES]
            self.touch()

    # ---- conversations ----------------------------------------------------------------------
    def resolve_channel(self, channel: str) -> str | None:
        """A conversation id from what the Web API accepts: an id, a user id (the bot's DM with
        that person, as chat.postMessage allows) or a channel name."""
        with self.lock:
            if channel in self.conversations:
                return channel
            if any(p.id == channel for p in PEOPLE):
                return self.open_dm([channel])
            name = channel.removeprefix("#")
            for conversation in self.conversations.values():
                if conversation.name == name and conversation.kind == "channel":
                    return conversation.id
        return None

    def open_dm(self, users: list[str]) -> str:
        """The bot's DM with one person, or one group DM per set of people (as Slack)."""
        people = sorted(set(users) - {BOT_USER_ID})
        if len(people) == 1:
            ident, kind, name = f"D{people[0]}", "im", people[0]
        else:
            digest = hashlib.sha1(",".join(people).encode()).hexdigest()[:8].upper()  # noqa: S324
            ident, kind, name = f"G{digest}", "mpim", "mpdm-" + "--".join(people)
        with self.lock:
            if ident not in self.conversations:
                self.conversations[ident] = Conversation(ident, name, kind, [*people, BOT_USER_ID])
                self.messages[ident] = []
                self.touch()
        return ident

    # ---- messages ---------------------------------------------------------------------------
    def add_message(self, message: Message) -> Message:
        with self.lock:
            self.messages.setdefault(message.channel, []).append(message)
            self.touch()
        return message

    def find(self, channel: str, ts: str) -> Message | None:
        with self.lock:
            for message in self.messages.get(channel, []):
                if message.ts == ts:
                    return message
        return None

    def remove(self, channel: str, ts: str) -> bool:
        with self.lock:
            found = self.find(channel, ts)
            if found is None:
                return False
            self.messages[channel].remove(found)
            self.touch()
            return True

    def replies(self, channel: str, thread_ts: str) -> list[Message]:
        with self.lock:
            return [
                m
                for m in self.messages.get(channel, [])
                if m.thread_ts == thread_ts and m.ts != thread_ts and not m.ephemeral_for
            ]

    # ---- views ------------------------------------------------------------------------------
    def stored_view(self, view: dict[str, Any], *, view_id: str | None = None) -> dict[str, Any]:
        """The view as Slack stores it: an id, a fresh hash, an empty state, a team."""
        stored = copy.deepcopy(view)
        stored["blocks"] = with_block_ids(stored.get("blocks")) or []
        stored["id"] = view_id or self.next_id("V")
        stored["hash"] = self.next_id("h")
        stored.setdefault("private_metadata", "")
        stored.setdefault("callback_id", "")
        stored.setdefault("state", {"values": {}})
        return stored

    def find_view(self, view_id: str) -> tuple[str, int] | None:
        """(user, index in their stack) of an open modal, or None."""
        with self.lock:
            user = self.view_owner.get(view_id)
            stack = self.views.get(user or "", [])
            for index, view in enumerate(stack):
                if view["id"] == view_id:
                    return str(user), index
        return None

    def view(self, view_id: str) -> dict[str, Any] | None:
        with self.lock:
            place = self.find_view(view_id)
            if place is not None:
                return self.views[place[0]][place[1]]
            for home in self.homes.values():
                if home.get("id") == view_id:
                    return home
        return None

    def push_view(self, user: str, view: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.views.setdefault(user, []).append(view)
            self.view_owner[view["id"]] = user
            self.touch()
        return view

    def pop_view(self, user: str, view_id: str) -> None:
        with self.lock:
            stack = self.views.get(user, [])
            self.views[user] = [v for v in stack if v["id"] != view_id]
            self.view_owner.pop(view_id, None)
            self.touch()

    def clear_views(self, user: str) -> None:
        with self.lock:
            for view in self.views.pop(user, []):
                self.view_owner.pop(view["id"], None)
            self.touch()

    # ---- triggers and response urls ---------------------------------------------------------
    def new_trigger(self, user: str, issued: float) -> str:
        trigger = f"{next(self._ids)}.{abs(hash(user)) % 10**8}.playground"
        with self.lock:
            self.triggers[trigger] = (user, issued, False)
        return trigger

    def new_response_url(self, base_url: str, target: ResponseTarget) -> str:
        token = self.next_id("R")
        with self.lock:
            self.response_urls[token] = target
        return f"{base_url}respond/{token}"
