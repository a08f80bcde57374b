"""Buddy use cases on people: enrolment, the monthly target, pairing a cycle and introducing it,
who left Slack, the status behind `/buddy` and App Home, the digest and export. Calls live in
`calls.py`.

Each public method is one unit of work (or none), takes `now` (aware UTC) and raises
`BuddyError` (shown privately) with nothing written when the request cannot be honoured.
Slack reads (users.info, group members) happen before the transaction, never inside it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db import Sessions
from bot.errors import NotAdminError
from bot.outbox import queries as outbox_queries
from bot.rituals.buddies import queries
from bot.rituals.buddies.domain import (
    BuddyError,
    CallStatus,
    Group,
    default_cycle,
    month_of,
)
from bot.rituals.buddies.export import export_calls
from bot.rituals.buddies.ids import BuddyRitual
from bot.rituals.buddies.metrics import BuddyMetrics
from bot.rituals.buddies.models import (
    BuddyMember,
    BuddyPair,
)
from bot.rituals.buddies.options import SETTING_KEY, BuddiesOptions
from bot.rituals.buddies.pairing import Person, pair, seed_for
from bot.rituals.buddies.records import call_view
from bot.rituals.buddies.slack_io import SlackPeople
from bot.rituals.buddies.views import (
    DigestView,
    EnrolResult,
    PairingResult,
    PairIntro,
    PmLine,
    Progress,
    StatusView,
)
from bot.workspace.admins import AdminGuard
from bot.workspace.service import WorkspaceService

logger = logging.getLogger(__name__)

REFRESH_AFTER = timedelta(days=1)  # person records older than this are re-read before pairing


class BuddyService:
    def __init__(
        self,
        *,
        sessions: Sessions,
        workspaces: WorkspaceService,
        admins: AdminGuard,
        people: SlackPeople,
        metrics: BuddyMetrics,
        options: BuddiesOptions,
    ) -> None:
        self._sessions = sessions
        self._workspaces = workspaces
        self._admins = admins
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
        self._require_admin(team_id, user_id, "change the buddy call target")
        value = dict(self._workspaces.get_setting(team_id=team_id, key=SETTING_KEY) or {})
        value["calls_target"] = target
        self._workspaces.set_setting(
            team_id=team_id, key=SETTING_KEY, value=value, user_id=user_id, now=now
        )

    # ---- enrolment -----------------------------------------------------------------------
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
        self._require_admin(team_id, admin_id, "add people to the buddy programme")
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
        self._require_admin(team_id, admin_id, "remove people from the buddy programme")
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

    # ---- pairing -------------------------------------------------------------------------
    def pair_cycle(
        self, *, team_id: str, cycle: str, now: datetime, seed: int | None = None
    ) -> PairingResult:
        """Pairs every available rep with a PM for `cycle`, once: a second run for the same
        cycle (another scheduler, a retry) returns the stored pairs. First re-reads people whose
        record is stale, so those who left Slack leave the pool. Side effects: pair rows,
        member rows of people who left."""
        with self._sessions() as session:
            existing = queries.pairs_of_cycle(session, team_id, cycle)
            if existing:
                return PairingResult(cycle, [_intro(p) for p in existing], created=False)
        departed = self._refresh_stale_members(team_id, now)
        today = now.date()
        with self._sessions() as session:
            members = [m for m in queries.members(session, team_id) if m.available(today)]
            cycles = queries.recent_cycles(session, team_id, self._options.avoid_cycles)
            recent = {(r, p) for r, p, _ in queries.pairs_in_cycles(session, team_id, cycles)}
        reps = [Person(m.user_id, m.time_zone) for m in members if m.group is Group.SALES]
        pms = [Person(m.user_id, m.time_zone) for m in members if m.group is Group.PM]
        started = time.perf_counter()
        pairings = pair(
            reps,
            pms,
            recent=recent,
            seed=seed_for(team_id, cycle) if seed is None else seed,
            on=today,
        )
        self._metrics.pairing_seconds.observe(time.perf_counter() - started)
        try:
            with self._sessions.begin() as session:
                rows = [
                    {
                        "team_id": team_id,
                        "cycle": cycle,
                        "rep_user_id": pairing.rep_user_id,
                        "pm_user_id": pairing.pm_user_id,
                        "shared_hours": pairing.shared_hours,
                        "created_at": now,
                    }
                    for pairing in pairings
                ]
                if rows:  # one executemany, not one ORM object per pair
                    session.execute(insert(BuddyPair), rows)
                met_before = queries.earlier_cycles_of(session, team_id, cycle)
                stored = queries.pairs_of_cycle(session, team_id, cycle)
                for row in stored:
                    row.last_together = met_before.get((row.rep_user_id, row.pm_user_id))
                intros = [_intro(row) for row in stored]
        except IntegrityError:
            # Another scheduler paired this cycle at the same moment: theirs stands.
            with self._sessions() as session:
                stored = queries.pairs_of_cycle(session, team_id, cycle)
            return PairingResult(cycle, [_intro(p) for p in stored], False, departed)
        repeats = sum(1 for p in pairings if p.repeat)
        self._metrics.pairs.labels("new").inc(len(pairings) - repeats)
        self._metrics.pairs.labels("repeat").inc(repeats)
        logger.info(
            "buddy pairing: team=%s cycle=%s pairs=%s repeats=%s",
            team_id,
            cycle,
            len(intros),
            repeats,
        )
        return PairingResult(cycle, intros, True, departed)

    def intro_state(self, *, team_id: str, cycle: str) -> tuple[list[PairIntro], set[str]]:
        """The cycle's pairs, and the group DMs whose introduction is already in the outbox."""
        with self._sessions() as session:
            pairs = [_intro(p) for p in queries.pairs_of_cycle(session, team_id, cycle)]
            known = [p.channel_id for p in pairs if p.channel_id]
            done = outbox_queries.channels_with_rows(
                session,
                team_id=team_id,
                ritual=BuddyRitual.PAIRING.value,
                period=cycle,
                channel_ids=known,
            )
        return pairs, done

    def remember_channel(self, *, team_id: str, pair_id: int, channel_id: str) -> None:
        with self._sessions.begin() as session:
            row = queries.pair(session, team_id, pair_id)
            if row is not None:
                row.channel_id = channel_id

    def recent_cycles(self, *, now: datetime) -> list[tuple[str, str]]:
        """(team, newest cycle) for workspaces paired in the last month: intros still due."""
        with self._sessions() as session:
            return queries.newest_cycles_since(session, now - timedelta(days=31))

    def default_cycles(self, *, now: datetime) -> list[tuple[str, str]]:
        """(team, cycle) for workspaces with members that scheduled no `buddy-pairing`: the
        default monthly cycle (`2026-11`), paired once by the sweep."""
        with self._sessions() as session:
            teams = [
                team_id
                for team_id in queries.team_ids(session)
                if not queries.has_schedule(session, team_id, BuddyRitual.PAIRING.value)
            ]
        due = [
            (team_id, default_cycle(now, self._workspaces.time_zone(team_id=team_id)))
            for team_id in teams
        ]
        return [(team_id, cycle) for team_id, cycle in due if cycle is not None]

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

    # ---- digest, export ------------------------------------------------------------------
    def digest(self, *, team_id: str, now: datetime) -> DigestView:
        """The month just ended when run in a month's first week, else the month so far."""
        reference = now - timedelta(days=7) if now.day <= 7 else now
        start, end = month_of(reference)
        target = self.calls_target(team_id=team_id)
        with self._sessions() as session:
            calls = queries.calls_between(session, team_id, start, end)
            joined = queries.joined_between(session, team_id, start, end)
            pms = [m.user_id for m in queries.members(session, team_id) if m.group is Group.PM]
            takeaways = queries.takeaway_counts(session, team_id, [c.id for c in calls])
            live = [c for c in calls if c.status != CallStatus.CANCELLED.value]
            return DigestView(
                month=f"{start:%B %Y}",
                pms=sorted(
                    (PmLine(pm, joined.get(pm, 0), target) for pm in set(pms) | set(joined)),
                    key=lambda line: (-line.joined, line.user_id),
                ),
                reps_taking_part=len({c.rep_user_id for c in live}),
                accounts=sorted({c.account_name for c in live}, key=str.lower),
                takeaways=sum(takeaways.values()),
                calls_shared=len(live),
                unjoined=[
                    call_view(c) for c in live if c.owner_user_id is None and c.starts_at <= now
                ],
            )

    def export(self, *, team_id: str, fmt: str, since: datetime | None) -> Iterator[str]:
        """Every call (CSV or JSON) with who joined and its takeaways' feedback ids."""
        return export_calls(self._sessions, team_id=team_id, fmt=fmt, since=since)

    # ---- internals -----------------------------------------------------------------------
    def _require_admin(self, team_id: str, user_id: str, what: str) -> None:
        if not self._admins.is_admin(team_id=team_id, user_id=user_id):
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


def _intro(row: BuddyPair) -> PairIntro:
    return PairIntro(
        cycle=row.cycle,
        rep_user_id=row.rep_user_id,
        pm_user_id=row.pm_user_id,
        shared_hours=row.shared_hours,
        last_together=row.last_together,
        pair_id=row.id,
        channel_id=row.channel_id,
    )
