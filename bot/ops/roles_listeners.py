"""`/ops roles` and `/ops audit`: ack at once, answer privately after the ack."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.ops.domain import parse_ops_command
from bot.ops.ids import OpsIds
from bot.ops.roles import RolesInputError, audit_text, parse_role_change, roles_text
from bot.slack.listen import AfterAck
from bot.workspace.permissions import Permissions
from bot.workspace.roles import Permission
from bot.workspace.service import WorkspaceService


def _is(word: str) -> Callable[[dict[str, Any]], bool]:
    def matches(command: dict[str, Any]) -> bool:
        return parse_ops_command(command.get("text", "")).name == word

    return matches


def register(
    app: App,
    *,
    permissions: Permissions,
    workspaces: WorkspaceService,
    after_ack: AfterAck,
    clock: Callable[[], datetime],
) -> None:
    @app.command(OpsIds.COMMAND.value, matchers=[_is("roles")])
    def on_roles(ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        team_id, user_id = command["team_id"], command["user_id"]

        def answer() -> None:
            try:
                change = parse_role_change(parse_ops_command(command.get("text", "")).args)
            except RolesInputError as error:
                respond(text=str(error), response_type="ephemeral")
                return
            if change is not None:
                act = permissions.grant if change.grant else permissions.revoke
                done = act(
                    team_id=team_id,
                    actor=user_id,
                    user_id=change.user_id,
                    role=change.role,
                    now=clock(),
                )
                verb = "granted to" if change.grant else "revoked from"
                outcome = "" if done else " (nothing changed)"
                respond(
                    text=f":white_check_mark: {change.role.value} {verb} <@{change.user_id}>"
                    f"{outcome}.",
                    response_type="ephemeral",
                )
                return
            holders = [(h.user_id, h.role) for h in permissions.holders(team_id=team_id)]
            respond(text=roles_text(holders), response_type="ephemeral")

        after_ack.ack_then(ack, command, client, answer)

    @app.command(OpsIds.COMMAND.value, matchers=[_is("audit")])
    def on_audit(ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        team_id, user_id = command["team_id"], command["user_id"]

        def answer() -> None:
            permissions.require(team_id=team_id, user_id=user_id, permission=Permission.READ_AUDIT)
            entries = [
                (entry.at, entry.actor, entry.action, entry.target)
                for entry in workspaces.audit_log(team_id=team_id, limit=40)
            ]
            respond(text=audit_text(entries), response_type="ephemeral")

        after_ack.ack_then(ack, command, client, answer)
