"""Use cases on workspaces and people: the first thing every request and job touches."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.exc import IntegrityError

from bot.db import Sessions, read_only
from bot.security.sealed_settings import mask_secrets, open_secrets, rotate_secrets, seal_secrets
from bot.security.secret_box import SecretBox
from bot.workspace import queries
from bot.workspace.models import (
    AuditEntry,
    Person,
    ProcessedEvent,
    Role,
    Workspace,
    WorkspaceSetting,
)
from bot.workspace.roles import Grant, Standing

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SlackUser:
    """What opsbot keeps of a Slack `users.info` answer."""

    user_id: str
    display_name: str
    time_zone: str
    is_admin: bool

    @classmethod
    def from_api(cls, user: dict[str, Any]) -> SlackUser:
        profile = user.get("profile") or {}
        name = profile.get("display_name") or user.get("real_name") or user.get("name") or ""
        return cls(
            user_id=user["id"],
            display_name=name,
            time_zone=valid_time_zone(user.get("tz")) or "UTC",
            is_admin=bool(user.get("is_admin") or user.get("is_owner")),
        )


def valid_time_zone(name: str | None) -> str | None:
    if not name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


@dataclass(frozen=True)
class AuditRecord:
    actor: str
    action: str
    target: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    at: datetime


class WorkspaceService:
    def __init__(self, *, sessions: Sessions, default_time_zone: str, secrets: SecretBox) -> None:
        self._sessions = sessions
        self._secrets = secrets
        self._reads = read_only(sessions)
        self._default_time_zone = default_time_zone
        self._known_teams: set[str] = set()
        self._known_lock = threading.Lock()

    def ensure_workspace(self, *, team_id: str, now: datetime, name: str = "") -> None:
        """Creates the workspace row the first time a team is seen (cached afterwards)."""
        if team_id in self._known_teams:
            return
        with self._reads() as session:  # a read first: no write lock for a known team
            known = queries.get_workspace(session, team_id) is not None
        if known:
            with self._known_lock:
                self._known_teams.add(team_id)
            return
        try:
            with self._sessions.begin() as session:
                if queries.get_workspace(session, team_id) is None:
                    session.add(
                        Workspace(
                            team_id=team_id,
                            name=name,
                            time_zone=self._default_time_zone,
                            created_at=now,
                        )
                    )
        except IntegrityError:
            pass  # another request created it at the same moment
        with self._known_lock:
            self._known_teams.add(team_id)

    def event_seen(self, *, team_id: str, event_id: str) -> bool:
        """Whether this Slack event id was recorded already (a read: takes no write lock)."""
        with self._reads() as session:
            return session.get(ProcessedEvent, (team_id, event_id)) is not None

    def mark_event_processed(self, *, team_id: str, event_id: str, now: datetime) -> bool:
        """Records a Slack event id. Returns False when it was already recorded (a retry)."""
        try:
            with self._sessions.begin() as session:
                session.add(ProcessedEvent(team_id=team_id, event_id=event_id, received_at=now))
        except IntegrityError:
            return False
        return True

    def prune_processed_events(self, *, now: datetime, keep: timedelta = timedelta(days=2)) -> int:
        """Slack retries for at most about 5 minutes; older ids only take space."""
        with self._sessions.begin() as session:
            return queries.delete_processed_events_before(session, now - keep)

    def remember_person(self, *, team_id: str, user: SlackUser, now: datetime) -> None:
        """Upserts a person with their Slack time zone and admin flag (side effect: one write)."""
        self.ensure_workspace(team_id=team_id, now=now)
        with self._sessions.begin() as session:
            person = queries.get_person(session, team_id, user.user_id)
            if person is None:
                person = Person(team_id=team_id, user_id=user.user_id, role=Role.OTHER.value)
                session.add(person)
            person.display_name = user.display_name
            person.time_zone = user.time_zone
            # Slack's flag, mirrored: a demotion in Slack is a demotion here. Admins granted in
            # opsbot are kept apart (role_grants), so a refresh never removes them.
            person.is_admin = user.is_admin
            person.updated_at = now

    def is_admin(self, *, team_id: str, user_id: str) -> bool:
        return bool(self.stored_admin_flag(team_id=team_id, user_id=user_id))

    def stored_admin_flag(self, *, team_id: str, user_id: str) -> bool | None:
        """Whether the person is an admin (Slack's flag or an opsbot admin grant), or None when
        opsbot never saw them and granted them nothing (database only)."""
        with self._reads() as session:
            person = queries.get_person(session, team_id, user_id)
            granted = queries.has_grant(session, team_id, user_id, Grant.ADMIN.value)
            if person is None and not granted:
                return None
            # The rule itself lives in bot/workspace/roles.py, with every other role rule.
            standing = Standing(
                slack_admin=bool(person and person.is_admin),
                grants=frozenset({Grant.ADMIN}) if granted else frozenset(),
            )
            return standing.is_admin

    def known_time_zone(self, *, team_id: str) -> str | None:
        """The workspace's time zone, or None when opsbot has never seen the workspace."""
        with self._reads() as session:
            workspace = queries.get_workspace(session, team_id)
            return workspace.time_zone if workspace else None

    def time_zone(self, *, team_id: str) -> str:
        with self._reads() as session:
            workspace = queries.get_workspace(session, team_id)
            return workspace.time_zone if workspace else self._default_time_zone

    def get_setting(self, *, team_id: str, key: str) -> dict[str, Any] | None:
        """A setting with its secrets opened (they are stored encrypted)."""
        with self._reads() as session:
            value = queries.get_setting(session, team_id, key)
        return open_secrets(value, self._secrets) if value is not None else None

    def set_setting(
        self, *, team_id: str, key: str, value: dict[str, Any], user_id: str, now: datetime
    ) -> None:
        """Saves a setting with its secrets encrypted, and writes who changed what (before →
        after, secrets masked) to the audit log in the same transaction."""
        self.ensure_workspace(team_id=team_id, now=now)
        sealed = seal_secrets(value, self._secrets)
        with self._sessions.begin() as session:
            row = session.get(WorkspaceSetting, (team_id, key))
            before = dict(row.value) if row is not None else None
            if row is None:
                session.add(
                    WorkspaceSetting(
                        team_id=team_id, key=key, value=sealed, updated_at=now, updated_by=user_id
                    )
                )
            else:
                row.value, row.updated_at, row.updated_by = sealed, now, user_id
            session.add(
                AuditEntry(
                    team_id=team_id,
                    actor=user_id,
                    action="setting.changed",
                    target=key,
                    before=mask_secrets(before),
                    after=mask_secrets(sealed),
                    at=now,
                )
            )

    def record_audit(
        self,
        *,
        team_id: str,
        actor: str,
        action: str,
        target: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        now: datetime,
    ) -> None:
        """Writes one audit entry (role grants, and anything else a person changes)."""
        with self._sessions.begin() as session:
            session.add(
                AuditEntry(
                    team_id=team_id,
                    actor=actor,
                    action=action,
                    target=target[:128],
                    before=mask_secrets(before),
                    after=mask_secrets(after),
                    at=now,
                )
            )

    def audit_log(self, *, team_id: str, limit: int = 100) -> list[AuditRecord]:
        """The workspace's latest audit entries, newest first."""
        with self._reads() as session:
            rows = queries.audit_entries(session, team_id, limit)
            return [
                AuditRecord(
                    actor=row.actor,
                    action=row.action,
                    target=row.target,
                    before=row.before,
                    after=row.after,
                    at=row.at,
                )
                for row in rows
            ]

    def rotate_secrets(self, *, now: datetime) -> int:
        """Re-encrypts every stored setting with the first configured key; returns how many."""
        changed = 0
        with self._sessions.begin() as session:
            for row in queries.all_settings(session):
                rotated = rotate_secrets(dict(row.value), self._secrets)
                if rotated != row.value:
                    row.value, row.updated_at = rotated, now
                    changed += 1
        return changed
