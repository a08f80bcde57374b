"""Buddy use cases: enrolment, pairing a cycle, sharing and claiming calls, what each reminder
run owes people, takeaways, the digest, App Home and export.

Each public method is one unit of work (or none), takes `now` (aware UTC) and raises
`BuddyError` (shown privately) with nothing written when the request cannot be honoured.
Slack reads (users.info, group members) happen before the transaction, never inside it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db import Sessions
from bot.errors import NotAdminError
from bot.outbox import queries as outbox_queries
from bot.rituals.buddies import queries
from bot.rituals.buddies.domain import (
    OFFER_BEFORE,
    BuddyError,
    CallDraft,
    CallOutcome,
    CallStatus,
    Group,
    clean_call,
    default_cycle,
    has_room,
    month_of,
    offer_due,
)
from bot.rituals.buddies.export import export_calls
from bot.rituals.buddies.ids import BuddyRitual
from bot.rituals.buddies.metrics import BuddyMetrics
from bot.rituals.buddies.models import (
    BuddyCall,
    BuddyDecline,
    BuddyMember,
    BuddyPair,
    BuddyTakeaway,
)
from bot.rituals.buddies.options import SETTING_KEY, BuddiesOptions
from bot.rituals.buddies.pairing import Person, pair, seed_for
from bot.rituals.buddies.slack_io import SlackPeople
from bot.rituals.buddies.views import (
    CallView,
    ClaimResult,
    DeclineResult,
    DigestView,
    EnrolResult,
    PairingResult,
    PairIntro,
    PmLine,
    Progress,
    StatusView,
)
from bot.rituals.feedback.domain import FeedbackDraft, Source
from bot.rituals.feedback.service import FeedbackService
from bot.workspace.admins import AdminGuard
from bot.workspace.service import WorkspaceService

logger = logging.getLogger(__name__)

REFRESH_AFTER = timedelta(days=1)  # person records older than this are re-read before pairing


@dataclass(frozen=True)
class TakeawayForm:
    call: CallView
    areas: list[str]


class BuddyService:
    def __init__(
        self,
        *,
        sessions: Sessions,
        workspaces: WorkspaceService,
        admins: AdminGuard,
        people: SlackPeople,
        feedback: FeedbackService,
        metrics: BuddyMetrics,
        options: BuddiesOptions,
    ) -> None:
        self._sessions = sessions
        self._workspaces = workspaces
        self._admins = admins
        self._people = people
        self._feedback = feedback
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
        self._refresh(team_id, user_id, now)
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
            wanted += self._people.usergroup_members(usergroup_id)
        if channel_id:
            wanted += self._people.channel_members(channel_id)
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
                _call_view(c) for c in queries.upcoming_for(session, team_id, user_id, now, 5)
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
                rows: list[BuddyPair] = []
                last_cycle = queries.last_cycle_of_pairs(session, team_id)
                for pairing in pairings:
                    last = last_cycle.get((pairing.rep_user_id, pairing.pm_user_id))
                    rows.append(
                        BuddyPair(
                            team_id=team_id,
                            cycle=cycle,
                            rep_user_id=pairing.rep_user_id,
                            pm_user_id=pairing.pm_user_id,
                            shared_hours=pairing.shared_hours,
                            last_together=last,
                            created_at=now,
                        )
                    )
                session.add_all(rows)
                session.flush()
                intros = [_intro(row) for row in rows]
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

    # ---- calls ---------------------------------------------------------------------------
    def call_form(self, *, team_id: str, user_id: str, now: datetime) -> str:
        """The rep's time zone for the `/buddy call` modal, re-read from Slack."""
        return self._refresh(team_id, user_id, now)

    def time_zone_of(self, *, team_id: str, user_id: str) -> str:
        return self.time_zones(team_id=team_id, user_ids=[user_id])[user_id]

    def share_call(
        self, *, team_id: str, rep_user_id: str, draft: CallDraft, request_key: str, now: datetime
    ) -> CallView:
        """Stores a call a rep shares: asked to their buddy PM, or offered to every PM with room
        when the rep has no buddy yet. Raises `CallInvalid` (per field) or `BuddyError`.
        Idempotent on `request_key` (the modal submission)."""
        time_zone = self._refresh(team_id, rep_user_id, now)
        clean = clean_call(draft, time_zone=time_zone, now=now)
        with self._sessions.begin() as session:
            existing = queries.call_by_key(session, team_id, request_key)
            if existing is not None:
                return _call_view(existing)
            row = queries.member(session, team_id, rep_user_id)
            if row is not None and row.active and row.group_name == Group.PM.value:
                raise BuddyError("Calls are shared by sales reps; as a PM you join them.")
            pairs = [
                p
                for p in queries.current_pair_for(session, team_id, rep_user_id)
                if p.rep_user_id == rep_user_id
            ]
            buddy = pairs[0].pm_user_id if pairs else None
            if buddy is not None and not self._is_available(session, team_id, buddy, now):
                buddy = None
            call = BuddyCall(
                team_id=team_id,
                request_key=request_key,
                rep_user_id=rep_user_id,
                buddy_user_id=buddy,
                account_name=clean.account_name,
                topic=clean.topic,
                link=clean.link,
                starts_at=clean.starts_at,
                status=(CallStatus.ASKED if buddy else CallStatus.OFFERED).value,
                offered_at=None if buddy else now,
                created_at=now,
                updated_at=now,
            )
            session.add(call)
            session.flush()
            self._metrics.calls.labels("shared").inc()
            return _call_view(call)

    def get_call(self, *, team_id: str, call_id: int) -> CallView:
        with self._sessions() as session:
            return _call_view(self._call(session, team_id, call_id))

    def claim(self, *, team_id: str, call_id: int, user_id: str, now: datetime) -> ClaimResult:
        """**I'll join**. First claim wins (one conditional UPDATE); a later click learns who
        has it. A PM already at the monthly target may join their own rep's call but not an
        open offer."""
        target = self.calls_target(team_id=team_id)  # before the write lock (SQLite)
        with self._sessions.begin() as session:
            call = self._call(session, team_id, call_id)
            if call.owner_user_id == user_id:
                raise BuddyError("You're already joining this call.")
            if call.starts_at <= now:
                raise BuddyError("That call has already started.")
            if call.owner_user_id is not None:
                return ClaimResult(_call_view(call), False, call.owner_user_id)
            if call.status == CallStatus.CANCELLED.value:
                raise BuddyError("That call was cancelled.")
            member = queries.member(session, team_id, user_id)
            if member is None or not member.active or member.group_name != Group.PM.value:
                raise BuddyError("Only PMs in the buddy programme can join calls.")
            if call.buddy_user_id != user_id:
                if call.status != CallStatus.OFFERED.value:
                    raise BuddyError("This call is waiting for the rep's buddy to answer first.")
                self._require_room(session, team_id, user_id, call.starts_at, target)
            won = queries.claim(session, team_id, call_id, user_id, now)
            session.expire(call)
            call = self._call(session, team_id, call_id)
            if won:
                self._metrics.calls.labels("claimed").inc()
            return ClaimResult(_call_view(call), won, call.owner_user_id)

    def decline(self, *, team_id: str, call_id: int, user_id: str, now: datetime) -> DeclineResult:
        """**Can't make it**. The buddy's decline opens the call to the other PMs with room."""
        with self._sessions.begin() as session:
            call = self._call(session, team_id, call_id)
            if call.owner_user_id == user_id:
                raise BuddyError("You already said you'd join; tell the rep if that changed.")
            if user_id not in queries.declined_by(session, team_id, call_id):
                session.add(
                    BuddyDecline(team_id=team_id, call_id=call_id, user_id=user_id, declined_at=now)
                )
            offered = False
            if call.status == CallStatus.ASKED.value and call.buddy_user_id == user_id:
                call.status = CallStatus.OFFERED.value
                call.offered_at = now
                call.updated_at = now
                offered = True
                self._metrics.calls.labels("offered").inc()
            self._metrics.calls.labels("declined").inc()
            session.flush()
            return DeclineResult(_call_view(call), offered)

    def record_outcome(
        self, *, team_id: str, call_id: int, user_id: str, outcome: CallOutcome, now: datetime
    ) -> CallView:
        with self._sessions.begin() as session:
            call = self._call(session, team_id, call_id)
            if user_id not in {call.rep_user_id, call.owner_user_id}:
                raise BuddyError("Only the rep and the PM who joined can say how the call went.")
            call.outcome = outcome.value
            call.updated_at = now
            self._metrics.calls.labels(f"outcome:{outcome.value}").inc()
            return _call_view(call)

    # ---- what the reminder runs owe people --------------------------------------------------
    def open_unanswered(self, *, team_id: str, now: datetime) -> list[int]:
        """Asks nobody answered 24 h before the call become open offers. Returns their ids."""
        opened: list[int] = []
        with self._sessions.begin() as session:
            horizon = now + OFFER_BEFORE + timedelta(minutes=1)  # offer_due decides
            for call in queries.reminder_candidates(session, team_id, now, horizon):
                if offer_due(status=CallStatus(call.status), starts_at=call.starts_at, now=now):
                    call.status = CallStatus.OFFERED.value
                    call.offered_at = now
                    call.updated_at = now
                    opened.append(call.id)
        return opened

    def calls_in_play(self, *, team_id: str, now: datetime) -> list[CallView]:
        """Calls a reminder run may owe a message for: from a week ago to 91 days ahead."""
        with self._sessions() as session:
            rows = queries.reminder_candidates(
                session, team_id, now - timedelta(days=7), now + timedelta(days=91)
            )
            return [_call_view(c) for c in rows]

    def teams_with_calls(self, *, now: datetime) -> list[str]:
        with self._sessions() as session:
            return queries.teams_with_calls(
                session, now - timedelta(days=7), now + timedelta(days=91)
            )

    def pms_with_room(
        self, *, team_id: str, call: CallView, now: datetime
    ) -> list[tuple[str, str]]:
        """Who an open call is offered to, with their time zone: available PMs below their
        target in the call's month, except those who declined it and the rep."""
        target = self.calls_target(team_id=team_id)
        with self._sessions() as session:
            start, end = month_of(call.starts_at)
            joined = queries.joined_between(session, team_id, start, end)
            declined = queries.declined_by(session, team_id, call.call_id)
            return [
                (m.user_id, m.time_zone)
                for m in queries.members(session, team_id)
                if m.group is Group.PM
                and m.available(now.date())
                and m.user_id not in declined
                and m.user_id != call.rep_user_id
                and has_room(joined.get(m.user_id, 0), target)
            ]

    def time_zones(self, *, team_id: str, user_ids: Sequence[str]) -> dict[str, str]:
        with self._sessions() as session:
            found = queries.time_zones(session, team_id, list(user_ids))
        return {user_id: found.get(user_id, "UTC") for user_id in user_ids}

    # ---- takeaways ---------------------------------------------------------------------------
    def takeaway_form(self, *, team_id: str, call_id: int, user_id: str) -> TakeawayForm:
        with self._sessions() as session:
            call = self._call(session, team_id, call_id)
            if user_id not in {call.rep_user_id, call.owner_user_id}:
                raise BuddyError("Only the rep and the PM who joined can capture its takeaways.")
            view = _call_view(call)
        return TakeawayForm(call=view, areas=self._feedback.settings(team_id=team_id).areas)

    def capture_takeaway(
        self,
        *,
        team_id: str,
        call_id: int,
        user_id: str,
        draft: FeedbackDraft,
        submission_key: str,
        now: datetime,
    ) -> int:
        """Stores the takeaway as a feedback item on the call's account (source: call) and
        links it to the call. Raises `FeedbackInvalid` (nothing stored) for a bad draft.
        Idempotent on `submission_key`: a retried submission links the same item once."""
        form = self.takeaway_form(team_id=team_id, call_id=call_id, user_id=user_id)
        result = self._feedback.capture(
            team_id=team_id,
            draft=FeedbackDraft(
                text=draft.text,
                account_name=draft.account_name or form.call.account_name,
                area=draft.area,
                source=Source.CALL,
                importance=draft.importance,
                link=draft.link,
                on_behalf_of=draft.on_behalf_of or user_id,
            ),
            submitted_by=user_id,
            now=now,
            capture_key=f"buddy-call:{call_id}:{submission_key}",
        )
        item_id = result.item.item_id
        try:
            with self._sessions.begin() as session:
                if queries.takeaway_for_item(session, team_id, item_id) is None:
                    session.add(
                        BuddyTakeaway(
                            team_id=team_id,
                            call_id=call_id,
                            feedback_item_id=item_id,
                            user_id=user_id,
                            created_at=now,
                        )
                    )
                    self._metrics.takeaways.inc()
        except IntegrityError:
            logger.info("takeaway %s was linked by a concurrent retry", item_id)
        return item_id

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
                    _call_view(c) for c in live if c.owner_user_id is None and c.starts_at <= now
                ],
            )

    def export(self, *, team_id: str, fmt: str, since: datetime | None) -> Iterator[str]:
        """Every call (CSV or JSON) with who joined and its takeaways' feedback ids."""
        return export_calls(self._sessions, team_id=team_id, fmt=fmt, since=since)

    # ---- internals -----------------------------------------------------------------------
    def _require_admin(self, team_id: str, user_id: str, what: str) -> None:
        if not self._admins.is_admin(team_id=team_id, user_id=user_id):
            raise NotAdminError(what)

    def _refresh(self, team_id: str, user_id: str, now: datetime) -> str:
        """Re-reads a person from Slack; returns their time zone. Refuses people who left."""
        person = self._people.person(user_id)
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
            person = self._people.person(user_id)
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
        found = {p.user.user_id: p for p in self._people.everyone() if p.user.user_id in stale}
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

    def _is_available(self, session: Session, team_id: str, user_id: str, now: datetime) -> bool:
        row = queries.member(session, team_id, user_id)
        return bool(
            row
            and row.active
            and row.departed_at is None
            and (row.snoozed_until is None or row.snoozed_until < now.date())
        )

    def _require_room(
        self, session: Session, team_id: str, user_id: str, starts_at: datetime, target: int
    ) -> None:
        start, end = month_of(starts_at)
        joined = queries.joined_between(session, team_id, start, end).get(user_id, 0)
        if not has_room(joined, target):
            raise BuddyError(
                f"You've joined {joined} of your {target} calls for {start:%B} already; "
                "this one stays open for PMs with room."
            )

    def _call(self, session: Session, team_id: str, call_id: int) -> BuddyCall:
        call = queries.call(session, team_id, call_id)
        if call is None:
            raise BuddyError("That call no longer exists.")
        return call


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


def _call_view(call: BuddyCall) -> CallView:
    return CallView(
        call_id=call.id,
        rep_user_id=call.rep_user_id,
        buddy_user_id=call.buddy_user_id,
        owner_user_id=call.owner_user_id,
        account_name=call.account_name,
        topic=call.topic,
        link=call.link,
        starts_at=call.starts_at,
        status=CallStatus(call.status),
        outcome=CallOutcome(call.outcome) if call.outcome else None,
        created_at=call.created_at,
    )
