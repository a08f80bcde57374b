"""Aggregations for reach and adherence (App Home visits, schedules and their deliveries) and
over the buddy, pulse-survey and release rituals' tables; the feedback and triage measures and
the shared percentile helper are in bot/stats/queries.py. Every query is scoped by team."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import (
    distinct,
    exists,
    func,
    select,
    tuple_,
    union,
)
from sqlalchemy.orm import Session

from bot.home.models import HomeVisit
from bot.outbox.domain import DeliveryState
from bot.outbox.models import Delivery
from bot.rituals.buddies.domain import CallStatus, Group
from bot.rituals.buddies.models import BuddyCall, BuddyMember
from bot.rituals.feedback.models import FeedbackItem
from bot.rituals.releases.models import Release, ReleaseAck, ReleaseLoop
from bot.rituals.reporting.models import PulseAnswer, PulseInvitee, PulseSurvey
from bot.scheduling.models import RitualSchedule
from bot.stats import models as _indexes  # noqa: F401  (the indexes these queries read)
from bot.stats.domain import Percentiles, PulseTally, Window
from bot.stats.queries import _within, percentiles, seconds_between

CLAIMED = CallStatus.CLAIMED.value
SENT = DeliveryState.SENT.value
PM = Group.PM.value


# ---- reach and adherence ----------------------------------------------------------------------


def home_visitors(session: Session, team_id: str, window: Window) -> int:
    return int(
        session.scalar(
            select(func.count(distinct(HomeVisit.user_id))).where(
                HomeVisit.team_id == team_id,
                HomeVisit.day >= window.start.date(),
                HomeVisit.day < window.end.date(),
            )
        )
        or 0
    )


def home_visits_recorded(session: Session, team_id: str) -> bool:
    return bool(session.scalar(select(exists().where(HomeVisit.team_id == team_id))))


def enabled_schedules(session: Session, team_id: str) -> Sequence[RitualSchedule]:
    return session.scalars(
        select(RitualSchedule)
        .where(RitualSchedule.team_id == team_id, RitualSchedule.enabled.is_(True))
        .order_by(RitualSchedule.id)
    ).all()


def runs_sent(
    session: Session, team_id: str, wanted: Collection[tuple[str, str]]
) -> set[tuple[str, str]]:
    """Of the (ritual, period) runs wanted, those with at least one post sent."""
    if not wanted:
        return set()
    rows = session.execute(
        select(Delivery.ritual, Delivery.period)
        .where(
            Delivery.team_id == team_id,
            Delivery.state == SENT,
            tuple_(Delivery.ritual, Delivery.period).in_(list(wanted)),
        )
        .distinct()
    ).all()
    return {(row[0], row[1]) for row in rows}


# ---- buddy calls ------------------------------------------------------------------------------


def has_buddies(session: Session, team_id: str) -> bool:
    """Anyone enrolled or any call shared: the buddy ritual is in use."""
    return bool(
        session.scalar(select(exists().where(BuddyMember.team_id == team_id)))
        or session.scalar(select(exists().where(BuddyCall.team_id == team_id)))
    )


def _joined(team_id: str, window: Window) -> list[Any]:
    return [
        BuddyCall.team_id == team_id,
        BuddyCall.status == CLAIMED,
        BuddyCall.owner_user_id.is_not(None),
        *_within(BuddyCall.starts_at, window),
    ]


def calls_joined(session: Session, team_id: str, window: Window) -> int:
    """Calls a PM joined (claimed), by the call's start time, as the buddy digest counts them."""
    return int(
        session.scalar(select(func.count()).select_from(BuddyCall).where(*_joined(team_id, window)))
        or 0
    )


