"""Select-based queries on delivery rows. They never commit: the caller owns the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select, tuple_, update
from sqlalchemy.orm import Session

from bot.outbox.domain import DeliveryState
from bot.outbox.models import Delivery
from bot.workspace.models import Person

# Statements that name rows by id take at most this many ids (SQLite's bound-parameter limit).
ID_CHUNK = 500


@dataclass(frozen=True)
class PendingRow:
    """A pending row as the sender sees it when taking channels (no text or blocks)."""

    id: int
    team_id: str
    channel_id: str
    ritual: str
    period: str
    attempts: int
    lease_owner: str | None
    lease_until: datetime | None
    updated_at: datetime


def pending_not_held_by(session: Session, *, owner: str) -> list[PendingRow]:
    """Every pending row that `owner` does not hold, oldest first: one query, whatever the
    number of rows (the sender decides which channels it may take)."""
    query = (
        select(
            Delivery.id,
            Delivery.team_id,
            Delivery.channel_id,
            Delivery.ritual,
            Delivery.period,
            Delivery.attempts,
            Delivery.lease_owner,
            Delivery.lease_until,
            Delivery.updated_at,
        )
        .where(
            Delivery.state == DeliveryState.PENDING.value,
            or_(Delivery.lease_owner.is_(None), Delivery.lease_owner != owner),
        )
        .order_by(Delivery.id)
    )
    return [PendingRow(*row) for row in session.execute(query)]


def take(
    session: Session,
    *,
    ids: Sequence[int],
    owner: str,
    now: datetime,
    until: datetime,
    gone_owners: Sequence[str],
) -> list[int]:
    """Takes the lease on the given pending rows where it is free, expired, ours or held by an
    owner known to be dead; returns the ids taken."""
    free = or_(
        Delivery.lease_owner.is_(None),
        Delivery.lease_until.is_(None),
        Delivery.lease_until < now,
        Delivery.lease_owner == owner,
        Delivery.lease_owner.in_(list(gone_owners)),
    )
    taken: list[int] = []
    for chunk in _chunks(ids):
        result = session.execute(
            update(Delivery)
            .where(Delivery.id.in_(chunk), Delivery.state == DeliveryState.PENDING.value, free)
            .values(lease_owner=owner, lease_until=until)
            .returning(Delivery.id)
        )
        taken.extend(result.scalars())
    return taken


def last_sent(
    session: Session, channels: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], datetime]:
    """When each (team, channel) last had a post recorded as sent."""
    found: dict[tuple[str, str], datetime] = {}
    step = ID_CHUNK // 2
    for start in range(0, len(channels), step):
        chunk = list(channels[start : start + step])
        query = (
            select(Delivery.team_id, Delivery.channel_id, func.max(Delivery.sent_at))
            .where(
                tuple_(Delivery.team_id, Delivery.channel_id).in_(chunk),
                Delivery.state == DeliveryState.SENT.value,
            )
            .group_by(Delivery.team_id, Delivery.channel_id)
        )
        for team, channel, at in session.execute(query):
            if at is not None:
                found[(team, channel)] = at
    return found


def renew(session: Session, *, owner: str, until: datetime) -> None:
    session.execute(
        update(Delivery)
        .where(Delivery.lease_owner == owner, Delivery.state == DeliveryState.PENDING.value)
        .values(lease_until=until)
    )


def let_go(session: Session, *, owner: str, now: datetime) -> None:
    """Gives back every pending row `owner` holds (a sender stopping on purpose)."""
    session.execute(
        update(Delivery)
        .where(Delivery.lease_owner == owner, Delivery.state == DeliveryState.PENDING.value)
        .values(lease_owner=None, lease_until=None, updated_at=now)
    )


def held_rows(session: Session, *, ids: Sequence[int], owner: str) -> list[Delivery]:
    """The given rows that are still pending and held by `owner`, with everything to post."""
    rows: list[Delivery] = []
    for chunk in _chunks(ids):
        rows.extend(
            session.scalars(
                select(Delivery).where(
                    Delivery.id.in_(chunk),
                    Delivery.lease_owner == owner,
                    Delivery.state == DeliveryState.PENDING.value,
                )
            )
        )
    return rows


PartKey = tuple[str, str, str, str, str]  # team, ritual, period, channel, part


def parts_state(session: Session, keys: Sequence[PartKey]) -> dict[PartKey, tuple[str, str | None]]:
    """(state, ts) of the rows named by (team, ritual, period, channel, part)."""
    found: dict[PartKey, tuple[str, str | None]] = {}
    if not keys:
        return found
    columns = (
        Delivery.team_id,
        Delivery.ritual,
        Delivery.period,
        Delivery.channel_id,
        Delivery.part,
    )
    for start in range(0, len(keys), ID_CHUNK // 5):
        chunk = list(keys[start : start + ID_CHUNK // 5])
        query = select(*columns, Delivery.state, Delivery.ts).where(tuple_(*columns).in_(chunk))
        for team, ritual, period, channel, part, state, ts in session.execute(query):
            found[(team, ritual, period, channel, part)] = (state, ts)
    return found


def mark_attempted(session: Session, *, ids: Sequence[int], now: datetime, until: datetime) -> None:
    for chunk in _chunks(ids):
        session.execute(
            update(Delivery)
            .where(Delivery.id.in_(chunk))
            .values(attempts=Delivery.attempts + 1, lease_until=until, updated_at=now)
        )


def mark_sent(
    session: Session, *, sent: Sequence[tuple[int, str, datetime]], now: datetime
) -> None:
    """Records many posts (id, ts, when Slack answered) at once (one executemany)."""
    if not sent:
        return
    session.execute(
        update(Delivery),
        [
            {
                "id": row_id,
                "state": DeliveryState.SENT.value,
                "ts": ts,
                "error": None,
                "sent_at": answered,
                "updated_at": now,
                "lease_until": None,
                "lease_owner": None,
            }
            for row_id, ts, answered in sent
        ],
    )


def note_errors(session: Session, *, errors: Sequence[tuple[int, str]], now: datetime) -> None:
    """Records why rows that will be tried again were not sent (the lease stays)."""
    if not errors:
        return
    session.execute(
        update(Delivery),
        [{"id": row_id, "error": error[:255], "updated_at": now} for row_id, error in errors],
    )


GroupKey = tuple[str, str, str, str]  # team, ritual, period, channel


def complete_groups(session: Session, groups: Sequence[GroupKey]) -> dict[GroupKey, dict[str, str]]:
    """Of the given groups, those whose every row is sent, with part -> ts."""
    columns = (Delivery.team_id, Delivery.ritual, Delivery.period, Delivery.channel_id)
    step = ID_CHUNK // 4
    unsent: set[GroupKey] = set()
    for start in range(0, len(groups), step):
        chunk = list(groups[start : start + step])
        query = (
            select(*columns)
            .where(tuple_(*columns).in_(chunk), Delivery.state != DeliveryState.SENT.value)
            .distinct()
        )
        unsent.update((t, r, p, c) for t, r, p, c in session.execute(query))
    complete = [group for group in groups if group not in unsent]
    found: dict[GroupKey, dict[str, str]] = {}
    for start in range(0, len(complete), step):
        chunk = list(complete[start : start + step])
        parts = select(*columns, Delivery.part, Delivery.ts).where(tuple_(*columns).in_(chunk))
        for team, ritual, period, channel, part, ts in session.execute(parts):
            found.setdefault((team, ritual, period, channel), {})[part] = ts or ""
    return found


def _chunks(ids: Sequence[int]) -> list[list[int]]:
    return [list(ids[i : i + ID_CHUNK]) for i in range(0, len(ids), ID_CHUNK)]


def group_rows(
    session: Session, *, team_id: str, ritual: str, period: str, channel_id: str
) -> Sequence[Delivery]:
    return session.scalars(
        select(Delivery)
        .where(
            Delivery.team_id == team_id,
            Delivery.ritual == ritual,
            Delivery.period == period,
            Delivery.channel_id == channel_id,
        )
        .order_by(Delivery.id)
    ).all()


def existing_parts(
    session: Session, *, team_id: str, ritual: str, period: str, channel_id: str
) -> set[str]:
    return set(
        session.scalars(
            select(Delivery.part).where(
                Delivery.team_id == team_id,
                Delivery.ritual == ritual,
                Delivery.period == period,
                Delivery.channel_id == channel_id,
            )
        )
    )


def last_run_now(session: Session, *, team_id: str, ritual: str) -> datetime | None:
    """When the ritual was last run on demand in the workspace (its `now-...` periods)."""
    return session.scalar(
        select(func.max(Delivery.created_at)).where(
            Delivery.team_id == team_id,
            Delivery.ritual == ritual,
            Delivery.period.like("now-%"),
        )
    )


def channels_with_rows(
    session: Session, *, team_id: str, ritual: str, period: str, channel_ids: Sequence[str]
) -> set[str]:
    return set(
        session.scalars(
            select(Delivery.channel_id)
            .where(
                Delivery.team_id == team_id,
                Delivery.ritual == ritual,
                Delivery.period == period,
                Delivery.channel_id.in_(list(channel_ids)),
            )
            .distinct()
        )
    )


def sent_ts(
    session: Session, *, team_id: str, ritual: str, period: str, channel_id: str, part: str
) -> str | None:
    return session.scalars(
        select(Delivery.ts).where(
            Delivery.team_id == team_id,
            Delivery.ritual == ritual,
            Delivery.period == period,
            Delivery.channel_id == channel_id,
            Delivery.part == part,
            Delivery.state == DeliveryState.SENT.value,
        )
    ).one_or_none()


def fail_pending_in_group(
    session: Session, *, row: Delivery, error: str, now: datetime
) -> list[int]:
    """Fails the rest of `row`'s run in its channel; returns the ids failed."""
    result = session.execute(
        update(Delivery)
        .where(
            and_(
                Delivery.team_id == row.team_id,
                Delivery.ritual == row.ritual,
                Delivery.period == row.period,
                Delivery.channel_id == row.channel_id,
                Delivery.state == DeliveryState.PENDING.value,
            )
        )
        .values(
            state=DeliveryState.FAILED.value,
            error=error,
            lease_until=None,
            lease_owner=None,
            updated_at=now,
        )
        .returning(Delivery.id)
    )
    return list(result.scalars())


def admin_user_ids(session: Session, *, team_id: str) -> list[str]:
    return list(
        session.scalars(
            select(Person.user_id)
            .where(Person.team_id == team_id, Person.is_admin.is_(True))
            .order_by(Person.user_id)
        )
    )
