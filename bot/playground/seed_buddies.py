"""Seeds the buddy programme: PMs and sales enrolled, the month's pairing cycles, calls held
(with outcomes and takeaways), one nobody joined, and calls coming up this week.

Enrolment and pairing run through a `BuddyService` whose Slack reads answer from the
playground's people (`users.info` would reach the local workspace, which may not serve yet);
calls go through the real `CallService` (share, claim, decline, outcome, takeaway), each at its
moment in the month, in time order, so a call is asked of whoever was the rep's buddy then.
Keyed throughout (cycle, request key, submission key): seeding again adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from prometheus_client import CollectorRegistry

from bot.playground.people import PEOPLE, TEAM_ID, Part, people_in, person
from bot.playground.seed_time import SeedClock
from bot.rituals.buddies.calls import CallService
from bot.rituals.buddies.domain import CallDraft, CallOutcome, CallStatus, Group
from bot.rituals.buddies.metrics import BuddyMetrics
from bot.rituals.buddies.options import BuddiesOptions
from bot.rituals.buddies.service import BuddyService
from bot.rituals.buddies.slack_io import SlackPerson
from bot.rituals.feedback.domain import FeedbackDraft, Importance
from bot.rituals.feedback.service import FeedbackService
from bot.wiring import Container
from bot.workspace.service import SlackUser

ADMIN = "UDANA"
MEETING = "https://meet.acme.example/"


class PlaygroundPeople:
    """`SlackPeople` answered from the playground's people: nobody has left, no user groups."""

    def person(self, team_id: str, user_id: str) -> SlackPerson:
        found = person(user_id)
        return SlackPerson(
            SlackUser(found.id, found.real_name, found.tz, found.is_admin), deleted=False
        )

    def everyone(self, team_id: str) -> list[SlackPerson]:
        return [self.person(team_id, p.id) for p in PEOPLE]

    def usergroup_members(self, team_id: str, usergroup_id: str) -> list[str]:
        return []

    def channel_members(self, team_id: str, channel_id: str) -> list[str]:
        return [p.id for p in PEOPLE]

    def conversation_with(self, team_id: str, user_ids: tuple[str, ...]) -> str:
        raise NotImplementedError("the seed opens no conversations")


@dataclass(frozen=True)
class SeedCall:
    key: str
    rep: str
    account: str
    topic: str
    days: int  # negative: days ago; positive: days ahead
    hour: int  # the rep's local time
    joined: bool  # the buddy PM says I'll join (else: asked, or declined when held)
    outcome: CallOutcome | None = None
    takeaway: str | None = None
    area: str | None = None


# Held calls lie more than a week back: the "how did it go?" prompt (7 days) was sent then.
# fmt: off
CALLS = (
    SeedCall("globex-sso", "UJESS", "Globex", "Security review follow-up: SSO and SCIM", -18,
             11, True, CallOutcome.HAPPENED,
             "Globex's CISO will sign off only with Okta SSO and SCIM deprovisioning within "
             "a day.", "Admin & SSO"),
    SeedCall("tyrell-api", "UKENJI", "Tyrell Robotics", "Nightly sync and API limits", -11,
             10, True, CallOutcome.HAPPENED,
             "Tyrell's nightly sync needs 500 requests a minute or a bulk endpoint.",
             "Integrations"),
    SeedCall("soylent-renewal", "UJESS", "Soylent Foods", "Renewal and pricing questions", -8,
             15, False),
    SeedCall("umbrella-billing", "UKENJI", "Umbrella Health", "EUR invoicing for the EU entity",
             -9, 9, True, CallOutcome.HAPPENED,
             "Umbrella needs EUR invoices for the German entity before their January renewal.",
             "Billing"),
    SeedCall("northwind-qbr", "UJESS", "Northwind Traders", "Quarterly business review", 2, 11,
             True),
    SeedCall("hooli-mobile", "UKENJI", "Hooli", "Field team mobile rollout", 4, 10, False),
)
# fmt: on


@dataclass
class SeededBuddies:
    """Members and calls of the seeded month; pairs this run created."""

    members: int = 0
    pairs: int = 0
    calls: int = 0
    takeaways: int = 0


