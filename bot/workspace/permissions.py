"""The one place that decides who may do what (bot/workspace/roles.py holds the rules).

Decisions read only the database (safe before a Slack ack): the stored person (Slack's admin
flag as last refreshed, their PM enrolment) and the roles granted in opsbot. Every grant and
revocation is written to the audit log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from bot.db import Sessions, read_only
from bot.errors import UserFacingError
from bot.workspace import queries
from bot.workspace.models import Role, RoleGrant
from bot.workspace.roles import Grant, Permission, Standing, who_may
from bot.workspace.service import WorkspaceService


class NotAllowedError(UserFacingError):
    def __init__(self, permission: Permission) -> None:
        super().__init__(
            f"Only {who_may(permission)} can {permission.value}. "
            "Ask a workspace admin (`/ops roles` lists who has which role)."
        )
        self.permission = permission


@dataclass(frozen=True)
class RoleHolder:
    user_id: str
    role: Grant
    granted_by: str
    granted_at: datetime


class Permissions:
    def __init__(
        self,
        *,
        sessions: Sessions,
        workspaces: WorkspaceService,
        is_pm: Callable[[str, str], bool] | None = None,
    ) -> None:
        self._sessions = sessions
        self._reads = read_only(sessions)
        self._workspaces = workspaces
        self._is_pm = is_pm

    def standing(self, *, team_id: str, user_id: str) -> Standing:
        with self._reads() as session:
            person = queries.get_person(session, team_id, user_id)
            grants = frozenset(
                Grant(role)
                for role in queries.grants_of(session, team_id, user_id)
                if role in {g.value for g in Grant}
            )
        pm = bool(person and person.role == Role.PM.value)
        if not pm and self._is_pm is not None:
            pm = self._is_pm(team_id, user_id)
        return Standing(slack_admin=bool(person and person.is_admin), is_pm=pm, grants=grants)

    def allows(self, *, team_id: str, user_id: str, permission: Permission) -> bool:
        return self.standing(team_id=team_id, user_id=user_id).allows(permission)

    def require(self, *, team_id: str, user_id: str, permission: Permission) -> None:
        """Raises `NotAllowedError` (told to the person privately) when not allowed."""
        if not self.allows(team_id=team_id, user_id=user_id, permission=permission):
            raise NotAllowedError(permission)

    def grant(self, *, team_id: str, actor: str, user_id: str, role: Grant, now: datetime) -> bool:
        """Grants a role (admins only); False when the person already had it. Audited."""
        self.require(team_id=team_id, user_id=actor, permission=Permission.MANAGE_ROLES)
        self._workspaces.ensure_workspace(team_id=team_id, now=now)
        try:
            with self._sessions.begin() as session:
                if queries.has_grant(session, team_id, user_id, role.value):
                    return False
                session.add(
                    RoleGrant(
                        team_id=team_id,
                        user_id=user_id,
                        role=role.value,
                        granted_by=actor,
                        granted_at=now,
                    )
                )
        except IntegrityError:
            return False  # granted at the same moment by someone else
        self._workspaces.record_audit(
            team_id=team_id,
            actor=actor,
            action="role.granted",
            target=f"{user_id}:{role.value}",
            before=None,
            after={"user": user_id, "role": role.value},
            now=now,
        )
        return True

    def revoke(self, *, team_id: str, actor: str, user_id: str, role: Grant, now: datetime) -> bool:
        """Revokes a role granted in opsbot (admins only); False when there was none. Audited.
        Slack's own admin flag is Slack's to change."""
        self.require(team_id=team_id, user_id=actor, permission=Permission.MANAGE_ROLES)
        with self._sessions.begin() as session:
            result = session.execute(
                delete(RoleGrant).where(
                    RoleGrant.team_id == team_id,
                    RoleGrant.user_id == user_id,
                    RoleGrant.role == role.value,
                )
            )
            removed = bool(getattr(result, "rowcount", 0))
        if removed:
            self._workspaces.record_audit(
                team_id=team_id,
                actor=actor,
                action="role.revoked",
                target=f"{user_id}:{role.value}",
                before={"user": user_id, "role": role.value},
                after=None,
                now=now,
            )
        return removed

    def holders(self, *, team_id: str) -> list[RoleHolder]:
        with self._reads() as session:
            return [
                RoleHolder(row.user_id, Grant(row.role), row.granted_by, row.granted_at)
                for row in queries.all_grants(session, team_id)
                if row.role in {g.value for g in Grant}
            ]
