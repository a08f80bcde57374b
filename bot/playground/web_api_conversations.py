"""Web API methods that read the directory and conversations, and the bot's reactions.

People come from people.py (the one definition); history answers newest first and only top-level
messages, replies oldest first, as Slack's. Ephemeral messages never appear in either.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.playground.people import BOT_NAME, BOT_USER_ID, PEOPLE, TEAM_ID, Person
from bot.playground.workspace import Conversation, Message, Workspace

Answer = dict[str, Any]


def slack_user(person: Person) -> dict[str, Any]:
    """users.info's `user` for one seeded person."""
    first = person.real_name.split(" ")[0]
    return {
        "id": person.id,
        "team_id": TEAM_ID,
        "name": person.handle,
        "real_name": person.real_name,
        "tz": person.tz,
        "is_admin": person.is_admin,
        "is_owner": person.is_admin,
        "is_bot": False,
        "deleted": False,
        "profile": {
            "display_name": person.handle,
            "real_name": person.real_name,
            "first_name": first,
            "title": person.title,
        },
    }


def _bot_user() -> dict[str, Any]:
    return {
        "id": BOT_USER_ID,
        "team_id": TEAM_ID,
        "name": BOT_NAME,
        "real_name": BOT_NAME,
        "is_bot": True,
        "deleted": False,
        "tz": "UTC",
        "profile": {"display_name": BOT_NAME, "real_name": BOT_NAME},
    }


def users_info(ws: Workspace, params: dict[str, Any]) -> Answer:
    user = str(params.get("user") or "")
    if user == BOT_USER_ID:
        return {"ok": True, "user": _bot_user()}
    for person in PEOPLE:
        if person.id == user:
            return {"ok": True, "user": slack_user(person)}
    return {"ok": False, "error": "user_not_found"}


def users_list(ws: Workspace, params: dict[str, Any]) -> Answer:
    members = [slack_user(p) for p in PEOPLE] + [_bot_user()]
    return {"ok": True, "members": members, "response_metadata": {"next_cursor": ""}}


def _channel_info(conversation: Conversation) -> dict[str, Any]:
    kind = conversation.kind
    found: dict[str, Any] = {
        "id": conversation.id,
        "name": conversation.name,
        "is_channel": kind == "channel",
        "is_group": False,
        "is_im": kind == "im",
        "is_mpim": kind == "mpim",
        "is_private": kind != "channel",
        "is_archived": False,
        "is_member": BOT_USER_ID in conversation.members or kind == "channel",
        "is_ext_shared": False,
        "is_shared": False,
        "context_team_id": TEAM_ID,
        "num_members": len(conversation.members),
        "purpose": {"value": conversation.purpose},
    }
    if kind == "im":
        found["user"] = next(m for m in conversation.members if m != BOT_USER_ID)
    return found


def _conversation(ws: Workspace, params: dict[str, Any]) -> Conversation | None:
    channel = ws.resolve_channel(str(params.get("channel") or ""))
    return ws.conversations.get(channel) if channel else None


def conversations_info(ws: Workspace, params: dict[str, Any]) -> Answer:
    found = _conversation(ws, params)
    if found is None:
        return {"ok": False, "error": "channel_not_found"}
    return {"ok": True, "channel": _channel_info(found)}


def conversations_members(ws: Workspace, params: dict[str, Any]) -> Answer:
    found = _conversation(ws, params)
    if found is None:
        return {"ok": False, "error": "channel_not_found"}
    members = [m for m in found.members if m != BOT_USER_ID] + [BOT_USER_ID]
    return {"ok": True, "members": members, "response_metadata": {"next_cursor": ""}}


def conversations_open(ws: Workspace, params: dict[str, Any]) -> Answer:
    if params.get("channel"):
        found = _conversation(ws, params)
        if found is None:
            return {"ok": False, "error": "channel_not_found"}
        return {"ok": True, "channel": _channel_info(found)}
    users = [u.strip() for u in str(params.get("users") or "").split(",") if u.strip()]
    known = {p.id for p in PEOPLE}
    if not users:
        return {"ok": False, "error": "users_list_not_supplied"}
    if any(user not in known for user in users):
        return {"ok": False, "error": "user_not_found"}
    if len(users) > 8:
        return {"ok": False, "error": "too_many_users"}
    ident = ws.open_dm(users)
    return {"ok": True, "channel": {"id": ident}}


