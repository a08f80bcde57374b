"""What every buddy flow shares: the injected services, the workspace setting (monthly call
target), the admin check, and re-reading people from Slack (who left, their time zone).

Slack reads happen before a transaction, never inside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.db import Sessions
from bot.errors import NotAdminError
from bot.rituals.buddies import queries
from bot.rituals.buddies.domain import BuddyError, Group
from bot.rituals.buddies.metrics import BuddyMetrics
from bot.rituals.buddies.models import BuddyMember
from bot.rituals.buddies.options import SETTING_KEY, BuddiesOptions
from bot.rituals.buddies.slack_io import SlackPeople
from bot.workspace.permissions import Permissions
from bot.workspace.roles import Permission
from bot.workspace.service import WorkspaceService

REFRESH_AFTER = timedelta(days=1)  # person records older than this are re-read before pairing


class BuddyCore:
    def __init__(
        self,
        *,
        sessions: Sessions,
        workspaces: WorkspaceService,
        permissions: Permissions,
        people: SlackPeople,
        metrics: BuddyMetrics,
        options: BuddiesOptions,
    ) -> None:
        self._sessions = sessions
        self._workspaces = workspaces
        self._permissions = permissions
        self._people = people
        self._metrics = metrics
        self._options = options

    # ---- settings ------------------------------------------------------------------------
    def calls_target(self, *, team_id: str) -> int:
        """The workspace's monthly target per PM (its own setting, else the default)."""
        value = self._workspaces.get_setting(team_id=team_id, key=SETTING_KEY) or {}
        target = value.get("calls_target")
        return int(target) if isinstance(target, int) else self._options.calls_target

    def set_calls_target(self, *, team_id: str, user_id: str, target: int, now: datetime) -> None:
        """Admins only. Side effect: the workspace setting `buddies`."""
        self._require_admin(team_id, user_id, "change the buddy call target", now)
        value = dict(self._workspaces.get_setting(team_id=team_id, key=SETTING_KEY) or {})
        value["calls_target"] = target
        self._workspaces.set_setting(
            team_id=team_id, key=SETTING_KEY, value=value, user_id=user_id, now=now
        )

    # ---- internals -----------------------------------------------------------------------
    def _require_admin(self, team_id: str, user_id: str, what: str, now: datetime) -> None:
        """Permissions decide (the one place that does); someone opsbot never saw is first read
        from Slack (users.info: this runs after the ack), so a new admin is not refused."""
        if self._workspaces.stored_admin_flag(team_id=team_id, user_id=user_id) is None:
            self.refresh_person(team_id=team_id, user_id=user_id, now=now)
        if not self._permissions.allows(
            team_id=team_id, user_id=user_id, permission=Permission.CHANGE_SETTINGS
        ):
            raise NotAdminError(what)

    def refresh_person(self, *, team_id: str, user_id: str, now: datetime) -> str:
        """Re-reads a person from Slack; returns their time zone. Refuses people who left."""
        person = self._people.person(team_id, user_id)
        if person.deleted:
            self._mark_departed(team_id, [user_id], now)
            raise BuddyError(f"<@{user_id}> has left the workspace.")
        self._workspaces.remember_person(team_id=team_id, user=person.user, now=now)
        return person.user.time_zone

    def _refresh_all(
        self, team_id: str, user_ids: Sequence[str], now: datetime
    ) -> tuple[list[str], list[str]]:
        present: list[str] = []
        departed: list[str] = []
        for user_id in user_ids:
            person = self._people.person(team_id, user_id)
            if person.deleted:
                departed.append(user_id)
                continue
            self._workspaces.remember_person(team_id=team_id, user=person.user, now=now)
            present.append(user_id)
        self._mark_departed(team_id, departed, now)
        return present, departed

    def _refresh_stale_members(self, team_id: str, now: datetime) -> list[str]:
        """Members whose person record is older than a day are re-read (time zone, left Slack)
        from one paged `users.list`, not one `users.info` each: 5,000 people are 25 calls."""
        with self._sessions() as session:
            stale = {
                m.user_id
                for m in queries.members(session, team_id)
                if not m.departed and (m.seen_at is None or now - m.seen_at > REFRESH_AFTER)
            }
        if not stale:
            return []
        found = {
            p.user.user_id: p for p in self._people.everyone(team_id) if p.user.user_id in stale
        }
        # Someone absent from users.list (a Slack Connect guest) is kept as they are.
        departed = sorted(u for u, person in found.items() if person.deleted)
        for person in found.values():
            if not person.deleted:
                self._workspaces.remember_person(team_id=team_id, user=person.user, now=now)
        self._mark_departed(team_id, departed, now)
        return departed

    def _mark_departed(self, team_id: str, user_ids: Sequence[str], now: datetime) -> None:
        if not user_ids:
            return
        with self._sessions.begin() as session:
            for user_id in user_ids:
                row = queries.member(session, team_id, user_id)
                if row is not None and row.departed_at is None:
                    row.departed_at = now
                    row.updated_at = now

    def _enrol(
        self, session: Session, team_id: str, user_id: str, group: Group, by: str, now: datetime
    ) -> None:
        row = queries.member(session, team_id, user_id)
        if row is None:
            row = BuddyMember(
                team_id=team_id, user_id=user_id, joined_at=now, group_name=group.value
            )
            session.add(row)
        row.group_name = group.value
        row.active = True
        row.departed_at = None
        row.snoozed_until = None
        row.added_by = by
        row.updated_at = now