def pms_at_target(session: Session, team_id: str, window: Window, target: int) -> tuple[int, int]:
    """(PMs: enrolled now or joining a call in the window, of which joined `target` or more)."""
    per_pm = (
        select(BuddyCall.owner_user_id.label("user_id"), func.count().label("joined"))
        .where(*_joined(team_id, window))
        .group_by(BuddyCall.owner_user_id)
        .subquery()
    )
    enrolled = select(BuddyMember.user_id.label("user_id")).where(
        BuddyMember.team_id == team_id,
        BuddyMember.group_name == PM,
        BuddyMember.active.is_(True),
    )
    everyone = union(enrolled, select(per_pm.c.user_id)).subquery()
    pms = int(session.scalar(select(func.count()).select_from(everyone)) or 0)
    at_target = int(session.scalar(select(func.count()).where(per_pm.c.joined >= target)) or 0)
    return pms, at_target


def enrolled_pms(session: Session, team_id: str) -> int:
    return int(
        session.scalar(
            select(func.count()).where(
                BuddyMember.team_id == team_id,
                BuddyMember.group_name == PM,
                BuddyMember.active.is_(True),
            )
        )
        or 0
    )


# ---- pulse survey -----------------------------------------------------------------------------


def pulse_tally(session: Session, team_id: str, window: Window) -> PulseTally | None:
    """Counts and averages over the surveys opened in the window; None when none was."""
    surveys = select(PulseSurvey.id).where(
        PulseSurvey.team_id == team_id, *_within(PulseSurvey.opened_at, window)
    )
    if not session.scalar(select(exists(surveys))):
        return None
    invited = int(
        session.scalar(
            select(func.count()).where(
                PulseInvitee.team_id == team_id, PulseInvitee.survey_id.in_(surveys)
            )
        )
        or 0
    )
    row = session.execute(
        select(
            func.count(),
            func.avg(PulseAnswer.relevance),
            func.avg(PulseAnswer.support),
            func.count(PulseAnswer.relevance),
            func.count(PulseAnswer.support),
        ).where(
            PulseAnswer.team_id == team_id,
            PulseAnswer.survey_id.in_(surveys),
        )
    ).one()
    return PulseTally(
        invited=invited,
        answers=int(row[0] or 0),
        relevance_avg=None if row[1] is None else float(row[1]),
        support_avg=None if row[2] is None else float(row[2]),
        relevance_count=int(row[3] or 0),
        support_count=int(row[4] or 0),
    )


# ---- releases ---------------------------------------------------------------------------------


def has_releases(session: Session, team_id: str) -> bool:
    """Any release drafted: the release ritual is in use."""
    return bool(session.scalar(select(exists().where(Release.team_id == team_id))))


def releases_announced(session: Session, team_id: str, window: Window) -> int:
    """Releases published in the window (every tier)."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(Release)
            .where(Release.team_id == team_id, *_within(Release.published_at, window))
        )
        or 0
    )


def release_acks(session: Session, team_id: str, window: Window) -> tuple[int, int]:
    """(people asked to acknowledge, of whom acknowledged) for releases published in the
    window (tier 1 asks the customer-facing group)."""
    row = session.execute(
        select(func.count(), func.count(ReleaseAck.acknowledged_at))
        .select_from(ReleaseAck)
        .join(Release, Release.id == ReleaseAck.release_id)
        .where(
            ReleaseAck.team_id == team_id,
            Release.team_id == team_id,
            *_within(Release.published_at, window),
        )
    ).one()
    return int(row[0] or 0), int(row[1] or 0)


def time_to_market(session: Session, team_id: str, window: Window) -> Percentiles:
    """First capture of a feedback item → the release that shipped it, over the releases
    published in the window."""
    seconds = seconds_between(session, Release.published_at, FeedbackItem.captured_at)
    return percentiles(
        session,
        seconds,
        [
            ReleaseLoop.team_id == team_id,
            Release.team_id == team_id,
            FeedbackItem.team_id == team_id,
            ReleaseLoop.release_id == Release.id,
            ReleaseLoop.item_id == FeedbackItem.id,
            *_within(Release.published_at, window),
        ],
    )