def conversations_list(ws: Workspace, params: dict[str, Any]) -> Answer:
    wanted = set(str(params.get("types") or "public_channel").split(","))
    kinds = {"public_channel": "channel", "im": "im", "mpim": "mpim"}
    allowed = {kinds[t] for t in wanted if t in kinds}
    with ws.lock:
        found = [_channel_info(c) for c in ws.conversations.values() if c.kind in allowed]
    return {"ok": True, "channels": found, "response_metadata": {"next_cursor": ""}}


def conversations_join(ws: Workspace, params: dict[str, Any]) -> Answer:
    found = _conversation(ws, params)
    if found is None:
        return {"ok": False, "error": "channel_not_found"}
    with ws.lock:
        if BOT_USER_ID not in found.members:
            found.members.append(BOT_USER_ID)
            ws.touch()
    return {"ok": True, "channel": _channel_info(found)}


def _visible(messages: list[Message]) -> list[Message]:
    return [m for m in messages if not m.ephemeral_for]


def conversations_history(ws: Workspace, params: dict[str, Any]) -> Answer:
    found = _conversation(ws, params)
    if found is None:
        return {"ok": False, "error": "channel_not_found"}
    latest = float(params.get("latest") or "inf")
    oldest = float(params.get("oldest") or 0)
    inclusive = str(params.get("inclusive") or "").lower() in {"1", "true"}
    limit = int(params.get("limit") or 100)
    with ws.lock:
        top = [
            m
            for m in _visible(ws.messages.get(found.id, []))
            if not m.thread_ts or m.thread_ts == m.ts
        ]

        def within(message: Message) -> bool:
            ts = float(message.ts)
            if inclusive:
                return oldest <= ts <= latest
            return oldest < ts < latest

        chosen = [m.as_slack() for m in reversed(top) if within(m)][:limit]
    return {"ok": True, "messages": chosen, "has_more": False}


def conversations_replies(ws: Workspace, params: dict[str, Any]) -> Answer:
    found = _conversation(ws, params)
    if found is None:
        return {"ok": False, "error": "channel_not_found"}
    ts = str(params.get("ts") or "")
    with ws.lock:
        parent = ws.find(found.id, ts)
        if parent is None:
            return {"ok": False, "error": "thread_not_found"}
        thread = [parent, *ws.replies(found.id, ts)]
        return {"ok": True, "messages": [m.as_slack() for m in thread], "has_more": False}


def _reaction(ws: Workspace, params: dict[str, Any], *, add: bool) -> Answer:
    found = _conversation(ws, params)
    if found is None:
        return {"ok": False, "error": "channel_not_found"}
    name = str(params.get("name") or "")
    with ws.lock:
        message = ws.find(found.id, str(params.get("timestamp") or ""))
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        users = message.reactions.setdefault(name, [])
        if add and BOT_USER_ID in users:
            return {"ok": False, "error": "already_reacted"}
        if not add and BOT_USER_ID not in users:
            return {"ok": False, "error": "no_reaction"}
        if add:
            users.append(BOT_USER_ID)
        else:
            users.remove(BOT_USER_ID)
            if not users:
                del message.reactions[name]
        ws.touch()
    return {"ok": True}


def reactions_add(ws: Workspace, params: dict[str, Any]) -> Answer:
    return _reaction(ws, params, add=True)


def reactions_remove(ws: Workspace, params: dict[str, Any]) -> Answer:
    return _reaction(ws, params, add=False)


def usergroups_users_list(ws: Workspace, params: dict[str, Any]) -> Answer:
    """The playground has no user groups: Slack answers this for an unknown group."""
    return {"ok": False, "error": "no_such_subteam"}


CONVERSATION_METHODS: dict[str, Callable[[Workspace, dict[str, Any]], Answer]] = {
    "users.info": users_info,
    "users.list": users_list,
    "conversations.info": conversations_info,
    "conversations.members": conversations_members,
    "conversations.open": conversations_open,
    "conversations.list": conversations_list,
    "conversations.join": conversations_join,
    "conversations.history": conversations_history,
    "conversations.replies": conversations_replies,
    "reactions.add": reactions_add,
    "reactions.remove": reactions_remove,
    "usergroups.users.list": usergroups_users_list,
}
