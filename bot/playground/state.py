"""`GET /playground/state`: everything one person sees, as the page's JSON (API.md).

Ephemerals only for their recipient, DMs only for their members, the modal stack and Home tab
of that person only: the page shows what that person would see in Slack, nothing more.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from bot.playground.people import BOT_NAME, BOT_USER_ID, PEOPLE, TEAM_ID, TEAM_NAME, Person
from bot.playground.workspace import Conversation, Message, Workspace


def person_json(person: Person) -> dict[str, Any]:
    return {
        "id": person.id,
        "handle": person.handle,
        "real_name": person.real_name,
        "title": person.title,
        "tz": person.tz,
        "part": person.part.value,
        "is_admin": person.is_admin,
    }


def _message_json(message: Message, reply_counts: dict[str, int]) -> dict[str, Any]:
    return {
        "ts": message.ts,
        "user": BOT_USER_ID if message.bot else message.user,
        "bot": message.bot,
        "text": message.text,
        "blocks": message.blocks,
        "thread_ts": message.thread_ts,
        "reply_count": reply_counts.get(message.ts, 0),
        "reactions": [{"name": n, "users": list(u)} for n, u in message.reactions.items()],
        "ephemeral": message.ephemeral_for is not None,
        "edited": message.edited,
        "files": [
            {"name": f.get("name"), "title": f.get("title"), "url": f.get("url")}
            for f in message.files
        ],
    }


def _conversation_json(conversation: Conversation) -> dict[str, Any]:
    return {
        "id": conversation.id,
        "name": conversation.name,
        "kind": conversation.kind,
        "members": list(conversation.members),
        "purpose": conversation.purpose,
    }


def state_for(
    ws: Workspace, *, user: str, since: int | None, rituals: Sequence[dict[str, str]]
) -> dict[str, Any]:
    with ws.lock:
        if since is not None and since == ws.version:
            return {"version": ws.version, "unchanged": True}
        me = next(p for p in PEOPLE if p.id == user)
        visible = [c for c in ws.conversations.values() if c.kind == "channel" or user in c.members]
        messages: dict[str, list[dict[str, Any]]] = {}
        for conversation in visible:
            listed = [
                m for m in ws.messages.get(conversation.id, []) if m.ephemeral_for in (None, user)
            ]
            counts: dict[str, int] = {}
            for m in listed:
                if m.thread_ts and m.thread_ts != m.ts and not m.ephemeral_for:
                    counts[m.thread_ts] = counts.get(m.thread_ts, 0) + 1
            messages[conversation.id] = [_message_json(m, counts) for m in listed]
        return {
            "version": ws.version,
            "now": ws.now().isoformat(),
            "team": {
                "id": TEAM_ID,
                "name": TEAM_NAME,
                "bot_user_id": BOT_USER_ID,
                "bot_name": BOT_NAME,
            },
            "me": person_json(me),
            "users": [person_json(p) for p in PEOPLE],
            "conversations": [_conversation_json(c) for c in visible],
            "messages": messages,
            # Copies: the page's JSON is written after the lock is let go.
            "views": copy.deepcopy(ws.views.get(user, [])),
            "home": copy.deepcopy(ws.homes.get(user)),
            "notices": [{"at": n.at, "text": n.text, "raw": n.raw} for n in ws.notices],
            "rituals": list(rituals),
        }
