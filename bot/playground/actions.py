"""What a person does on the page, turned into what Slack would send the app.

Each method takes the page's JSON (bot/playground/API.md), changes the local workspace where
Slack would (a message typed, a reaction added), sends the signed request, and applies the app's
answer the way Slack does (a command's ack shown privately, a view_submission's
response_action). Returns the JSON the page gets back.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from typing import Any

from bot.playground.people import BOT_USER_ID, PEOPLE
from bot.playground.signer import Signer, user_field
from bot.playground.slack_side import AppLink, apply_response
from bot.playground.workspace import Conversation, Message, ResponseTarget, Workspace

Reply = dict[str, Any]


class PageError(ValueError):
    """The page asked for something that does not exist (a user, a view, a message)."""


class PageActions:
    def __init__(
        self,
        *,
        workspace: Workspace,
        signer: Signer,
        link: AppLink,
        base_url: Callable[[], str],
        bot_events: frozenset[str],
    ) -> None:
        self.ws = workspace
        self.signer = signer
        self.link = link
        self._base_url = base_url
        self._events = bot_events

    # ---- helpers ----------------------------------------------------------------------------
    def user_of(self, body: dict[str, Any]) -> str:
        user = str(body.get("as") or "")
        if not any(p.id == user for p in PEOPLE):
            raise PageError(f"unknown user {user!r}")
        return user

    def channel_for(self, value: Any, user: str) -> str:
        channel = self.ws.resolve_channel(str(value or ""))
        if channel is None or user not in self.ws.conversations[channel].members:
            raise PageError(f"unknown conversation {value!r} for {user}")
        return channel

    def trigger(self, user: str) -> str:
        return self.ws.new_trigger(user, time.monotonic())

    def _response_url(self, user: str, channel: str | None, ts: str | None = None) -> str:
        return self.ws.new_response_url(self._base_url(), ResponseTarget(user, channel, ts))

    def _event(self, event: dict[str, Any], what: str) -> Reply:
        if event["type"] not in self._events:
            return {"ok": True, "sent": False}
        answer = self.link.send(self.signer.event(event), what=what)
        return {"ok": answer.ok, "sent": True, "status": answer.status}

    # ---- messages and commands --------------------------------------------------------------
    def message(self, body: dict[str, Any]) -> Reply:
        text = str(body.get("text") or "")
        if text.startswith("/"):
            return self.command(body)
        user = self.user_of(body)
        channel = self.channel_for(body.get("channel"), user)
        thread_ts = body.get("thread_ts") or None
        if thread_ts and self.ws.find(channel, str(thread_ts)) is None:
            raise PageError(f"no message {thread_ts} in {channel}")
        message = self.ws.add_message(
            Message(channel=channel, ts=self.ws.new_ts(), text=text, user=user, thread_ts=thread_ts)
        )
        kind = self.ws.conversations[channel].kind
        event: dict[str, Any] = {
            "type": "message",
            "channel": channel,
            "user": user,
            "text": text,
            "ts": message.ts,
            "event_ts": message.ts,
            "channel_type": {"channel": "channel", "im": "im", "mpim": "mpim"}[kind],
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
        return {**self._event(event, "message event"), "ts": message.ts}

    def command(self, body: dict[str, Any]) -> Reply:
        user = self.user_of(body)
        channel = self.channel_for(body.get("channel"), user)
        command, _, text = str(body.get("text") or "").strip().partition(" ")
        if not command.startswith("/") or len(command) < 2:
            raise PageError("a slash command starts with / and a name")
        request = self.signer.command(
            command=command,
            text=text.strip(),
            user_id=user,
            channel_id=channel,
            channel_name=_channel_name(self.ws.conversations[channel]),
            trigger_id=self.trigger(user),
            response_url=self._response_url(user, channel),
        )
        answer = self.link.send(request, what=command)
        if answer.ok and answer.body.strip():
            ack = answer.json() or {"text": answer.body}
            apply_response(self.ws, ResponseTarget(user, channel), ack)
        return {"ok": answer.ok, "status": answer.status}

    # ---- interactions -----------------------------------------------------------------------
    def action(self, body: dict[str, Any]) -> Reply:
        user = self.user_of(body)
        source = body.get("source") or {}
        action = dict(body.get("action") or {})
        if not action.get("action_id"):
            raise PageError("an action needs an action_id")
        action["action_ts"] = f"{time.time():.6f}"
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": user_field(user),
            "trigger_id": self.trigger(user),
            "actions": [action],
        }
        kind = source.get("kind")
        if kind == "message":
            channel = self.channel_for(source.get("channel"), user)
            message = self.ws.find(channel, str(source.get("ts") or ""))
            if message is None:
                raise PageError("no such message")
            _fill_action(action, message.blocks or [])
            payload["container"] = {
                "type": "message",
                "message_ts": message.ts,
                "channel_id": channel,
                "is_ephemeral": message.ephemeral_for is not None,
            }
            if message.thread_ts:
                payload["container"]["thread_ts"] = message.thread_ts
            payload["channel"] = {"id": channel, "name": self.ws.conversations[channel].name}
            if message.ephemeral_for is None:  # Slack leaves the message out for ephemerals
                payload["message"] = message.as_slack()
            payload["state"] = {"values": _values(body.get("values"))}
            payload["response_url"] = self._response_url(user, channel, message.ts)
        elif kind in {"view", "home"}:
            view = self._view_for(user, source, kind)
            self._remember_values(view, body.get("values"))
            _fill_action(action, view.get("blocks") or [])
            payload["container"] = {"type": "view", "view_id": view["id"]}
            payload["view"] = as_sent(view)
        else:
            raise PageError("source.kind must be message, view or home")
        action.setdefault("type", "button")
        answer = self.link.send(self.signer.interaction(payload), what=action["action_id"])
        return {"ok": answer.ok, "status": answer.status}

    def _view_for(self, user: str, source: dict[str, Any], kind: str) -> dict[str, Any]:
        if kind == "home":
            home = self.ws.homes.get(user)
            if home is None:
                raise PageError(f"{user} has no published Home")
            return home
        view_id = str(source.get("view_id") or "")
        place = self.ws.find_view(view_id)
        if place is None or place[0] != user:
            raise PageError(f"no open view {view_id} for {user}")
        return self.ws.views[user][place[1]]

    def _remember_values(self, view: dict[str, Any], values: Any) -> None:
        """Slack keeps what was typed into a view's inputs in `state.values`."""
        if isinstance(values, dict) and values:
            with self.ws.lock:
                view.setdefault("state", {"values": {}})["values"] = _values(values)

    def shortcut(self, body: dict[str, Any]) -> Reply:
        user = self.user_of(body)
        callback_id = str(body.get("callback_id") or "")
        if not callback_id:
            raise PageError("a shortcut needs a callback_id")
        payload: dict[str, Any] = {
            "callback_id": callback_id,
            "trigger_id": self.trigger(user),
            "user": user_field(user),
            "action_ts": f"{time.time():.6f}",
        }
        if body.get("ts"):
            channel = self.channel_for(body.get("channel"), user)
            message = self.ws.find(channel, str(body["ts"]))
            if message is None or message.ephemeral_for:
                raise PageError("no such message")
            payload.update(
                type="message_action",
                channel={"id": channel, "name": self.ws.conversations[channel].name},
                message=message.as_slack(),
                message_ts=message.ts,
                response_url=self._response_url(user, channel, None),
            )
        else:
            payload["type"] = "shortcut"
        answer = self.link.send(self.signer.interaction(payload), what=callback_id)
        return {"ok": answer.ok, "status": answer.status}

    def reaction(self, body: dict[str, Any]) -> Reply:
        user = self.user_of(body)
        channel = self.channel_for(body.get("channel"), user)
        name = str(body.get("name") or "").strip(":")
        remove = bool(body.get("remove"))
        with self.ws.lock:
            message = self.ws.find(channel, str(body.get("ts") or ""))
            if message is None or message.ephemeral_for or not name:
                raise PageError("no such message or no reaction name")
            users = message.reactions.setdefault(name, [])
            if (user in users) != remove:
                return {"ok": False, "error": "no_reaction" if remove else "already_reacted"}
            if remove:
                users.remove(user)
                if not users:
                    del message.reactions[name]
            else:
                users.append(user)
            self.ws.touch()
            item_user = BOT_USER_ID if message.bot else message.user
        kind = "reaction_removed" if remove else "reaction_added"
        event: dict[str, Any] = {
            "type": kind,
            "user": user,
            "reaction": name,
            "item": {"type": "message", "channel": channel, "ts": message.ts},
            "item_user": item_user,
            "event_ts": self.ws.new_ts(),
        }
        return self._event(event, kind)

    def home(self, body: dict[str, Any]) -> Reply:
        user = self.user_of(body)
        event: dict[str, Any] = {
            "type": "app_home_opened",
            "user": user,
            "channel": self.ws.open_dm([user]),
            "tab": "home",
            "event_ts": self.ws.new_ts(),
        }
        if user in self.ws.homes:
            event["view"] = as_sent(self.ws.homes[user])
        return self._event(event, "app_home_opened")


