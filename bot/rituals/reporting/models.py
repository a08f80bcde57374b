"""Reporting tables: the ops report's chart uploads and the pulse survey.

`ops_report_uploads` is the guard that makes the chart upload happen once per report and
channel, whatever restarts or repeated delivery hooks happen; it also keeps the moment the
report was composed, so the charts show the same numbers as the message.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base


class ReportUpload(Base):
    __tablename__ = "ops_report_uploads"
    __table_args__ = (
        UniqueConstraint("team_id", "period", "channel_id", name="uq_ops_report_uploads_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("workspaces.team_id", ondelete="CASCADE")
    )
    period: Mapped[str] = mapped_column(String(64))
    channel_id: Mapped[str] = mapped_column(String(32))
    stats_period: Mapped[str] = mapped_column(String(16))
    as_of: Mapped[datetime]
    claimed_at: Mapped[datetime | None] = mapped_column(default=None)
    uploaded_at: Mapped[datetime | None] = mapped_column(default=None)
    file_ids: Mapped[list[str]] = mapped_column(JSON, default=list)


class PulseSurvey(Base):
    """One run of the pulse survey: who was asked, when it opened and when it closes."""

    __tablename__ = "pulse_surveys"
    __table_args__ = (
        UniqueConstraint("team_id", "period", name="uq_pulse_surveys_period"),
        Index("ix_pulse_surveys_team_opened", "team_id", "opened_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("workspaces.team_id", ondelete="CASCADE")
    )
    period: Mapped[str] = mapped_column(String(64))
    opened_at: Mapped[datetime]
    closes_at: Mapped[datetime]


class PulseInvitee(Base):
    """A person the survey was sent to (the response rate's denominator)."""

    __tablename__ = "pulse_invitees"

    survey_id: Mapped[int] = mapped_column(
        ForeignKey("pulse_surveys.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)


class PulseAnswer(Base):
    """One person's answer to one survey: a second click updates it, never adds a row."""

    __tablename__ = "pulse_answers"
    __table_args__ = (
        UniqueConstraint("survey_id", "user_id", name="uq_pulse_answers_person"),
        Index("ix_pulse_answers_team_survey", "team_id", "survey_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    survey_id: Mapped[int] = mapped_column(ForeignKey("pulse_surveys.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(32))
    relevance: Mapped[int | None] = mapped_column(default=None)
    support: Mapped[int | None] = mapped_column(default=None)
    comment: Mapped[str | None] = mapped_column(Text, default=None)
    answered_at: Mapped[datetime]
    updated_at: Mapped[datetime]
