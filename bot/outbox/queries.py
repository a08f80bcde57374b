"""Select-based queries on delivery rows. They never commit: the caller owns the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from bot.outbox.domain import DeliveryState
from bot.outbox.models import Delivery
from bot.workspace.models import Person


def sendable_ids(session: Session, *, now: datetime, exclude: set[int], limit: int) -> list[int]:
    """Pending rows not leased by a live sender, oldest first (crash recovery included)."""
    query = (
        select(Delivery.id)
        .where(
            Delivery.state == DeliveryState.PENDING.value,
            or_(Delivery.lease_until.is_(None), Delivery.lease_until < now),
        )
        .order_by(Delivery.id)
        .limit(limit + len(exclude))
    )
    return [row_id for row_id in session.scalars(query) if row_id not in exclude][:limit]


def claim(
    session: Session, *, delivery_id: int, owner: str, now: datetime, until: datetime
) -> bool:
    """Atomically takes the lease on one pending row; False when someone else holds it."""
    result = session.execute(
        update(Delivery)
        .where(
            Delivery.id == delivery_id,
            Delivery.state == DeliveryState.PENDING.value,
            or_(
                Delivery.lease_until.is_(None),
                Delivery.lease_until < now,
                Delivery.lease_owner == owner,
            ),
        )
        .values(
            lease_owner=owner,
            lease_until=until,
            attempts=Delivery.attempts + 1,
            updated_at=now,
        )
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


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


def fail_pending_in_group(session: Session, *, row: Delivery, error: str, now: datetime) -> int:
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
    )
    return int(getattr(result, "rowcount", 0) or 0)


def admin_user_ids(session: Session, *, team_id: str) -> list[str]:
    return list(
        session.scalars(
            select(Person.user_id)
            .where(Person.team_id == team_id, Person.is_admin.is_(True))
            .order_by(Person.user_id)
        )
    )
