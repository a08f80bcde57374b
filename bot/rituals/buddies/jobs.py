"""The buddy runners the scheduler and `/ops run` call, all delivering through the outbox.

- `buddy-pairing` pairs the cycle (the run's period, `2026-11`) and addresses one introduction
  to each pair's group DM, plus one note to each admin per person who left Slack.
- `buddy-reminders` works out everything calls owe people at `now`: the ask to the buddy PM,
  offers to PMs with room, "a PM joins" to the rep, the day-before / 15-minute / after messages
  in each reader's own zone. Each message has its own period key (`call:42:day-before`), so it
  is enqueued exactly once however often, and by however many schedulers, the ritual runs.
- `buddy-digest` is the monthly summary for the schedule's channels.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from slack_sdk.errors import SlackApiError

from bot.db import Sessions
from bot.outbox.domain import OutgoingPost, OutgoingTarget
from bot.outbox.service import Outbox
from bot.rituals.buddies import blocks
from bot.rituals.buddies.calls import CallService
from bot.rituals.buddies.domain import (
    CallStatus,
    ReminderKind,
    reminder_due,
    reminder_period,
)
from bot.rituals.buddies.ids import BuddyRitual
from bot.rituals.buddies.metrics import BuddyMetrics
from bot.rituals.buddies.service import BuddyService
from bot.rituals.buddies.slack_io import SlackBusy, SlackPeople
from bot.rituals.buddies.views import CallView

logger = logging.getLogger(__name__)


def _post(part: str, text: str, built: list[Any]) -> OutgoingPost:
    return OutgoingPost(part=part, text=text, blocks=[b.to_dict() for b in built])


INTRO_OPENS_PER_RUN = 40  # conversations.open is Tier 3 (50+/min): the rest go at the next sweep


class PairingRunner:
    """Pairs the run's cycle (once) and introduces each pair in its group DM. Opening 3,000 group
    DMs takes an hour at Slack's rate, so one run opens at most INTRO_OPENS_PER_RUN and the
    5-minute sweep (`ReminderSweep`) introduces the rest; each pair keeps its DM id."""

    name = BuddyRitual.PAIRING

    def __init__(self, *, service: BuddyService, people: SlackPeople) -> None:
        self._service = service
        self._people = people

    def compose(self, **_: Any) -> list[OutgoingPost]:
        return []  # people-addressed: see targets()

    def targets(
        self, *, team_id: str, period: str, options: dict[str, Any], now: datetime
    ) -> list[OutgoingTarget]:
        self._service.pair_cycle(team_id=team_id, cycle=period, now=now)
        return self.intro_targets(team_id=team_id, cycle=period) + self._departures(team_id)

    def intro_targets(self, *, team_id: str, cycle: str) -> list[OutgoingTarget]:
        """Introductions not yet in the outbox, opening at most INTRO_OPENS_PER_RUN DMs."""
        pairs, done = self._service.intro_state(team_id=team_id, cycle=cycle)
        targets: list[OutgoingTarget] = []
        opened = 0
        for intro in pairs:
            channel_id = intro.channel_id
            if channel_id in done:
                continue
            if channel_id is None:
                if opened >= INTRO_OPENS_PER_RUN:
                    break
                try:
                    channel_id = self._people.conversation_with(
                        team_id, (intro.rep_user_id, intro.pm_user_id)
                    )
                except SlackBusy:
                    logger.info("intros: Slack is busy; the next sweep goes on (team=%s)", team_id)
                    break
                opened += 1
                self._service.remember_channel(
                    team_id=team_id, pair_id=intro.pair_id, channel_id=channel_id
                )
            targets.append(
                OutgoingTarget(
                    channel_id=channel_id,
                    posts=[_post("intro", blocks.intro_text(intro), blocks.build_intro(intro))],
                    period=cycle,
                )
            )
        return targets

    def _departures(self, team_id: str) -> list[OutgoingTarget]:
        """One note to each admin per member who left Slack (its own key: told once)."""
        departed = self._service.departed_members(team_id=team_id)
        admins = self._service.workspace_admins(team_id=team_id) if departed else []
        targets: list[OutgoingTarget] = []
        for user_id in departed:
            text = blocks.departure_text(user_id)
            for admin in admins:
                try:
                    channel_id = self._people.conversation_with(team_id, (admin,))
                except SlackBusy:
                    return targets
                targets.append(
                    OutgoingTarget(
                        channel_id=channel_id,
                        posts=[OutgoingPost(part="departed", text=text, blocks=[])],
                        period=f"departed:{user_id}",
                    )
                )
        return targets


class ReminderRunner:
    name = BuddyRitual.REMINDERS

    def __init__(
        self,
        *,
        service: BuddyService,
        calls: CallService,
        people: SlackPeople,
        metrics: BuddyMetrics,
    ) -> None:
        self._service = service
        self._calls = calls
        self._people = people
        self._metrics = metrics

    def compose(self, **_: Any) -> list[OutgoingPost]:
        return []  # people-addressed: see targets()

    def targets(
        self, *, team_id: str, period: str, options: dict[str, Any], now: datetime
    ) -> list[OutgoingTarget]:
        self._calls.open_unanswered(team_id=team_id, now=now)
        calls = self._calls.calls_in_play(team_id=team_id, now=now)
        people = {u for c in calls for u in (c.rep_user_id, c.buddy_user_id, c.owner_user_id) if u}
        zones = self._service.time_zones(team_id=team_id, user_ids=sorted(people))
        targets: list[OutgoingTarget] = []
        for call in calls:
            try:
                targets += self._for_call(team_id, call, zones, now)
            except SlackBusy:
                logger.info("reminders: Slack is busy; the next sweep goes on (team=%s)", team_id)
                break
        return targets

    def after_delivery(
        self, *, team_id: str, channel_id: str, period: str, sent: dict[str, str], now: datetime
    ) -> None:
        """Counts each message once, when Slack has it (`call:42:15min` → "15min")."""
        self._metrics.reminders.labels(period.rsplit(":", 1)[-1]).inc()

    def _for_call(
        self, team_id: str, call: CallView, zones: dict[str, str], now: datetime
    ) -> list[OutgoingTarget]:
        found: list[OutgoingTarget] = []

        def to(user_id: str, kind: str, text: str, built: list[Any], part: str = "message") -> None:
            found.append(
                OutgoingTarget(
                    channel_id=self._people.conversation_with(team_id, (user_id,)),
                    posts=[_post(part, text, built)],
                    period=f"call:{call.call_id}:{kind}",
                )
            )

        upcoming = call.starts_at > now
        if call.status is CallStatus.ASKED and call.buddy_user_id and upcoming:
            zone = zones.get(call.buddy_user_id, "UTC")
            to(
                call.buddy_user_id,
                "ask",
                blocks.ask_text(call),
                blocks.build_ask(call, time_zone=zone),
            )
        if call.status is CallStatus.OFFERED and upcoming:
            for pm, zone in self._calls.pms_with_room(team_id=team_id, call=call, now=now):
                to(pm, "offer", blocks.offer_text(call), blocks.build_offer(call, time_zone=zone))
        if call.status is CallStatus.CLAIMED and upcoming:
            zone = zones.get(call.rep_user_id, "UTC")
            to(
                call.rep_user_id,
                "claimed",
                blocks.claimed_text(call),
                blocks.build_claimed(call, time_zone=zone),
            )
        readers = [call.rep_user_id] + ([call.owner_user_id] if call.owner_user_id else [])
        for kind in ReminderKind:
            if kind is not ReminderKind.AFTER and call.owner_user_id is None:
                continue  # before the call, reminders go to a rep and the PM who joins
            for reader in readers:
                zone = zones.get(reader, "UTC")
                window = reminder_due(
                    kind, starts_at=call.starts_at, created_at=call.created_at, time_zone=zone
                )
                if window is None or not window[0] <= now < window[1]:
                    continue
                found.append(
                    OutgoingTarget(
                        channel_id=self._people.conversation_with(team_id, (reader,)),
                        posts=[
                            _post(
                                "reminder",
                                blocks.reminder_text(call, kind),
                                blocks.build_reminder(call, kind, time_zone=zone),
                            )
                        ],
                        period=reminder_period(call.call_id, kind),
                    )
                )
        return found


class ReminderSweep:
    """Housekeeping (every 5 minutes on the scheduler's leader): enqueues what `buddy-reminders`
    owes for every workspace with calls, and the introductions of the newest cycle not yet sent,
    so nothing waits for an admin to schedule the ritual. A workspace that scheduled no
    `buddy-pairing` is paired monthly (the default cycle) from here too. A schedule of its own
    (`/ops settings`) only adds runs: each message has its own key, so nothing goes twice."""

    def __init__(
        self,
        *,
        reminders: ReminderRunner,
        pairing: PairingRunner,
        service: BuddyService,
        calls: CallService,
        outbox: Outbox,
        sessions: Sessions,
    ) -> None:
        self._reminders = reminders
        self._pairing = pairing
        self._service = service
        self._calls = calls
        self._outbox = outbox
        self._sessions = sessions

    def __call__(self, now: datetime) -> None:
        for team_id, cycle in self._service.default_cycles(now=now):
            targets = self._pairing.targets(team_id=team_id, period=cycle, options={}, now=now)
            self._enqueue(team_id, BuddyRitual.PAIRING, targets, now)
        for team_id, cycle in self._service.recent_cycles(now=now):
            intros = self._pairing.intro_targets(team_id=team_id, cycle=cycle)
            self._enqueue(team_id, BuddyRitual.PAIRING, intros, now)
        for team_id in self._calls.teams_with_calls(now=now):
            targets = self._reminders.targets(team_id=team_id, period="sweep", options={}, now=now)
            self._enqueue(team_id, BuddyRitual.REMINDERS, targets, now)

    def _enqueue(
        self, team_id: str, ritual: BuddyRitual, targets: list[OutgoingTarget], now: datetime
    ) -> None:
        with self._sessions.begin() as session:
            for target in targets:
                self._outbox.enqueue(
                    session,
                    team_id=team_id,
                    ritual=ritual.value,
                    period=target.period or "sweep",
                    channel_id=target.channel_id,
                    posts=target.posts,
                    now=now,
                )


class DigestRunner:
    name = BuddyRitual.DIGEST

    def __init__(self, service: BuddyService) -> None:
        self._service = service

    def compose(
        self, *, team_id: str, channel_id: str, period: str, options: dict[str, Any], now: datetime
    ) -> list[OutgoingPost]:
        digest = self._service.digest(team_id=team_id, now=now)
        return [_post("digest", blocks.digest_text(digest), blocks.build_digest(digest))]


class Dispatcher(Protocol):
    def run_ritual(self, *, team_id: str, ritual: str, now: datetime) -> object: ...


class CallNotifier:
    """After a call is shared, claimed or declined: runs `buddy-reminders` at once, so the
    ask, the offers or the rep's note go out now through the outbox (never twice)."""

    def __init__(self, dispatcher: Dispatcher, clock: Callable[[], datetime]) -> None:
        self._dispatcher = dispatcher
        self._clock = clock

    def notify(self, *, team_id: str) -> None:
        """Never raises a Slack error into the listener (it has acked already): what could not
        be enqueued now, the 5-minute sweep enqueues."""
        try:
            self._dispatcher.run_ritual(
                team_id=team_id, ritual=BuddyRitual.REMINDERS.value, now=self._clock()
            )
        except SlackApiError as error:
            logger.warning(
                "buddy notify deferred to the sweep: team=%s error=%s",
                team_id,
                error.response.get("error"),
            )