def seed_buddies(container: Container, clock: SeedClock) -> SeededBuddies:
    """Side effects: members, pairs, calls, declines, outcomes and takeaway feedback items."""
    feedback = container.service(FeedbackService)
    buddies = BuddyService(
        sessions=container.sessions,
        workspaces=container.services.workspaces,
        permissions=container.services.permissions,
        people=PlaygroundPeople(),
        metrics=BuddyMetrics(CollectorRegistry()),  # clicks of the past: not this process's
        options=BuddiesOptions.model_validate(container.settings.rituals.get("buddies", {})),
    )
    calls = CallService(
        sessions=container.sessions,
        buddies=buddies,
        feedback=feedback,
        metrics=BuddyMetrics(CollectorRegistry()),
    )
    seeded = SeededBuddies()
    enrolled_at = clock.days_ago(32)
    for group, part in ((Group.PM, Part.PM), (Group.SALES, Part.SALES)):
        result = buddies.add(
            team_id=TEAM_ID,
            admin_id=ADMIN,
            group=group,
            user_ids=[p.id for p in people_in(part)],
            now=enrolled_at,
        )
        seeded.members += len(result.changed) + len(result.unchanged)
    steps: list[tuple[datetime, Callable[[], None]]] = []
    for cycle, at in _cycles(clock, after=enrolled_at + timedelta(hours=1)):

        def pair(cycle: str = cycle, at: datetime = at) -> None:
            result = buddies.pair_cycle(team_id=TEAM_ID, cycle=cycle, now=at)
            seeded.pairs += len(result.pairs) if result.created else 0

        steps.append((at, pair))
    for call in CALLS:
        steps += _call_steps(calls, call, clock, seeded)
    for _, step in sorted(steps, key=lambda s: s[0]):
        step()
    return seeded


def _cycles(clock: SeedClock, *, after: datetime) -> list[tuple[str, datetime]]:
    """The monthly cycles the seeded month touches, each paired at 09:00 on its first day
    (the buddy-pairing schedule), or just after enrolment for the month already under way."""
    zone = ZoneInfo(clock.time_zone)
    months = sorted({f"{m.astimezone(zone):%Y-%m}" for m in (clock.days_ago(30), clock.now)})
    cycles: list[tuple[str, datetime]] = []
    for month in months:
        year, number = (int(part) for part in month.split("-"))
        start = datetime(year, number, 1, 9, tzinfo=zone).astimezone(clock.now.tzinfo)
        cycles.append((month, max(start, after)))
    return cycles


def _call_steps(
    calls: CallService, call: SeedCall, clock: SeedClock, seeded: SeededBuddies
) -> list[tuple[datetime, Callable[[], None]]]:
    zone = ZoneInfo(person(call.rep).tz)
    local_day = clock.now.astimezone(zone).date() + timedelta(days=call.days)
    starts_at = datetime.combine(local_day, time(call.hour), tzinfo=zone).astimezone(
        clock.now.tzinfo
    )
    shared_at = min(starts_at - timedelta(days=3), clock.now - timedelta(hours=2))
    call_id: list[int] = []

    def share() -> None:
        view = calls.share_call(
            team_id=TEAM_ID,
            rep_user_id=call.rep,
            draft=CallDraft(
                call.account, local_day, time(call.hour), call.topic, MEETING + call.key
            ),
            request_key=f"playground:{call.key}",
            now=shared_at,
        )
        call_id.append(view.call_id)
        seeded.calls += 1

    def answer() -> None:
        view = calls.get_call(team_id=TEAM_ID, call_id=call_id[0])
        if view.status is not CallStatus.ASKED or view.buddy_user_id is None:
            return  # answered already (an earlier seed)
        at = min(shared_at + timedelta(hours=3), clock.now - timedelta(minutes=1))
        if call.joined:
            calls.claim(team_id=TEAM_ID, call_id=view.call_id, user_id=view.buddy_user_id, now=at)
        elif starts_at <= clock.now:
            calls.decline(team_id=TEAM_ID, call_id=view.call_id, user_id=view.buddy_user_id, now=at)

    def after() -> None:
        view = calls.get_call(team_id=TEAM_ID, call_id=call_id[0])
        if call.outcome is None or view.owner_user_id is None:
            return
        at = starts_at + timedelta(hours=2)
        calls.record_outcome(
            team_id=TEAM_ID, call_id=view.call_id, user_id=call.rep, outcome=call.outcome, now=at
        )
        if call.takeaway:
            calls.capture_takeaway(
                team_id=TEAM_ID,
                call_id=view.call_id,
                user_id=view.owner_user_id,
                draft=FeedbackDraft(
                    text=call.takeaway, area=call.area, importance=Importance.IMPORTANT
                ),
                submission_key="takeaway",
                now=at,
            )
            seeded.takeaways += 1

    steps = [(shared_at, share), (shared_at + timedelta(hours=3), answer)]
    if starts_at < clock.now:
        steps.append((starts_at + timedelta(hours=2), after))
    return steps
