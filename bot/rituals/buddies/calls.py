"""Call use cases: a rep shares a call, PMs claim or decline it, what each reminder run owes
people, how it went, and the takeaways that become feedback on the account.

Each public method is one unit of work (or none), takes `now` (aware UTC) and raises
`BuddyError` (shown privately) with nothing written when the request cannot be honoured.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db import Sessions
from bot.rituals.buddies import queries
from bot.rituals.buddies.domain import (
    OFFER_BEFORE,
    BuddyError,
    CallDraft,
    CallOutcome,
    CallStatus,
    Group,
    clean_call,
    has_room,
    month_of,
    offer_due,
)
from bot.rituals.buddies.metrics import BuddyMetrics
from bot.rituals.buddies.models import BuddyCall, BuddyDecline, BuddyTakeaway
from bot.rituals.buddies.records import call_view
from bot.rituals.buddies.service import BuddyService
from bot.rituals.buddies.views import CallView, ClaimResult, DeclineResult
from bot.rituals.feedback.domain import FeedbackDraft, Source
from bot.rituals.feedback.service import FeedbackService

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TakeawayForm:
    call: CallView
    areas: list[str]


class CallService:
    """Needs the enrolment side (`BuddyService`) for time zones, the target and who is in."""

    def __init__(
        self,
        *,
        sessions: Sessions,
        buddies: BuddyService,
        feedback: FeedbackService,
        metrics: BuddyMetrics,
    ) -> None:
        self._sessions = sessions
        self._buddies = buddies
        self._feedback = feedback
        self._metrics = metrics

    def call_form(self, *, team_id: str, user_id: str, now: datetime) -> str:
        """The rep's time zone for the `/buddy call` modal, re-read from Slack."""
        return self._buddies.refresh_person(team_id=team_id, user_id=user_id, now=now)

    def share_call(
        self, *, team_id: str, rep_user_id: str, draft: CallDraft, request_key: str, now: datetime
    ) -> CallView:
        """Stores a call a rep shares: asked to their buddy PM, or offered to every PM with room
        when the rep has no buddy yet. Raises `CallInvalid` (per field) or `BuddyError`.
        Idempotent on `request_key` (the modal submission)."""
        time_zone = self._buddies.refresh_person(team_id=team_id, user_id=rep_user_id, now=now)
        clean = clean_call(draft, time_zone=time_zone, now=now)
        with self._sessions.begin() as session:
            existing = queries.call_by_key(session, team_id, request_key)
            if existing is not None:
                return call_view(existing)
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
            return call_view(call)

    def get_call(self, *, team_id: str, call_id: int) -> CallView:
        with self._sessions() as session:
            return call_view(self._call(session, team_id, call_id))

    def claim(self, *, team_id: str, call_id: int, user_id: str, now: datetime) -> ClaimResult:
        """**I'll join**. First claim wins (one conditional UPDATE); a later click learns who
        has it. A PM already at the monthly target may join their own rep's call but not an
        open offer."""
        target = self._buddies.calls_target(team_id=team_id)  # before the write lock (SQLite)
        with self._sessions.begin() as session:
            call = self._call(session, team_id, call_id)
            if call.owner_user_id == user_id:
                raise BuddyError("You're already joining this call.")
            if call.starts_at <= now:
                raise BuddyError("That call has already started.")
            if call.owner_user_id is not None:
                return ClaimResult(call_view(call), False, call.owner_user_id)
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
            return ClaimResult(call_view(call), won, call.owner_user_id)

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
            return DeclineResult(call_view(call), offered)

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
            return call_view(call)

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
            return [call_view(c) for c in rows]

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
        target = self._buddies.calls_target(team_id=team_id)
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

    # ---- takeaways ---------------------------------------------------------------------------
    def takeaway_form(self, *, team_id: str, call_id: int, user_id: str) -> TakeawayForm:
        with self._sessions() as session:
            call = self._call(session, team_id, call_id)
            if user_id not in {call.rep_user_id, call.owner_user_id}:
                raise BuddyError("Only the rep and the PM who joined can capture its takeaways.")
            view = call_view(call)
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

    # ---- internals -----------------------------------------------------------------------
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
