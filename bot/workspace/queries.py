"""Select-based queries on the shared tables. They never commit: the caller owns the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.workspace.models import (
    AuditEntry,
    Person,
    ProcessedEvent,
    RoleGrant,
    Workspace,
    WorkspaceSetting,
)


def get_workspace(session: Session, team_id: str) -> Workspace | None:
    return session.get(Workspace, team_id)


def get_person(session: Session, team_id: str, user_id: str) -> Person | None:
    return session.scalars(
        select(Person).where(Person.team_id == team_id, Person.user_id == user_id)
    ).one_or_none()


def get_setting(session: Session, team_id: str, key: str) -> dict[str, Any] | None:
    row = session.get(WorkspaceSetting, (team_id, key))
    return row.value if row else None


def delete_processed_events_before(session: Session, cutoff: Any) -> int:
    result = session.execute(delete(ProcessedEvent).where(ProcessedEvent.received_at < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)


def audit_entries(session: Session, team_id: str, limit: int) -> Sequence[AuditEntry]:
    return session.scalars(
        select(AuditEntry)
        .where(AuditEntry.team_id == team_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    ).all()


def all_settings(session: Session) -> Sequence[WorkspaceSetting]:
    """Every workspace's settings (secret rotation walks them all, one transaction)."""
    return session.scalars(select(WorkspaceSetting).with_for_update()).all()


def has_grant(session: Session, team_id: str, user_id: str, role: str) -> bool:
    found = session.scalar(
        select(RoleGrant.id).where(
            RoleGrant.team_id == team_id, RoleGrant.user_id == user_id, RoleGrant.role == role
        )
    )
    return found is not None


def grants_of(session: Session, team_id: str, user_id: str) -> Sequence[str]:
    return session.scalars(
        select(RoleGrant.role).where(RoleGrant.team_id == team_id, RoleGrant.user_id == user_id)
    ).all()


def all_grants(session: Session, team_id: str) -> Sequence[RoleGrant]:
    return session.scalars(
        select(RoleGrant).where(RoleGrant.team_id == team_id).order_by(RoleGrant.role, RoleGrant.id)
    ).all()
