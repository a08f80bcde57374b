"""Enrolment and people: join, leave, snooze, admins adding and removing people, `/buddy`
status, and the time zones and admins that jobs read."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from bot.rituals.buddies import queries
from bot.rituals.buddies.domain import BuddyError, Group, month_of
from bot.rituals.buddies.flows.base import BuddyCore
from bot.rituals.buddies.records import call_view
from bot.rituals.buddies.views import EnrolResult, Progress, StatusView


class PeopleFlow(BuddyCore):
    def join(self, *, team_id: str, user_id: str, group: Group, now: datetime) -> Group:
        """Enrols the person (time zone read from Slack). Joining twice is refused."""
        self.refresh_person(team_id=team_id, user_id=user_id, now=now)
        with self._sessions.begin() as session:
            row = queries.member(session, team_id, user_id)
            if row is not None and row.active:
                current = Group(row.group_name)
                if current is group:
                    raise BuddyError(f"You're already in the {group.label} group.")
                raise BuddyError(
                    f"You're in the {current.label} group; `/buddy leave` first to switch."
                )
            self._enrol(session, team_id, user_id, group, user_id, now)
        return group

    def leave(self, *, team_id: str, user_id: str, now: datetime) -> None:
        with self._sessions.begin() as session:
            row = queries.member(session, team_id, user_id)
            if row is None or not row.active:
                raise BuddyError("You're not in the buddy programme (`/buddy join pm|sales`).")
            row.active = False
            row.updated_at = now

    def snooze(self, *, team_id: str, user_id: str, until: date | None, now: datetime) -> None:
        """`until` None ends a snooze. Snoozed people are left out of pairing until then."""
        with self._sessions.begin() as session:
            row = queries.member(session, team_id, user_id)
            if row is None or not row.active:
                raise BuddyError("You're not in the buddy programme (`/buddy join pm|sales`).")
            row.snoozed_until = until
            row.updated_at = now

    def add(
        self,
        *,
        team_id: str,
        admin_id: str,
        group: Group,
        user_ids: Sequence[str] = (),
        usergroup_id: str | None = None,
        channel_id: str | None = None,
        now: datetime,
    ) -> EnrolResult:
        """Admins enrol people, a user group or a channel's members. Bots and people who left
        Slack are skipped (listed in `departed`); nothing is written when the check fails."""
        self._require_admin(team_id, admin_id, "add people to the buddy programme", now)
        wanted = list(dict.fromkeys(user_ids))
        if usergroup_id:
            wanted += self._people.usergroup_members(team_id, usergroup_id)
        if channel_id:
            wanted += self._people.channel_members(team_id, channel_id)
        wanted = list(dict.fromkeys(wanted))
        if not wanted:
            raise BuddyError("Nobody to add: that group or channel has no members I can see.")
        present, departed = self._refresh_all(team_id, wanted, now)
        changed: list[str] = []
        unchanged: list[str] = []
        with self._sessions.begin() as session:
            for user_id in present:
                row = queries.member(session, team_id, user_id)
                if row is not None and row.active and row.group_name == group.value:
                    unchanged.append(user_id)
                    continue
                self._enrol(session, team_id, user_id, group, admin_id, now)
                changed.append(user_id)
        return EnrolResult(changed=changed, unchanged=unchanged, departed=departed)

    def remove(
        self, *, team_id: str, admin_id: str, user_ids: Sequence[str], now: datetime
    ) -> EnrolResult:
        self._require_admin(team_id, admin_id, "remove people from the buddy programme", now)
        changed: list[str] = []
        unchanged: list[str] = []
        with self._sessions.begin() as session:
            for user_id in dict.fromkeys(user_ids):
                row = queries.member(session, team_id, user_id)
                if row is None or not row.active:
                    unchanged.append(user_id)
                    continue
                row.active = False
                row.updated_at = now
                changed.append(user_id)
        return EnrolResult(changed=changed, unchanged=unchanged)

    def status(self, *, team_id: str, user_id: str, now: datetime) -> StatusView:
        """`/buddy` alone and the App Home: my group, my buddy, my upcoming calls, my progress."""
        target = self.calls_target(team_id=team_id)
        with self._sessions() as session:
            row = queries.member(session, team_id, user_id)
            group = Group(row.group_name) if row else None
            pairs = queries.current_pair_for(session, team_id, user_id)
            buddies = [p.pm_user_id if p.rep_user_id == user_id else p.rep_user_id for p in pairs]
            upcoming = [
                call_view(c) for c in queries.upcoming_for(session, team_id, user_id, now, 5)
            ]
            progress = None
            if group is Group.PM:
                start, end = month_of(now)
                joined = queries.joined_between(session, team_id, start, end).get(user_id, 0)
                progress = Progress(joined=joined, target=target)
            return StatusView(
                user_id=user_id,
                group=group,
                active=bool(row and row.active),
                snoozed_until=(
                    row.snoozed_until.isoformat() if row and row.snoozed_until else None
                ),
                buddies=buddies,
                upcoming=upcoming,
                progress=progress,
            )

    def departed_members(self, *, team_id: str) -> list[str]:
        with self._sessions() as session:
            return [
                m.user_id
                for m in queries.members(session, team_id, active_only=False)
                if m.departed
            ]

    def workspace_admins(self, *, team_id: str) -> list[str]:
        with self._sessions() as session:
            return queries.admins(session, team_id)

    def time_zone_of(self, *, team_id: str, user_id: str) -> str:
        return self.time_zones(team_id=team_id, user_ids=[user_id])[user_id]

    def time_zones(self, *, team_id: str, user_ids: Sequence[str]) -> dict[str, str]:
        with self._sessions() as session:
            found = queries.time_zones(session, team_id, list(user_ids))
        return {user_id: found.get(user_id, "UTC") for user_id in user_ids}
