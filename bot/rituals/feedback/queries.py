"""Select-based queries on the feedback tables. Every one is scoped by team and none commits."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, case, func, select, update
from sqlalchemy.orm import Session, aliased

from bot.rituals.feedback.domain import (
    OPEN_STATUSES,
    AccountTally,
    Candidate,
    DigestItem,
    Status,
    Window,
    account_key,
)
from bot.rituals.feedback.models import FeedbackAccount, FeedbackItem, FeedbackRequester
from bot.workspace.models import Workspace

CANDIDATE_POOL = 500


def item(session: Session, team_id: str, item_id: int) -> FeedbackItem | None:
    return session.scalars(
        select(FeedbackItem).where(FeedbackItem.team_id == team_id, FeedbackItem.id == item_id)
    ).one_or_none()


def item_by_capture_key(session: Session, team_id: str, capture_key: str) -> FeedbackItem | None:
    return session.scalars(
        select(FeedbackItem).where(
            FeedbackItem.team_id == team_id, FeedbackItem.capture_key == capture_key
        )
    ).one_or_none()


def account(session: Session, team_id: str, account_id: int) -> FeedbackAccount | None:
    return session.scalars(
        select(FeedbackAccount).where(
            FeedbackAccount.team_id == team_id, FeedbackAccount.id == account_id
        )
    ).one_or_none()


def account_by_name(session: Session, team_id: str, name: str) -> FeedbackAccount | None:
    return session.scalars(
        select(FeedbackAccount).where(
            FeedbackAccount.team_id == team_id, FeedbackAccount.name_key == account_key(name)
        )
    ).one_or_none()


def search_accounts(session: Session, team_id: str, typed: str, limit: int) -> list[str]:
    """Names starting with what was typed first, then names containing it."""
    key = account_key(typed)
    pattern = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = session.execute(
        select(FeedbackAccount.name, FeedbackAccount.name_key)
        .where(
            FeedbackAccount.team_id == team_id,
            FeedbackAccount.name_key.like(f"%{pattern}%", escape="\\"),
        )
        .order_by(FeedbackAccount.name_key)
        .limit(limit * 4)
    ).all()
    ranked = sorted(rows, key=lambda row: (not row.name_key.startswith(key), row.name_key))
    return [row.name for row in ranked[:limit]]


def team_ids(session: Session) -> list[str]:
    """The one unscoped query: which workspaces exist (CLI commands without --team)."""
    return list(session.scalars(select(Workspace.team_id).order_by(Workspace.team_id)))


def similarity_candidates(
    session: Session, team_id: str, *, exclude_id: int | None
) -> list[Candidate]:
    """The most recent open, unmerged items: what a new capture is compared with."""
    query = (
        select(FeedbackItem.id, FeedbackItem.text)
        .where(
            FeedbackItem.team_id == team_id,
            FeedbackItem.merged_into_id.is_(None),
            FeedbackItem.status.in_([s.value for s in OPEN_STATUSES]),
        )
        .order_by(FeedbackItem.captured_at.desc(), FeedbackItem.id.desc())
        .limit(CANDIDATE_POOL)
    )
    if exclude_id is not None:
        query = query.where(FeedbackItem.id != exclude_id)
    return [Candidate(row.id, row.text) for row in session.execute(query)]


def requesters(session: Session, team_id: str, item_id: int) -> list[FeedbackRequester]:
    return list(
        session.scalars(
            select(FeedbackRequester).where(
                FeedbackRequester.team_id == team_id, FeedbackRequester.item_id == item_id
            )
        )
    )


def count_requesters(session: Session, team_id: str, item_id: int) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(FeedbackRequester)
            .where(FeedbackRequester.team_id == team_id, FeedbackRequester.item_id == item_id)
        )
        or 0
    )


def repoint_merged(session: Session, team_id: str, source_id: int, target_id: int) -> None:
    """Items merged earlier into `source_id` now point at `target_id` (no chains)."""
    session.execute(
        update(FeedbackItem)
        .where(FeedbackItem.team_id == team_id, FeedbackItem.merged_into_id == source_id)
        .values(merged_into_id=target_id)
    )


def submitters_merged_into(session: Session, team_id: str, item_id: int) -> list[str]:
    return list(
        session.scalars(
            select(FeedbackItem.submitted_by).where(
                FeedbackItem.team_id == team_id, FeedbackItem.merged_into_id == item_id
            )
        )
    )


def account_owners(session: Session, team_id: str, account_ids: Sequence[int]) -> list[str]:
    if not account_ids:
        return []
    return [
        owner
        for owner in session.scalars(
            select(FeedbackAccount.owner_user_id).where(
                FeedbackAccount.team_id == team_id,
                FeedbackAccount.id.in_(account_ids),
                FeedbackAccount.owner_user_id.is_not(None),
            )
        )
        if owner
    ]


# ---- digest aggregations (each one bounded by an index, never by the whole table) ------------


def _scoped(team_id: str, area: str | None) -> list[object]:
    conditions: list[object] = [
        FeedbackItem.team_id == team_id,
        FeedbackItem.merged_into_id.is_(None),
    ]
    if area is not None:
        conditions.append(FeedbackItem.area == area)
    return conditions


def count_captured(session: Session, team_id: str, area: str | None, window: Window) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(FeedbackItem)
            .where(
                *_scoped(team_id, area),  # type: ignore[arg-type]
                FeedbackItem.captured_at >= window.start,
                FeedbackItem.captured_at < window.end,
            )
        )
        or 0
    )


def count_by_area(
    session: Session, team_id: str, area: str | None, window: Window
) -> list[tuple[str, int]]:
    rows = session.execute(
        select(FeedbackItem.area, func.count())
        .where(
            *_scoped(team_id, area),  # type: ignore[arg-type]
            FeedbackItem.captured_at >= window.start,
            FeedbackItem.captured_at < window.end,
        )
        .group_by(FeedbackItem.area)
    ).all()
    tallies = [(row[0] or "No area", int(row[1])) for row in rows]
    return sorted(tallies, key=lambda pair: (-pair[1], pair[0]))


def top_accounts(
    session: Session, team_id: str, area: str | None, window: Window, limit: int
) -> list[AccountTally]:
    """The accounts with most ARR-weighted items in the window, ranked in the database so only
    `limit` rows come back however many accounts spoke (see `AccountTally.weight`)."""
    per_account = (
        select(FeedbackItem.account_id, func.count().label("item_count"))
        .where(
            *_scoped(team_id, area),  # type: ignore[arg-type]
            FeedbackItem.captured_at >= window.start,
            FeedbackItem.captured_at < window.end,
            FeedbackItem.account_id.is_not(None),
        )
        .group_by(FeedbackItem.account_id)
        .subquery()
    )
    arr_or_one = case((FeedbackAccount.arr >= 1, FeedbackAccount.arr), else_=1)
    rows = session.execute(
        select(FeedbackAccount.name, FeedbackAccount.arr, per_account.c.item_count)
        .join(per_account, per_account.c.account_id == FeedbackAccount.id)
        .where(FeedbackAccount.team_id == team_id)
        .order_by(
            (per_account.c.item_count * arr_or_one).desc(),
            per_account.c.item_count.desc(),
            FeedbackAccount.name_key,
        )
        .limit(limit)
    ).all()
    return [AccountTally(row.name, int(row.item_count), row.arr) for row in rows]


def _digest_items(session: Session, query: object) -> list[DigestItem]:
    acct = aliased(FeedbackAccount)
    statement = query.add_columns(acct.name).outerjoin(  # type: ignore[attr-defined]
        acct, acct.id == FeedbackItem.account_id
    )
    return [
        DigestItem(
            item_id=row.FeedbackItem.id,
            text=row.FeedbackItem.text,
            account_name=row.name,
            area=row.FeedbackItem.area,
            status=Status(row.FeedbackItem.status),
            request_count=row.FeedbackItem.request_count,
            captured_at=row.FeedbackItem.captured_at,
            permalink=row.FeedbackItem.permalink or row.FeedbackItem.link,
        )
        for row in session.execute(statement)
    ]


def most_requested(
    session: Session, team_id: str, area: str | None, limit: int
) -> list[DigestItem]:
    query = (
        select(FeedbackItem)
        .where(
            *_scoped(team_id, area),  # type: ignore[arg-type]
            FeedbackItem.status.in_([s.value for s in OPEN_STATUSES]),
            FeedbackItem.request_count > 1,
        )
        .order_by(FeedbackItem.request_count.desc(), FeedbackItem.id)
        .limit(limit)
    )
    return _digest_items(session, query)


def awaiting_review(
    session: Session, team_id: str, area: str | None, limit: int
) -> list[DigestItem]:
    query = (
        select(FeedbackItem)
        .where(*_scoped(team_id, area), FeedbackItem.status == Status.NEW.value)  # type: ignore[arg-type]
        .order_by(FeedbackItem.captured_at, FeedbackItem.id)
        .limit(limit)
    )
    return _digest_items(session, query)


def count_awaiting_review(session: Session, team_id: str, area: str | None) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(FeedbackItem)
            .where(*_scoped(team_id, area), FeedbackItem.status == Status.NEW.value)  # type: ignore[arg-type]
        )
        or 0
    )


def new_items(
    session: Session, team_id: str, area: str | None, window: Window, limit: int
) -> list[DigestItem]:
    query = (
        select(FeedbackItem)
        .where(
            *_scoped(team_id, area),  # type: ignore[arg-type]
            FeedbackItem.captured_at >= window.start,
            FeedbackItem.captured_at < window.end,
        )
        .order_by(FeedbackItem.captured_at.desc(), FeedbackItem.id.desc())
        .limit(limit)
    )
    return _digest_items(session, query)


def _review_seconds(session: Session) -> ColumnElement[Any]:
    """Seconds from capture to first review, in each backend's own date arithmetic."""
    if session.get_bind().dialect.name == "sqlite":
        days = func.julianday(FeedbackItem.reviewed_at) - func.julianday(FeedbackItem.captured_at)
        return days * 86400.0
    return func.extract("epoch", FeedbackItem.reviewed_at - FeedbackItem.captured_at)