def _channel_name(conversation: Conversation) -> str:
    """A slash command's `channel_name`: Slack says "directmessage" for a DM."""
    return "directmessage" if conversation.kind == "im" else conversation.name


def _values(values: Any) -> dict[str, Any]:
    return copy.deepcopy(values) if isinstance(values, dict) else {}


def as_sent(view: dict[str, Any]) -> dict[str, Any]:
    """A stored view as Slack puts it in a payload (a copy, with Slack's bookkeeping)."""
    sent = copy.deepcopy(view)
    sent.setdefault("team_id", "TPLAYGRND")
    sent.setdefault("app_id", "APLAYGRND")
    sent.setdefault("bot_id", "BOPSBOT")
    sent.setdefault("root_view_id", view["id"])
    sent.setdefault("previous_view_id", None)
    sent.setdefault("external_id", "")
    sent.setdefault("clear_on_close", False)
    sent.setdefault("notify_on_close", False)
    return sent


def _fill_action(action: dict[str, Any], blocks: list[dict[str, Any]]) -> None:
    """Slack's action carries the element's `text` (buttons) and its block_id: fill what the
    page left out from the element that was clicked."""
    for block in blocks:
        elements = block.get("elements") or []
        accessory = block.get("accessory")
        element_list = [*elements, *([accessory] if accessory else [])]
        if block.get("type") == "input" and block.get("element"):
            element_list.append(block["element"])
        for element in element_list:
            if isinstance(element, dict) and element.get("action_id") == action["action_id"]:
                action.setdefault("block_id", block.get("block_id", ""))
                if element.get("text") is not None:
                    action.setdefault("text", element["text"])
                if element.get("type"):
                    action.setdefault("type", element["type"])
                if element.get("type") == "button" and element.get("value") is not None:
                    action.setdefault("value", element["value"])  # Slack sends a button's value
                return
