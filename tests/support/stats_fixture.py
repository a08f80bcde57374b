"""A small workspace whose every stat was computed by hand (the numbers are in EXPECTED).

`now` is Monday 2026-11-16 09:00 UTC; with the 7-day period the window is [Nov 9 09:00,
Nov 16 09:00) and the previous one [Nov 2 09:00, Nov 9 09:00). A second workspace holds noise
that must never be counted.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.db import Sessions
from bot.home.models import HomeVisit
from bot.outbox.models import Delivery
from bot.rituals.buddies.models import BuddyCall, BuddyMember
from bot.rituals.feedback.models import FeedbackAccount, FeedbackItem
from bot.rituals.releases.models import Release, ReleaseAck, ReleaseLoop
from bot.rituals.reporting.models import PulseAnswer, PulseInvitee, PulseSurvey
from bot.rituals.triage.models import SessionTicket, Ticket, TriageSession
from bot.scheduling.models import RitualSchedule
from bot.workspace.models import Workspace
from tests.support.fake_slack import TEAM_ID

NOW = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
NOISE_TEAM = "T0NOISE"
DAY = 86400.0


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=UTC)


# key -> (value now, value in the previous period); durations in seconds
EXPECTED: dict[str, tuple[float | None, float | None]] = {
    # reviewed now: 4h, 1d, 2d, 4d -> median 1.5 d, p90 = 2d + 0.7 * 2d
    "insight.review_median": (1.5 * DAY, 97200.0),
    "insight.review_p90": (293760.0, 157680.0),
    # planned now: 3d, 4d -> median 3.5 d, p90 = 3d + 0.9 * 1d; nothing planned before
    "insight.planned_median": (3.5 * DAY, None),
    "insight.planned_p90": (336960.0, None),
    "roadmap.share": (0.5, 1 / 3),
    "roadmap.shipped": (1, 0),
    "sessions.held": (3, 1),
    "sessions.closed": (2, 1),
    "adherence.runs": (0.5, 0.5),
    "adherence.all_decided": (0.5, 0.0),
    "support.per_week": (3.0, 2.0),
    # decided now: 1d, 3d, 9d -> median 3 d, p90 = 3d + 0.8 * 6d
    "support.triage_median": (3 * DAY, DAY),
    "support.triage_p90": (673920.0, DAY),
    "support.carried_over": (2, 0),
    # joined now: P1 twice, P2, P5 (not enrolled); before: P2. Target 2 a month = 1 a week.
    "sessions.calls_joined": (4, 1),
    # releases: R1 now, R2 before (see _releases)
    "sessions.releases": (1, 1),
    "adherence.acknowledged": (2 / 3, 0.0),
    "roadmap.time_to_market": (3 * DAY, 2 * DAY),
    # PMs now: P1, P2, P3 enrolled (P4 left) + P5 joining = 4, of which P1, P2, P5 at 1+
    "adherence.pms_at_target": (0.75, 1 / 3),
    "support.past_sla": (1, 1),
    "reach.feedback_in": (5, 3),
    "reach.people": (4, 3),
    "reach.accounts": (3, 2),
    "reach.home": (2, 1),
    "satisfaction.response_rate": (5 / 6, 2 / 3),
    "satisfaction.relevance": (4.2, None),
    # support: only 4 ratings now (one person skipped it), 2 before: below 5, no average
    "satisfaction.support": (None, None),
}


def seed(sessions: Sessions) -> None:
    with sessions.begin() as session:
        for team in (TEAM_ID, NOISE_TEAM):
            session.add(Workspace(team_id=team, name=team, time_zone="UTC", created_at=at(1)))
        session.flush()
        accounts = {}
        for name in ("Acme", "Globex", "Initech"):
            account = FeedbackAccount(
                team_id=TEAM_ID, name=name, name_key=name.lower(), created_at=at(1)
            )
            session.add(account)
            session.flush()
            accounts[name] = account.id
        acme, globex, initech = accounts["Acme"], accounts["Globex"], accounts["Initech"]

        def item(
            label: str,
            captured: datetime,
            *,
            by: str,
            account: int | None,
            status: str = "new",
            reviewed: datetime | None = None,
            changed: datetime | None = None,
            team: str = TEAM_ID,
            merged_into: int | None = None,
        ) -> int:
            row = FeedbackItem(
                team_id=team,
                text=f"feedback {label}",
                account_id=account,
                source="call",
                importance="important",
                submitted_by=by,
                on_behalf_of=by,
                status=status,
                captured_at=captured,
                reviewed_at=reviewed,
                status_changed_at=changed or reviewed or captured,
                merged_into_id=merged_into,
            )
            session.add(row)
            session.flush()
            return row.id

        a = item("A", at(9, 10), by="U1", account=acme, status="reviewed", reviewed=at(10, 10))
        b = item("B", at(8), by="U2", account=globex, status="planned", reviewed=at(10),
                 changed=at(11))  # fmt: skip
        c = item("C", at(10), by="U1", account=acme, status="shipped", reviewed=at(10, 13),
                 changed=at(12))  # fmt: skip
        item("D", at(11), by="U3", account=None, status="planned", reviewed=at(15),
             changed=at(15))  # fmt: skip
        item("E", at(12), by="U2", account=globex, merged_into=a)
        item("F", at(13), by="U4", account=initech)
        g = item("G", at(3), by="U1", account=acme, status="declined", reviewed=at(5))
        item("H", at(4), by="U5", account=None, status="reviewed", reviewed=at(4, 15))
        item("noise", at(10), by="U9", account=None, status="shipped", reviewed=at(10, 10),
             changed=at(10, 11), team=NOISE_TEAM)  # fmt: skip

        def ticket(
            label: str,
            created: datetime,
            *,
            status: str = "open",
            decided: datetime | None = None,
            team: str = TEAM_ID,
        ) -> int:
            row = Ticket(
                team_id=team,
                source="slash",
                title=f"ticket {label}",
                description="",
                severity="normal",
                status=status,
                outcome="known" if status == "triaged" else None,
                decided_at=decided,
                created_at=created,
                received_at=created,
                updated_at=decided or created,
            )
            session.add(row)
            session.flush()
            return row.id

        t1 = ticket("t1", at(9, 12), status="triaged", decided=at(10, 12))
        t2 = ticket("t2", at(10), status="triaged", decided=at(13))
        t3 = ticket("t3", at(14))
        t4 = ticket("t4", at(12), status="deleted")
        t5 = ticket("t5", at(1), status="triaged", decided=at(10))
        t6 = ticket("t6", at(3))
        ticket("t7", at(5), status="triaged", decided=at(6))
        ticket("noise", at(10), team=NOISE_TEAM)

        def triage_session(
            started: datetime, tickets: list[int], *, state: str, closed: datetime | None = None
        ) -> None:
            row = TriageSession(
                team_id=TEAM_ID,
                channel_id="CTRIAGE",
                period=f"{started:%Y%m%d}",
                state=state,
                started_at=started,
                parent_ts=f"{started.timestamp():.0f}.000100",
                closed_at=closed,
            )
            session.add(row)
            session.flush()
            for ticket_id in tickets:
                session.add(SessionTicket(session_id=row.id, ticket_id=ticket_id, team_id=TEAM_ID))
            session.flush()

        triage_session(at(2, 10), [t5], state="closed", closed=at(3, 10))
        triage_session(at(9, 10), [t5, t6, t1], state="closed", closed=at(10, 12))
        triage_session(at(12, 10), [t2, t4], state="closed", closed=at(13, 10))
        triage_session(at(14, 10), [], state="superseded")
        triage_session(at(15, 10), [t3, t6], state="open")

        for day, user in ((date(2026, 11, 10), "U1"), (date(2026, 11, 11), "U1"),
                          (date(2026, 11, 15), "U2"), (date(2026, 11, 5), "U3")):  # fmt: skip
            session.add(HomeVisit(team_id=TEAM_ID, day=day, user_id=user))
        session.add(HomeVisit(team_id=NOISE_TEAM, day=date(2026, 11, 10), user_id="U9"))

        for ritual, rule in (
            ("feedback-digest", {"kind": "weekly", "at": "09:00", "weekday": 0}),
            ("triage-thread", {"kind": "weekly", "at": "10:00", "weekday": 3}),
        ):
            session.add(
                RitualSchedule(
                    team_id=TEAM_ID,
                    ritual=ritual,
                    key="default",
                    channel_ids=["CRUN"],
                    rule={"day_of_month": None, "cron": None, **rule},
                    time_zone="UTC",
                    enabled=True,
                    options={},
                    updated_at=at(1) - timedelta(days=30),
                )
            )
        for ritual, period, state in (
            ("feedback-digest", "2026-W45", "sent"),
            ("feedback-digest", "2026-W46", "pending"),
            ("triage-thread", "2026-W46", "sent"),
        ):
            session.add(_delivery(ritual, period, state))

        _buddies(session)
        _releases(session, now_items=(c, b), before_items=(g,))
        _survey(session, "2026-Q4", at(10), invited=6,
                answers=[(5, 3), (4, 4), (4, None), (3, 2), (5, 5)])  # fmt: skip
        _survey(session, "2026-Q3", at(3), invited=3, answers=[(2, 4), (3, 5)])


def _releases(session: Any, *, now_items: tuple[int, ...], before_items: tuple[int, ...]) -> None:
    """R1 (this week) shipped C (2 days after capture) and B (4 days): median 3 days; 3 people
    asked to acknowledge, 2 did. R2 (the week before) shipped G (2 days); 1 asked, none did.
    A draft and another workspace's release count for nothing."""
    plan = (
        ("R1", at(12), now_items, ("U1", "U2", "U3"), ("U1", "U2"), TEAM_ID),
        ("R2", at(5), before_items, ("U1",), (), TEAM_ID),
        ("draft", None, (), (), (), TEAM_ID),
        ("noise", at(12), (), ("U9",), ("U9",), NOISE_TEAM),
    )
    for title, published, items, asked, acked, team in plan:
        release = Release(
            team_id=team,
            author_id="UAUTHOR",
            title=title,
            tier=1,
            feedback_ids=list(items),
            channel_ids=["C1"],
            state="published" if published else "draft",
            published_at=published,
            created_at=at(1),
            updated_at=at(1),
        )
        session.add(release)
        session.flush()
        for item_id in items:
            session.add(
                ReleaseLoop(
                    team_id=team, release_id=release.id, item_id=item_id, closed_at=published
                )
            )
        for user in asked:
            session.add(
                ReleaseAck(
                    team_id=team,
                    release_id=release.id,
                    user_id=user,
                    acknowledged_at=published if user in acked else None,
                    created_at=at(1),
                )
            )


