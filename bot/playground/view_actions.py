"""Modal submissions, closes and external-select options, with Slack's answers applied.

A view_submission's ack decides what happens to the stack (Slack's `response_action`):
`errors` keeps the modal and shows the messages under their inputs, `update` replaces the
submitted view, `push` adds one on top, `clear` closes them all, and an empty ack closes the
submitted view (the one under it, if any, shows again).
"""

from __future__ import annotations

import copy
import time
from typing import Any

from bot.playground.actions import PageActions, PageError, Reply, as_sent
from bot.playground.signer import user_field
from bot.playground.workspace import VIEW_STACK_LIMIT


class ViewActions:
    def __init__(self, actions: PageActions) -> None:
        self._actions = actions
        self.ws = actions.ws

    def _open_view(self, body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        user = self._actions.user_of(body)
        view_id = str(body.get("view_id") or "")
        place = self.ws.find_view(view_id)
        if place is None or place[0] != user:
            raise PageError(f"no open view {view_id} for {user}")
        return user, self.ws.views[user][place[1]]

    def _home(self, user: str) -> dict[str, Any]:
        home = self.ws.homes.get(user)
        if home is None:
            raise PageError(f"{user} has no published Home")
        return home

    def submit(self, body: dict[str, Any]) -> Reply:
        user, view = self._open_view(body)
        values = body.get("values")
        with self.ws.lock:
            if isinstance(values, dict):
                view["state"] = {"values": copy.deepcopy(values)}
            sent = as_sent(view)
        payload = {
            "type": "view_submission",
            "user": user_field(user),
            "trigger_id": self._actions.trigger(user),
            "view": sent,
            "response_urls": [],
        }
        answer = self._actions.link.send(
            self._actions.signer.interaction(payload), what=f"submit {view.get('callback_id')}"
        )
        if not answer.ok:
            return {"ok": False, "error": f"http_{answer.status}", "status": answer.status}
        ack = answer.json() or {}
        action = ack.get("response_action")
        with self.ws.lock:
            if action == "errors":
                errors = ack.get("errors") or {}
                return {"ok": False, "error": "validation", "errors": errors}
            if action == "update":
                place = self.ws.find_view(view["id"])
                if place is not None:
                    updated = self.ws.stored_view(ack.get("view") or {}, view_id=view["id"])
                    self.ws.views[user][place[1]] = updated
                    self.ws.touch()
            elif action == "push":
                if len(self.ws.views.get(user, [])) >= VIEW_STACK_LIMIT:
                    self.ws.notice("response_action push over Slack's 3-view limit", ack)
                else:
                    self.ws.push_view(user, self.ws.stored_view(ack.get("view") or {}))
            elif action == "clear":
                self.ws.clear_views(user)
            elif action is None:
                self.ws.pop_view(user, view["id"])
            else:
                self.ws.notice(f"unknown response_action {action!r}", ack)
        return {"ok": True, "response_action": action}

    def close(self, body: dict[str, Any]) -> Reply:
        user, view = self._open_view(body)
        sent = as_sent(view)
        if view.get("clear_on_close"):
            self.ws.clear_views(user)
        else:
            self.ws.pop_view(user, view["id"])
        if not view.get("notify_on_close"):
            return {"ok": True, "sent": False}
        payload = {
            "type": "view_closed",
            "user": user_field(user),
            "view": sent,
            "is_cleared": bool(view.get("clear_on_close")),
        }
        answer = self._actions.link.send(
            self._actions.signer.interaction(payload), what=f"close {view.get('callback_id')}"
        )
        return {"ok": answer.ok, "sent": True, "status": answer.status}

    def options(self, body: dict[str, Any]) -> Reply:
        user = self._actions.user_of(body)
        payload: dict[str, Any] = {
            "type": "block_suggestion",
            "user": user_field(user),
            "action_id": str(body.get("action_id") or ""),
            "block_id": str(body.get("block_id") or ""),
            "value": str(body.get("value") or ""),
            "action_ts": f"{time.time():.6f}",
        }
        source = body.get("source") or {}
        if body.get("view_id") or source.get("kind") == "home":
            home = source.get("kind") == "home" and not body.get("view_id")
            view = self._home(user) if home else self._open_view(body)[1]
            payload["container"] = {"type": "view", "view_id": view["id"]}
            payload["view"] = as_sent(view)
        else:
            channel = self._actions.channel_for(source.get("channel"), user)
            payload["container"] = {
                "type": "message",
                "message_ts": source.get("ts"),
                "channel_id": channel,
            }
            payload["channel"] = {"id": channel, "name": self.ws.conversations[channel].name}
        answer = self._actions.link.send(
            self._actions.signer.interaction(payload), what=f"options {payload['action_id']}"
        )
        found = answer.json() if answer.ok else None
        if found is None:
            return {"ok": False, "error": f"http_{answer.status}", "options": []}
        return {"ok": True, **found}
