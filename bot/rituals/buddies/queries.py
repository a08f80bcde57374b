"""select()-based buddy queries; every one is scoped by `team_id` and none commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, aliased

from bot.rituals.buddies.domain import CallStatus, Group, MemberView
from bot.rituals.buddies.models import (
    BuddyCall,
    BuddyDecline,
    BuddyMember,
    BuddyPair,
    BuddyTakeaway,
)
from bot.scheduling.models import RitualSchedule
from bot.workspace.models import Person


def member(session: Session, team_id: str, user_id: str) -> BuddyMember | None:
    return session.scalars(
        select(BuddyMember).where(BuddyMember.team_id == team_id, BuddyMember.user_id == user_id)
    ).one_or_none()


def members(session: Session, team_id: str, *, active_only: bool = True) -> list[MemberView]:
    """Members with their time zone from the shared person record (UTC when unknown)."""
    query = (
        select(
            BuddyMember.user_id,
            BuddyMember.group_name,
            BuddyMember.active,
            BuddyMember.snoozed_until,
            BuddyMember.departed_at,
            Person.time_zone,
            Person.updated_at,
        )
        .outerjoin(
            Person,
            (Person.team_id == BuddyMember.team_id) & (Person.user_id == BuddyMember.user_id),
        )
        .where(BuddyMember.team_id == team_id)
        .order_by(BuddyMember.user_id)
    )
    if active_only:
        query = query.where(BuddyMember.active.is_(True))
    return [
        MemberView(
            user_id=user_id,
            group=Group(group),
            active=active,
            snoozed_until=snoozed_until,
            departed=departed_at is not None,
            time_zone=zone or "UTC",
            seen_at=seen_at,
        )
        for user_id, group, active, snoozed_until, departed_at, zone, seen_at in session.execute(
            query
        )
    ]


def time_zones(session: Session, team_id: str, user_ids: Sequence[str]) -> dict[str, str]:
    if not user_ids:
        return {}
    rows = session.execute(
        select(Person.user_id, Person.time_zone).where(
            Person.team_id == team_id, Person.user_id.in_(list(user_ids))
        )
    )
    return {user_id: zone for user_id, zone in rows}


def pairs_of_cycle(session: Session, team_id: str, cycle: str) -> list[BuddyPair]:
    return list(
        session.scalars(
            select(BuddyPair)
            .where(BuddyPair.team_id == team_id, BuddyPair.cycle == cycle)
            .order_by(BuddyPair.rep_user_id)
        )
    )


def pair(session: Session, team_id: str, pair_id: int) -> BuddyPair | None:
    return session.scalars(
        select(BuddyPair).where(BuddyPair.team_id == team_id, BuddyPair.id == pair_id)
    ).one_or_none()


def newest_cycles_since(session: Session, since: datetime) -> list[tuple[str, str]]:
    """(team, its newest cycle) for every workspace that paired since `since`."""
    newest = (
        select(BuddyPair.team_id, func.max(BuddyPair.created_at).label("at"))
        .group_by(BuddyPair.team_id)
        .having(func.max(BuddyPair.created_at) >= since)
        .subquery()
    )
    rows = session.execute(
        select(BuddyPair.team_id, BuddyPair.cycle)
        .join(
            newest,
            (newest.c.team_id == BuddyPair.team_id) & (newest.c.at == BuddyPair.created_at),
        )
        .distinct()
        .order_by(BuddyPair.team_id)
    )
    return [(team_id, cycle) for team_id, cycle in rows]


def recent_cycles(session: Session, team_id: str, limit: int) -> list[str]:
    """The last `limit` cycles, newest first (by when they were paired)."""
    if limit <= 0:
        return []
    rows = session.execute(
        select(BuddyPair.cycle, func.max(BuddyPair.created_at).label("at"))
        .where(BuddyPair.team_id == team_id)
        .group_by(BuddyPair.cycle)
        .order_by(func.max(BuddyPair.created_at).desc(), BuddyPair.cycle.desc())
        .limit(limit)
    )
    return [cycle for cycle, _ in rows]


def pairs_in_cycles(
    session: Session, team_id: str, cycles: Sequence[str]
) -> list[tuple[str, str, str]]:
    """(rep, pm, cycle) of the given cycles."""
    if not cycles:
        return []
    rows = session.execute(
        select(BuddyPair.rep_user_id, BuddyPair.pm_user_id, BuddyPair.cycle).where(
            BuddyPair.team_id == team_id, BuddyPair.cycle.in_(list(cycles))
        )
    )
    return [(rep, pm, cycle) for rep, pm, cycle in rows]


def earlier_cycles_of(session: Session, team_id: str, cycle: str) -> dict[tuple[str, str], str]:
    """For the pairs of `cycle` that met before: (rep, pm) -> the newest earlier cycle. One
    self-join on the (team, rep) index, returning only pairs that repeat, not the history."""
    earlier = aliased(BuddyPair)
    rows = session.execute(
        select(BuddyPair.rep_user_id, BuddyPair.pm_user_id, earlier.cycle)
        .join(
            earlier,
            (earlier.team_id == BuddyPair.team_id)
            & (earlier.rep_user_id == BuddyPair.rep_user_id)
            & (earlier.pm_user_id == BuddyPair.pm_user_id)
            & (earlier.cycle != BuddyPair.cycle),
        )
        .where(BuddyPair.team_id == team_id, BuddyPair.cycle == cycle)
        .order_by(earlier.created_at, earlier.id)
    )
    return {(rep, pm): found for rep, pm, found in rows}


def current_pair_for(session: Session, team_id: str, user_id: str) -> list[BuddyPair]:
    """This person's pairs in the newest cycle (a PM may have several reps)."""
    cycles = recent_cycles(session, team_id, 1)
    if not cycles:
        return []
    return list(
        session.scalars(
            select(BuddyPair)
            .where(
                BuddyPair.team_id == team_id,
                BuddyPair.cycle == cycles[0],
                (BuddyPair.rep_user_id == user_id) | (BuddyPair.pm_user_id == user_id),
            )
            .order_by(BuddyPair.rep_user_id)
        )
    )


