"""The Slack Web API methods opsbot calls, answered from and into the local workspace.

Answers are shaped as Slack's (`ok`, ts strings, Slack's error codes); a method opsbot calls that
is not here answers `unknown_method` and is shown on the page as a notice, never hidden, so a
gap in the playground is visible rather than silently "working".
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from bot.playground.people import BOT_NAME, BOT_USER_ID, PEOPLE, TEAM_ID, TEAM_NAME
from bot.playground.web_api_conversations import CONVERSATION_METHODS
from bot.playground.workspace import VIEW_STACK_LIMIT, Message, Workspace, with_block_ids

Answer = dict[str, Any]
TRIGGER_LIFETIME = 3.0  # seconds, as Slack's trigger_id
BOT_TOKEN = "xoxb-playground-local-token"  # noqa: S105 - a fake token for the local workspace


class WebApi:
    def __init__(self, workspace: Workspace, *, base_url: Callable[[], str]) -> None:
        self.ws = workspace
        self._base_url = base_url
        self._methods: dict[str, Callable[[dict[str, Any]], Answer]] = {
            "auth.test": self.auth_test,
            "chat.postMessage": self.post_message,
            "chat.postEphemeral": self.post_ephemeral,
            "chat.update": self.update_message,
            "chat.delete": self.delete_message,
            "chat.getPermalink": self.permalink,
            "views.open": self.views_open,
            "views.push": self.views_push,
            "views.update": self.views_update,
            "views.publish": self.views_publish,
            "files.getUploadURLExternal": self.upload_url,
            "files.completeUploadExternal": self.complete_upload,
        }
        for name, method in CONVERSATION_METHODS.items():
            self._methods[name] = _bind(method, workspace)

    def call(self, method: str, params: dict[str, Any], token: str) -> Answer:
        if not token:
            return {"ok": False, "error": "not_authed"}
        if token != BOT_TOKEN:
            return {"ok": False, "error": "invalid_auth"}
        handler = self._methods.get(method)
        if handler is None:
            self.ws.notice(
                f"opsbot called {method}, which the playground does not implement",
                {"method": method, "params": params},
            )
            return {"ok": False, "error": "unknown_method"}
        answer = handler(params)
        if not answer.get("ok"):
            self.ws.notice(f"{method} answered {answer.get('error')}", {"params": params})
        return answer

    # ---- auth -------------------------------------------------------------------------------
    def auth_test(self, params: dict[str, Any]) -> Answer:
        return {
            "ok": True,
            "url": "https://acme-playground.slack.com/",
            "team": TEAM_NAME,
            "user": BOT_NAME,
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": "BOPSBOT",
            "is_enterprise_install": False,
        }

    # ---- chat -------------------------------------------------------------------------------
    def post_message(self, params: dict[str, Any]) -> Answer:
        channel = self.ws.resolve_channel(str(params.get("channel") or ""))
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        if not params.get("text") and not params.get("blocks"):
            return {"ok": False, "error": "no_text"}
        thread_ts = params.get("thread_ts") or None
        if thread_ts and self.ws.find(channel, str(thread_ts)) is None:
            return {"ok": False, "error": "thread_not_found"}
        message = self.ws.add_message(
            Message(
                channel=channel,
                ts=self.ws.new_ts(),
                text=str(params.get("text") or ""),
                bot=True,
                blocks=with_block_ids(params.get("blocks")),
                thread_ts=str(thread_ts) if thread_ts else None,
                metadata=params.get("metadata") or None,
            )
        )
        return {"ok": True, "channel": channel, "ts": message.ts, "message": message.as_slack()}

    def post_ephemeral(self, params: dict[str, Any]) -> Answer:
        channel = self.ws.resolve_channel(str(params.get("channel") or ""))
        user = str(params.get("user") or "")
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        if user not in self.ws.conversations[channel].members:
            return {"ok": False, "error": "user_not_in_channel"}
        message = self.ws.add_message(
            Message(
                channel=channel,
                ts=self.ws.new_ts(),
                text=str(params.get("text") or ""),
                bot=True,
                blocks=with_block_ids(params.get("blocks")),
                thread_ts=params.get("thread_ts") or None,
                ephemeral_for=user,
            )
        )
        return {"ok": True, "message_ts": message.ts}

    def update_message(self, params: dict[str, Any]) -> Answer:
        channel = self.ws.resolve_channel(str(params.get("channel") or ""))
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        with self.ws.lock:
            message = self.ws.find(channel, str(params.get("ts") or ""))
            if message is None or message.ephemeral_for:  # Slack cannot edit ephemerals
                return {"ok": False, "error": "message_not_found"}
            if not message.bot:
                return {"ok": False, "error": "cant_update_message"}
            if "text" in params:
                message.text = str(params.get("text") or "")
            if "blocks" in params:
                message.blocks = with_block_ids(params.get("blocks"))
            message.edited = True
            self.ws.touch()
            return {
                "ok": True,
                "channel": channel,
                "ts": message.ts,
                "text": message.text,
                "message": message.as_slack(),
            }

    def delete_message(self, params: dict[str, Any]) -> Answer:
        channel = self.ws.resolve_channel(str(params.get("channel") or ""))
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        ts = str(params.get("ts") or "")
        found = self.ws.find(channel, ts)
        if found is None or found.ephemeral_for or not self.ws.remove(channel, ts):
            return {"ok": False, "error": "message_not_found"}
        return {"ok": True, "channel": channel, "ts": ts}

    def permalink(self, params: dict[str, Any]) -> Answer:
        channel = self.ws.resolve_channel(str(params.get("channel") or ""))
        ts = str(params.get("message_ts") or "")
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        if self.ws.find(channel, ts) is None:
            return {"ok": False, "error": "message_not_found"}
        link = f"{self._base_url()}#/{channel}/p{ts.replace('.', '')}"
        return {"ok": True, "channel": channel, "permalink": link}

    # ---- views ------------------------------------------------------------------------------
    def _use_trigger(self, trigger_id: str) -> tuple[str | None, str | None]:
        """(user, error): a trigger_id is valid for 3 s and for one use, as Slack's."""
        with self.ws.lock:
            found = self.ws.triggers.get(trigger_id)
            if found is None:
                return None, "invalid_trigger_id"
            user, issued, used = found
            if used or time.monotonic() - issued > TRIGGER_LIFETIME:
                return None, "expired_trigger_id"
            self.ws.triggers[trigger_id] = (user, issued, True)
            return user, None

    def views_open(self, params: dict[str, Any]) -> Answer:
        user, error = self._use_trigger(str(params.get("trigger_id") or ""))
        if user is None:
            return {"ok": False, "error": error}
        view = self.ws.stored_view(_view(params))
        with self.ws.lock:
            self.ws.clear_views(user)
            self.ws.push_view(user, view)
        return {"ok": True, "view": view}

    def views_push(self, params: dict[str, Any]) -> Answer:
        user, error = self._use_trigger(str(params.get("trigger_id") or ""))
        if user is None:
            return {"ok": False, "error": error}
        with self.ws.lock:
            if not self.ws.views.get(user):
                return {"ok": False, "error": "not_found"}
            if len(self.ws.views[user]) >= VIEW_STACK_LIMIT:
                return {"ok": False, "error": "push_limit_reached"}
            view = self.ws.push_view(user, self.ws.stored_view(_view(params)))
        return {"ok": True, "view": view}

    def views_update(self, params: dict[str, Any]) -> Answer:
        view_id = str(params.get("view_id") or "")
        external_id = params.get("external_id")
        with self.ws.lock:
            if external_id and not view_id:
                view_id = next(
                    (
                        v["id"]
                        for stack in self.ws.views.values()
                        for v in stack
                        if v.get("external_id") == external_id
                    ),
                    "",
                )
            place = self.ws.find_view(view_id)
            if place is None:
                return {"ok": False, "error": "not_found"}
            user, index = place
            current = self.ws.views[user][index]
            wanted_hash = params.get("hash")
            if wanted_hash and wanted_hash != current["hash"]:
                return {"ok": False, "error": "hash_conflict"}
            updated = self.ws.stored_view(_view(params), view_id=view_id)
            updated["state"] = current.get("state", {"values": {}})
            self.ws.views[user][index] = updated
            self.ws.touch()
        return {"ok": True, "view": updated}

    def views_publish(self, params: dict[str, Any]) -> Answer:
        user = str(params.get("user_id") or "")
        if not any(p.id == user for p in PEOPLE):
            return {"ok": False, "error": "user_not_found"}
        with self.ws.lock:
            current = self.ws.homes.get(user)
            wanted_hash = params.get("hash")
            if current and wanted_hash and wanted_hash != current["hash"]:
                return {"ok": False, "error": "hash_conflict"}
            view = self.ws.stored_view(_view(params), view_id=current["id"] if current else None)
            self.ws.homes[user] = view
            self.ws.touch()
        return {"ok": True, "view": view}

    # ---- files (files_upload_v2: announce, POST the bytes, complete) ------------------------
    def upload_url(self, params: dict[str, Any]) -> Answer:
        file_id = self.ws.next_id("F")
        with self.ws.lock:
            self.ws.uploads[file_id] = {
                "id": file_id,
                "name": str(params.get("filename") or "file"),
                "length": int(params.get("length") or 0),
                "content": None,
            }
        return {"ok": True, "upload_url": f"{self._base_url()}upload/{file_id}", "file_id": file_id}

    def receive_upload(self, file_id: str, content: bytes) -> bool:
        with self.ws.lock:
            announced = self.ws.uploads.get(file_id)
            if announced is None:
                return False
            announced["content"] = content
            return True

    def complete_upload(self, params: dict[str, Any]) -> Answer:
        entries = params.get("files") or []
        channel = params.get("channel_id") or params.get("channels")
        shared: list[dict[str, Any]] = []
        with self.ws.lock:
            for entry in entries:
                announced = self.ws.uploads.get(str(entry.get("id")))
                if announced is None or announced["content"] is None:
                    return {"ok": False, "error": "file_not_found"}
                title = entry.get("title") or announced["name"]
                shared.append(
                    {
                        "id": announced["id"],
                        "name": announced["name"],
                        "title": title,
                        "url": f"{self._base_url()}playground/files/{announced['id']}",
                    }
                )
            if channel:
                resolved = self.ws.resolve_channel(str(channel))
                if resolved is None:
                    return {"ok": False, "error": "channel_not_found"}
                self.ws.add_message(
                    Message(
                        channel=resolved,
                        ts=self.ws.new_ts(),
                        text=str(params.get("initial_comment") or ""),
                        bot=True,
                        thread_ts=params.get("thread_ts") or None,
                        files=shared,
                    )
                )
        return {"ok": True, "files": [{"id": f["id"], "title": f["title"]} for f in shared]}


def _bind(
    method: Callable[[Workspace, dict[str, Any]], Answer], workspace: Workspace
) -> Callable[[dict[str, Any]], Answer]:
    return lambda params: method(workspace, params)


def _view(params: dict[str, Any]) -> dict[str, Any]:
    view = params.get("view")
    return dict(view) if isinstance(view, dict) else {}
