"""Select-based queries on the reporting tables (and who took part in the rituals). Every one
is scoped by team; none commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, union, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.rituals.feedback.models import FeedbackItem
from bot.rituals.reporting.models import PulseAnswer, PulseInvitee, PulseSurvey, ReportUpload
from bot.rituals.triage.models import Ticket
from bot.workspace.models import Person, Role


def _insert_once(session: Session, model: type[Any], values: dict[str, Any]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING, in each backend's dialect."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(pg_insert(model).values(**values).on_conflict_do_nothing())
    else:
        session.execute(sqlite_insert(model).values(**values).on_conflict_do_nothing())


def add_upload_once(
    session: Session,
    *,
    team_id: str,
    period: str,
    channel_id: str,
    stats_period: str,
    as_of: datetime,
) -> None:
    """The report's upload guard row; an existing one (a re-composed report) is kept as is."""
    _insert_once(
        session,
        ReportUpload,
        {
            "team_id": team_id,
            "period": period,
            "channel_id": channel_id,
            "stats_period": stats_period,
            "as_of": as_of,
            "file_ids": [],
        },
    )


def upload_row(
    session: Session, *, team_id: str, period: str, channel_id: str
) -> ReportUpload | None:
    return session.scalars(
        select(ReportUpload).where(
            ReportUpload.team_id == team_id,
            ReportUpload.period == period,
            ReportUpload.channel_id == channel_id,
        )
    ).one_or_none()


def claim_upload(
    session: Session,
    *,
    team_id: str,
    period: str,
    channel_id: str,
    now: datetime,
    abandoned_before: datetime,
) -> bool:
    """Takes the upload: only one caller wins, and never once it was uploaded. A claim left
    behind by a crash (claimed before `abandoned_before`, never finished) may be taken again."""
    result = session.execute(
        update(ReportUpload)
        .where(
            ReportUpload.team_id == team_id,
            ReportUpload.period == period,
            ReportUpload.channel_id == channel_id,
            ReportUpload.uploaded_at.is_(None),
            or_(ReportUpload.claimed_at.is_(None), ReportUpload.claimed_at < abandoned_before),
        )
        .values(claimed_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


def survey(session: Session, team_id: str, survey_id: int) -> PulseSurvey | None:
    return session.scalars(
        select(PulseSurvey).where(PulseSurvey.team_id == team_id, PulseSurvey.id == survey_id)
    ).one_or_none()


def survey_for_period(session: Session, team_id: str, period: str) -> PulseSurvey | None:
    return session.scalars(
        select(PulseSurvey).where(PulseSurvey.team_id == team_id, PulseSurvey.period == period)
    ).one_or_none()


def invitees(session: Session, team_id: str, survey_id: int) -> list[str]:
    return list(
        session.scalars(
            select(PulseInvitee.user_id)
            .where(PulseInvitee.team_id == team_id, PulseInvitee.survey_id == survey_id)
            .order_by(PulseInvitee.user_id)
        )
    )


def is_invited(session: Session, team_id: str, survey_id: int, user_id: str) -> bool:
    return (
        session.scalar(
            select(PulseInvitee.user_id).where(
                PulseInvitee.team_id == team_id,
                PulseInvitee.survey_id == survey_id,
                PulseInvitee.user_id == user_id,
            )
        )
        is not None
    )


def answer(session: Session, team_id: str, survey_id: int, user_id: str) -> PulseAnswer | None:
    return session.scalars(
        select(PulseAnswer).where(
            PulseAnswer.team_id == team_id,
            PulseAnswer.survey_id == survey_id,
            PulseAnswer.user_id == user_id,
        )
    ).one_or_none()


def add_answer_once(
    session: Session, *, team_id: str, survey_id: int, user_id: str, now: datetime
) -> None:
    """The person's one answer row (two clicks at once still make one: ON CONFLICT)."""
    _insert_once(
        session,
        PulseAnswer,
        {
            "team_id": team_id,
            "survey_id": survey_id,
            "user_id": user_id,
            "answered_at": now,
            "updated_at": now,
        },
    )


def participants(session: Session, team_id: str, since: datetime) -> Sequence[str]:
    """PMs and the other people who take part: enrolled PMs, sales and support people, and
    whoever captured feedback or decided a ticket since `since`."""
    enrolled = select(Person.user_id.label("user_id")).where(
        Person.team_id == team_id,
        Person.role.in_([Role.PM.value, Role.SALES.value, Role.SUPPORT.value]),
    )
    captured = select(FeedbackItem.submitted_by.label("user_id")).where(
        FeedbackItem.team_id == team_id, FeedbackItem.captured_at >= since
    )
    decided = select(Ticket.decided_by.label("user_id")).where(
        Ticket.team_id == team_id, Ticket.decided_at >= since, Ticket.decided_by.is_not(None)
    )
    everyone = union(enrolled, captured, decided).subquery()
    return list(session.scalars(select(everyone.c.user_id).distinct().order_by(everyone.c.user_id)))


def pending_uploads(session: Session, since: datetime) -> list[tuple[str, str, str]]:
    """Every workspace's reports composed since `since` whose charts are not uploaded yet
    (housekeeping's retry; older ones, whose message never went out, are left alone)."""
    rows = session.execute(
        select(ReportUpload.team_id, ReportUpload.period, ReportUpload.channel_id)
        .where(ReportUpload.uploaded_at.is_(None), ReportUpload.as_of >= since)
        .order_by(ReportUpload.id)
        .limit(100)
    ).all()
    return [(row[0], row[1], row[2]) for row in rows]