def _buddies(session: Any) -> None:
    for user, group, active in (("P1", "pm", True), ("P2", "pm", True), ("P3", "pm", True),
                                ("P4", "pm", False), ("S1", "sales", True)):  # fmt: skip
        session.add(
            BuddyMember(
                team_id=TEAM_ID,
                user_id=user,
                group_name=group,
                active=active,
                joined_at=at(1),
                updated_at=at(1),
            )
        )
    for key, starts, status, owner in (
        ("c1", at(10), "claimed", "P1"),
        ("c2", at(12), "claimed", "P1"),
        ("c3", at(14), "claimed", "P2"),
        ("c4", at(11), "offered", None),
        ("c5", at(13), "cancelled", "P3"),
        ("c6", at(15), "claimed", "P5"),
        ("c7", at(17), "claimed", "P1"),
        ("c8", at(5), "claimed", "P2"),
    ):
        session.add(
            BuddyCall(
                team_id=TEAM_ID,
                request_key=key,
                rep_user_id="S1",
                account_name="Acme",
                link="https://meet.example.com/x",
                starts_at=starts,
                status=status,
                owner_user_id=owner,
                created_at=at(1),
                updated_at=at(1),
            )
        )


def _delivery(ritual: str, period: str, state: str) -> Delivery:
    return Delivery(
        team_id=TEAM_ID,
        ritual=ritual,
        period=period,
        channel_id="CRUN",
        part="digest",
        text="x",
        blocks=[],
        state=state,
        ts="1.1" if state == "sent" else None,
        created_at=at(1),
        updated_at=at(1),
    )


def _survey(
    session: Any,
    period: str,
    opened: datetime,
    *,
    invited: int,
    answers: list[tuple[int | None, int | None]],
) -> None:
    survey = PulseSurvey(
        team_id=TEAM_ID, period=period, opened_at=opened, closes_at=opened + timedelta(days=14)
    )
    session.add(survey)
    session.flush()
    for n in range(invited):
        session.add(PulseInvitee(survey_id=survey.id, user_id=f"UP{n}", team_id=TEAM_ID))
    for n, (relevance, support) in enumerate(answers):
        session.add(
            PulseAnswer(
                team_id=TEAM_ID,
                survey_id=survey.id,
                user_id=f"UP{n}",
                relevance=relevance,
                support=support,
                answered_at=opened,
                updated_at=opened,
            )
        )
