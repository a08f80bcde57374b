"""Select-based queries on release rows (and a read-only search of feedback for the composer).
Every query is scoped by `team_id`; none commits: the caller owns the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from bot.rituals.feedback.models import FeedbackAccount, FeedbackItem
from bot.rituals.releases.domain import ReleaseState
from bot.rituals.releases.models import Release, ReleaseAck, ReleaseLoop, ReleasePost
from bot.workspace.models import Person


def release(
    session: Session, team_id: str, release_id: int, *, lock: bool = False
) -> Release | None:
    query = select(Release).where(Release.team_id == team_id, Release.id == release_id)
    if lock:
        query = query.with_for_update()
    return session.scalars(query).one_or_none()


def due_releases(session: Session, now: datetime, limit: int = 100) -> list[tuple[str, int]]:
    """(team, release) of scheduled releases whose time has come, across workspaces (the
    frequently-run publishing job; each one is then loaded and locked in its own workspace)."""
    rows = session.execute(
        select(Release.team_id, Release.id)
        .where(Release.state == ReleaseState.SCHEDULED.value, Release.publish_at <= now)
        .order_by(Release.publish_at)
        .limit(limit)
    ).all()
    return [(row.team_id, row.id) for row in rows]


def published_not_followed_up(session: Session, limit: int = 100) -> list[tuple[str, int]]:
    """(team, release) of published releases whose follow-up (acknowledgements asked,
    feedback closed) has not finished, e.g. because the process stopped right after publishing."""
    rows = session.execute(
        select(Release.team_id, Release.id)
        .where(Release.state == ReleaseState.PUBLISHED.value, Release.followed_up_at.is_(None))
        .order_by(Release.published_at)
        .limit(limit)
    ).all()
    return [(row.team_id, row.id) for row in rows]


def closed_item_ids(session: Session, team_id: str, release_id: int) -> set[int]:
    return set(
        session.scalars(
            select(ReleaseLoop.item_id).where(
                ReleaseLoop.team_id == team_id, ReleaseLoop.release_id == release_id
            )
        )
    )


def posts(session: Session, team_id: str, release_id: int) -> Sequence[ReleasePost]:
    return session.scalars(
        select(ReleasePost)
        .where(ReleasePost.team_id == team_id, ReleasePost.release_id == release_id)
        .order_by(ReleasePost.channel_id, ReleasePost.part)
    ).all()


def post(
    session: Session, team_id: str, release_id: int, channel_id: str, part: str
) -> ReleasePost | None:
    return session.scalars(
        select(ReleasePost).where(
            ReleasePost.team_id == team_id,
            ReleasePost.release_id == release_id,
            ReleasePost.channel_id == channel_id,
            ReleasePost.part == part,
        )
    ).one_or_none()


def ack(session: Session, team_id: str, release_id: int, user_id: str) -> ReleaseAck | None:
    return session.scalars(
        select(ReleaseAck).where(
            ReleaseAck.team_id == team_id,
            ReleaseAck.release_id == release_id,
            ReleaseAck.user_id == user_id,
        )
    ).one_or_none()


def ack_counts(session: Session, team_id: str, release_id: int) -> tuple[int, int]:
    """(acknowledged, asked) for one release."""
    row = session.execute(
        select(func.count(ReleaseAck.acknowledged_at), func.count(ReleaseAck.id)).where(
            ReleaseAck.team_id == team_id, ReleaseAck.release_id == release_id
        )
    ).one()
    return int(row[0]), int(row[1])


def acks_to_remind(
    session: Session, team_id: str, *, published_before: datetime, limit: int = 1000
) -> list[tuple[int, str, str | None]]:
    """(release, user, time zone) of people not yet acknowledging nor reminded, on releases
    published before `published_before`."""
    rows = session.execute(
        select(ReleaseAck.release_id, ReleaseAck.user_id, Person.time_zone)
        .join(Release, Release.id == ReleaseAck.release_id)
        .outerjoin(
            Person, (Person.team_id == ReleaseAck.team_id) & (Person.user_id == ReleaseAck.user_id)
        )
        .where(
            ReleaseAck.team_id == team_id,
            ReleaseAck.acknowledged_at.is_(None),
            ReleaseAck.reminded_at.is_(None),
            Release.team_id == team_id,
            Release.published_at <= published_before,
        )
        .order_by(ReleaseAck.id)
        .limit(limit)
    ).all()
    return [(row.release_id, row.user_id, row.time_zone) for row in rows]


def teams_with_pending_acks(session: Session) -> list[str]:
    return list(
        session.scalars(
            select(ReleaseAck.team_id)
            .where(ReleaseAck.acknowledged_at.is_(None), ReleaseAck.reminded_at.is_(None))
            .distinct()
        )
    )


def recent_published(session: Session, team_id: str, limit: int) -> Sequence[Release]:
    return session.scalars(
        select(Release)
        .where(Release.team_id == team_id, Release.state == ReleaseState.PUBLISHED.value)
        .order_by(Release.published_at.desc(), Release.id.desc())
        .limit(limit)
    ).all()


def drafts_of(session: Session, team_id: str, user_id: str, limit: int) -> Sequence[Release]:
    open_states = [
        ReleaseState.DRAFT.value,
        ReleaseState.CHANGES_REQUESTED.value,
        ReleaseState.AWAITING_APPROVAL.value,
        ReleaseState.SCHEDULED.value,
    ]
    return session.scalars(
        select(Release)
        .where(
            Release.team_id == team_id,
            Release.author_id == user_id,
            Release.state.in_(open_states),
        )
        .order_by(Release.updated_at.desc(), Release.id.desc())
        .limit(limit)
    ).all()


def awaiting_approval(session: Session, team_id: str, limit: int) -> Sequence[Release]:
    return session.scalars(
        select(Release)
        .where(Release.team_id == team_id, Release.state == ReleaseState.AWAITING_APPROVAL.value)
        .order_by(Release.updated_at, Release.id)
        .limit(limit)
    ).all()


def published_between(
    session: Session, team_id: str, start: datetime, end: datetime
) -> Sequence[Release]:
    return session.scalars(
        select(Release)
        .where(
            Release.team_id == team_id,
            Release.state == ReleaseState.PUBLISHED.value,
            Release.published_at >= start,
            Release.published_at < end,
        )
        .order_by(Release.published_at, Release.id)
    ).all()


def loops_of(session: Session, team_id: str, release_ids: Sequence[int]) -> Sequence[ReleaseLoop]:
    if not release_ids:
        return []
    return session.scalars(
        select(ReleaseLoop).where(
            ReleaseLoop.team_id == team_id, ReleaseLoop.release_id.in_(list(release_ids))
        )
    ).all()


def ack_totals(session: Session, team_id: str, release_ids: Sequence[int]) -> tuple[int, int]:
    if not release_ids:
        return 0, 0
    row = session.execute(
        select(func.count(ReleaseAck.acknowledged_at), func.count(ReleaseAck.id)).where(
            ReleaseAck.team_id == team_id, ReleaseAck.release_id.in_(list(release_ids))
        )
    ).one()
    return int(row[0]), int(row[1])


def export_rows(session: Session, team_id: str, since: datetime | None) -> Sequence[Release]:
    query = select(Release).where(Release.team_id == team_id)
    if since is not None:
        query = query.where(Release.created_at >= since)
    return session.scalars(query.order_by(Release.id)).all()


def admin_ids(session: Session, team_id: str) -> list[str]:
    return list(
        session.scalars(
            select(Person.user_id)
            .where(Person.team_id == team_id, Person.is_admin.is_(True))
            .order_by(Person.user_id)
        )
    )


def team_ids(session: Session) -> list[str]:
    return list(session.scalars(select(Release.team_id).distinct().order_by(Release.team_id)))


# ---- feedback, read-only, for the composer's related-feedback select --------------------------


def search_feedback(
    session: Session, team_id: str, typed: str, limit: int
) -> list[tuple[int, str, str | None]]:
    """(id, text, account) of open feedback whose text or account name contains `typed`
    (case-insensitive), most requested first. Shipped, declined and merged items are left out."""
    words = typed.strip().lower()
    pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    query = (
        select(FeedbackItem.id, FeedbackItem.text, FeedbackAccount.name)
        .outerjoin(
            FeedbackAccount,
            (FeedbackAccount.id == FeedbackItem.account_id)
            & (FeedbackAccount.team_id == FeedbackItem.team_id),
        )
        .where(
            FeedbackItem.team_id == team_id,
            FeedbackItem.merged_into_id.is_(None),
            FeedbackItem.status.notin_(["shipped", "declined"]),
        )
    )
    if words:
        condition: list[ColumnElement[bool]] = [
            func.lower(FeedbackItem.text).like(pattern, escape="\\")
        ]
        condition.append(func.lower(FeedbackAccount.name).like(pattern, escape="\\"))
        if words.lstrip("#").isdigit():
            condition.append(FeedbackItem.id == int(words.lstrip("#")))
        query = query.where(or_(*condition))
    rows = session.execute(
        query.order_by(FeedbackItem.request_count.desc(), FeedbackItem.id.desc()).limit(limit)
    ).all()
    return [(row[0], row[1], row[2]) for row in rows]


def feedback_labels(
    session: Session, team_id: str, item_ids: Sequence[int]
) -> list[tuple[int, str, str | None]]:
    """(id, text, account) of the given items in this workspace (initial options, previews)."""
    if not item_ids:
        return []
    rows = session.execute(
        select(FeedbackItem.id, FeedbackItem.text, FeedbackAccount.name)
        .outerjoin(FeedbackAccount, FeedbackAccount.id == FeedbackItem.account_id)
        .where(FeedbackItem.team_id == team_id, FeedbackItem.id.in_(list(item_ids)))
        .order_by(FeedbackItem.id)
    ).all()
    return [(row[0], row[1], row[2]) for row in rows]
