"""`/ops roles` (who has which opsbot role; admins grant and revoke) and `/ops audit` (the
latest settings and role changes, admins only): parsing and answers (pure)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.slack.mrkdwn import escape
from bot.workspace.roles import Grant

MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
ROLES_HELP = (
    "`/ops roles` lists who has which role; admins use "
    "`/ops roles grant @person reviewer|release-manager|admin` and "
    "`/ops roles revoke @person reviewer|release-manager|admin`."
)


@dataclass(frozen=True)
class RoleChange:
    grant: bool
    user_id: str
    role: Grant


class RolesInputError(ValueError):
    pass


def parse_role_change(args: Sequence[str]) -> RoleChange | None:
    """None for a plain listing; a change for `grant|revoke @person role`."""
    if not args:
        return None
    verb = args[0].lower()
    if verb not in {"grant", "revoke"} or len(args) != 3:
        raise RolesInputError(ROLES_HELP)
    mention = MENTION.fullmatch(args[1])
    roles = {g.value: g for g in Grant}
    if mention is None or args[2].lower() not in roles:
        raise RolesInputError(ROLES_HELP)
    return RoleChange(verb == "grant", mention.group(1), roles[args[2].lower()])


def roles_text(holders: Sequence[tuple[str, Grant]]) -> str:
    if not holders:
        return (
            "No roles are granted in opsbot yet: Slack's workspace admins are admins here, "
            "and people enrolled as PMs review feedback.\n" + ROLES_HELP
        )
    lines = [f"• <@{user_id}>: {role.value}" for user_id, role in holders[:100]]
    return "*Roles granted in opsbot* (plus Slack's own admins):\n" + "\n".join(lines)


def audit_text(entries: Sequence[tuple[datetime, str, str, str]]) -> str:
    """(when, who, action, target), newest first."""
    if not entries:
        return "No settings or roles have been changed yet."
    lines = [
        f"• <!date^{int(at.timestamp())}^{{date_short_pretty}} {{time}}|{at:%Y-%m-%d %H:%M} UTC> "
        f"<@{actor}> {escape(action)} `{escape(target)[:80]}`"
        for at, actor, action, target in entries[:40]
    ]
    return "*Latest changes* (`opsbot export --team T --all` has all of them):\n" + "\n".join(lines)