def median_review_seconds(
    session: Session, team_id: str, area: str | None, since: datetime, until: datetime
) -> float | None:
    """Median time to review of the items first reviewed in [since, until), computed in the
    database (a count, then the middle row or two of the sorted durations): constant memory."""
    conditions = [
        *_scoped(team_id, area),
        FeedbackItem.reviewed_at >= since,
        FeedbackItem.reviewed_at < until,
    ]
    total = int(
        session.scalar(select(func.count()).select_from(FeedbackItem).where(*conditions)) or 0  # type: ignore[arg-type]
    )
    if total == 0:
        return None
    seconds = _review_seconds(session)
    middle = session.scalars(
        select(seconds)
        .where(*conditions)  # type: ignore[arg-type]
        .order_by(seconds)
        .offset((total - 1) // 2)
        .limit(1 if total % 2 else 2)
    ).all()
    # whole seconds: SQLite's julianday arithmetic carries float noise in the microseconds
    return float(round(sum(float(value) for value in middle) / len(middle)))


def export_rows(
    session: Session, team_id: str, since: datetime | None, submitted_by: str | None = None
) -> Iterator[tuple[FeedbackItem, str | None]]:
    acct = aliased(FeedbackAccount)
    query = (
        select(FeedbackItem, acct.name)
        .outerjoin(acct, acct.id == FeedbackItem.account_id)
        .where(FeedbackItem.team_id == team_id)
        .order_by(FeedbackItem.captured_at, FeedbackItem.id)
        .execution_options(yield_per=1000)
    )
    if since is not None:
        query = query.where(FeedbackItem.captured_at >= since)
    if submitted_by is not None:
        query = query.where(FeedbackItem.submitted_by == submitted_by)
    for row in session.execute(query):
        yield row[0], row[1]


def recent_by_submitter(
    session: Session, team_id: str, user_id: str, limit: int
) -> list[DigestItem]:
    query = (
        select(FeedbackItem)
        .where(
            FeedbackItem.team_id == team_id,
            FeedbackItem.submitted_by == user_id,
            FeedbackItem.merged_into_id.is_(None),
        )
        .order_by(FeedbackItem.captured_at.desc(), FeedbackItem.id.desc())
        .limit(limit)
    )
    return _digest_items(session, query)


def awaiting_review_in_areas(
    session: Session, team_id: str, areas: Sequence[str] | None, limit: int
) -> list[DigestItem]:
    query = (
        select(FeedbackItem)
        .where(
            FeedbackItem.team_id == team_id,
            FeedbackItem.merged_into_id.is_(None),
            FeedbackItem.status == Status.NEW.value,
        )
        .order_by(FeedbackItem.captured_at, FeedbackItem.id)
        .limit(limit)
    )
    if areas is not None:
        query = query.where(FeedbackItem.area.in_(list(areas)))
    return _digest_items(session, query)
