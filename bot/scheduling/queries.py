"""Select-based reads for a batch of due runs. They never commit: the caller owns the transaction.

A thousand workspaces due at once are read with a handful of statements (schedules with their
workspace's zone in one, the channels already done for their periods in a few), never one round
trip per workspace.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.outbox.models import Delivery
from bot.scheduling.domain import ScheduleRule, ScheduleView
from bot.scheduling.models import RitualSchedule
from bot.workspace.models import Workspace

# Far below SQLite's bound-parameter limit, and small enough for Postgres to plan quickly.
IN_BATCH = 500

DoneKey = tuple[str, str, str, str]  # (team, ritual, period, channel)


def schedules_by_id(session: Session, ids: Collection[int]) -> list[ScheduleView]:
    """The schedules with these ids, each with its effective zone (its own, else its
    workspace's, else UTC)."""
    wanted = sorted(set(ids))
    found: list[ScheduleView] = []
    for start in range(0, len(wanted), IN_BATCH):
        rows = session.execute(
            select(RitualSchedule, Workspace.time_zone)
            .outerjoin(Workspace, Workspace.team_id == RitualSchedule.team_id)
            .where(RitualSchedule.id.in_(wanted[start : start + IN_BATCH]))
            .order_by(RitualSchedule.id)
        ).all()
        found += [view_of(row, workspace_zone or "UTC") for row, workspace_zone in rows]
    return found


def all_schedules(session: Session) -> list[ScheduleView]:
    """Every workspace's schedules, ordered by workspace then id, each with its effective zone."""
    rows = session.execute(
        select(RitualSchedule, Workspace.time_zone)
        .join(Workspace, Workspace.team_id == RitualSchedule.team_id)
        .order_by(Workspace.team_id, RitualSchedule.id)
    ).all()
    return [view_of(row, workspace_zone or "UTC") for row, workspace_zone in rows]


def done_channels(session: Session, runs: Iterable[tuple[str, str, str]]) -> set[DoneKey]:
    """Which (team, ritual, period, channel) already have delivery rows, for the given
    (team, ritual, period) runs: a re-fired or caught-up run composes nothing for them."""
    keys = set(runs)
    teams = sorted({team for team, _, _ in keys})
    rituals = sorted({ritual for _, ritual, _ in keys})
    periods = sorted({period for _, _, period in keys})
    done: set[DoneKey] = set()
    if not keys:
        return done
    for start in range(0, len(teams), IN_BATCH):
        rows = session.execute(
            select(Delivery.team_id, Delivery.ritual, Delivery.period, Delivery.channel_id)
            .where(
                Delivery.team_id.in_(teams[start : start + IN_BATCH]),
                Delivery.ritual.in_(rituals),
                Delivery.period.in_(periods),
            )
            .distinct()
        ).all()
        done |= {
            (team, ritual, period, channel)
            for team, ritual, period, channel in rows
            if (team, ritual, period) in keys
        }
    return done


def view_of(row: RitualSchedule, workspace_zone: str) -> ScheduleView:
    return ScheduleView(
        id=row.id,
        team_id=row.team_id,
        ritual=row.ritual,
        key=row.key,
        channel_ids=list(row.channel_ids),
        rule=ScheduleRule.from_json(row.rule),
        time_zone=row.time_zone or workspace_zone,
        enabled=row.enabled,
        options=dict(row.options),
        updated_at=row.updated_at,
    )