def call(session: Session, team_id: str, call_id: int) -> BuddyCall | None:
    return session.scalars(
        select(BuddyCall).where(BuddyCall.team_id == team_id, BuddyCall.id == call_id)
    ).one_or_none()


def call_by_key(session: Session, team_id: str, request_key: str) -> BuddyCall | None:
    return session.scalars(
        select(BuddyCall).where(BuddyCall.team_id == team_id, BuddyCall.request_key == request_key)
    ).one_or_none()


def claim(session: Session, team_id: str, call_id: int, user_id: str, now: datetime) -> bool:
    """Sets the owner only if nobody holds the call yet: one UPDATE, so of two clicks at once
    exactly one changes the row (race-safe on SQLite and Postgres alike)."""
    result = session.execute(
        update(BuddyCall)
        .where(
            BuddyCall.team_id == team_id,
            BuddyCall.id == call_id,
            BuddyCall.owner_user_id.is_(None),
            BuddyCall.status.in_([CallStatus.ASKED.value, CallStatus.OFFERED.value]),
        )
        .values(owner_user_id=user_id, status=CallStatus.CLAIMED.value, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


def joined_between(
    session: Session, team_id: str, start: datetime, end: datetime
) -> dict[str, int]:
    """Calls claimed per PM with a start time in [start, end)."""
    rows = session.execute(
        select(BuddyCall.owner_user_id, func.count())
        .where(
            BuddyCall.team_id == team_id,
            BuddyCall.status == CallStatus.CLAIMED.value,
            BuddyCall.starts_at >= start,
            BuddyCall.starts_at < end,
            BuddyCall.owner_user_id.is_not(None),
        )
        .group_by(BuddyCall.owner_user_id)
    )
    return {str(user): int(count) for user, count in rows}


def calls_between(
    session: Session, team_id: str, start: datetime, end: datetime
) -> list[BuddyCall]:
    return list(
        session.scalars(
            select(BuddyCall)
            .where(
                BuddyCall.team_id == team_id,
                BuddyCall.starts_at >= start,
                BuddyCall.starts_at < end,
            )
            .order_by(BuddyCall.starts_at, BuddyCall.id)
        )
    )


def upcoming_for(
    session: Session, team_id: str, user_id: str, now: datetime, limit: int
) -> list[BuddyCall]:
    return list(
        session.scalars(
            select(BuddyCall)
            .where(
                BuddyCall.team_id == team_id,
                BuddyCall.starts_at > now,
                BuddyCall.status != CallStatus.CANCELLED.value,
                (BuddyCall.rep_user_id == user_id) | (BuddyCall.owner_user_id == user_id),
            )
            .order_by(BuddyCall.starts_at)
            .limit(limit)
        )
    )


def declined_by(session: Session, team_id: str, call_id: int) -> set[str]:
    return set(
        session.scalars(
            select(BuddyDecline.user_id).where(
                BuddyDecline.team_id == team_id, BuddyDecline.call_id == call_id
            )
        )
    )


def takeaway_counts(session: Session, team_id: str, call_ids: Sequence[int]) -> dict[int, int]:
    if not call_ids:
        return {}
    rows = session.execute(
        select(BuddyTakeaway.call_id, func.count())
        .where(BuddyTakeaway.team_id == team_id, BuddyTakeaway.call_id.in_(list(call_ids)))
        .group_by(BuddyTakeaway.call_id)
    )
    return {int(call_id): int(count) for call_id, count in rows}


def takeaway_items(session: Session, team_id: str, call_ids: Sequence[int]) -> dict[int, list[int]]:
    if not call_ids:
        return {}
    found: dict[int, list[int]] = {}
    rows = session.execute(
        select(BuddyTakeaway.call_id, BuddyTakeaway.feedback_item_id)
        .where(BuddyTakeaway.team_id == team_id, BuddyTakeaway.call_id.in_(list(call_ids)))
        .order_by(BuddyTakeaway.id)
    )
    for call_id, item_id in rows:
        found.setdefault(int(call_id), []).append(int(item_id))
    return found


def takeaway_for_item(session: Session, team_id: str, item_id: int) -> BuddyTakeaway | None:
    return session.scalars(
        select(BuddyTakeaway).where(
            BuddyTakeaway.team_id == team_id, BuddyTakeaway.feedback_item_id == item_id
        )
    ).one_or_none()


def reminder_candidates(
    session: Session, team_id: str, start: datetime, end: datetime
) -> list[BuddyCall]:
    """Calls (not cancelled) starting in [start, end): the only ones a reminder can be due for."""
    return list(
        session.scalars(
            select(BuddyCall)
            .where(
                BuddyCall.team_id == team_id,
                BuddyCall.starts_at >= start,
                BuddyCall.starts_at < end,
                BuddyCall.status != CallStatus.CANCELLED.value,
            )
            .order_by(BuddyCall.starts_at, BuddyCall.id)
        )
    )


def exported_calls(session: Session, team_id: str, since: datetime | None) -> list[BuddyCall]:
    query = select(BuddyCall).where(BuddyCall.team_id == team_id)
    if since is not None:
        query = query.where(BuddyCall.starts_at >= since)
    return list(session.scalars(query.order_by(BuddyCall.starts_at, BuddyCall.id)))


def teams_with_calls(session: Session, start: datetime, end: datetime) -> list[str]:
    """Workspaces with a call starting in [start, end) (the reminder sweep's worklist)."""
    query = (
        select(BuddyCall.team_id)
        .where(BuddyCall.starts_at >= start, BuddyCall.starts_at < end)
        .distinct()
        .order_by(BuddyCall.team_id)
    )
    return list(session.scalars(query))


def has_schedule(session: Session, team_id: str, ritual: str) -> bool:
    """Whether the workspace scheduled `ritual` itself (any schedule, paused ones included)."""
    found = session.scalars(
        select(RitualSchedule.id)
        .where(RitualSchedule.team_id == team_id, RitualSchedule.ritual == ritual)
        .limit(1)
    ).first()
    return found is not None


def team_ids(session: Session) -> list[str]:
    return list(
        session.scalars(select(BuddyMember.team_id).distinct().order_by(BuddyMember.team_id))
    )


def admins(session: Session, team_id: str) -> list[str]:
    return list(
        session.scalars(
            select(Person.user_id)
            .where(Person.team_id == team_id, Person.is_admin.is_(True))
            .order_by(Person.user_id)
        )
    )
