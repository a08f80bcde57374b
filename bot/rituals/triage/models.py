"""Triage tables: tickets, the history of what was done to them, and the weekly sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base


class Ticket(Base):
    """A support ticket in the triage queue. `version` grows on every change, so two people
    deciding at once are serialised by a conditional UPDATE (optimistic concurrency)."""

    __tablename__ = "triage_tickets"
    __table_args__ = (
        UniqueConstraint("team_id", "helpdesk", "external_id", name="uq_triage_tickets_external"),
        Index("ix_triage_tickets_queue", "team_id", "status", "severity", "created_at"),
        Index("ix_triage_tickets_owner", "team_id", "owner_user_id"),
        Index("ix_triage_tickets_reporter", "team_id", "reporter_user_id"),
        Index("ix_triage_tickets_feedback", "feedback_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("workspaces.team_id", ondelete="CASCADE")
    )
    source: Mapped[str] = mapped_column(String(16))
    helpdesk: Mapped[str | None] = mapped_column(String(16), default=None)
    external_id: Mapped[str | None] = mapped_column(String(64), default=None)
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    account_name: Mapped[str | None] = mapped_column(String(255), default=None)
    severity: Mapped[str] = mapped_column(String(16))
    link: Mapped[str | None] = mapped_column(String(512), default=None)
    reporter_user_id: Mapped[str | None] = mapped_column(String(32), default=None)
    reporter: Mapped[str | None] = mapped_column(String(255), default=None)
    status: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str | None] = mapped_column(String(16), default=None)
    outcome_reason: Mapped[str | None] = mapped_column(Text, default=None)
    decided_by: Mapped[str | None] = mapped_column(String(32), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    owner_user_id: Mapped[str | None] = mapped_column(String(32), default=None)
    tracker_key: Mapped[str | None] = mapped_column(String(64), default=None)
    tracker_url: Mapped[str | None] = mapped_column(String(512), default=None)
    feedback_id: Mapped[int | None] = mapped_column(default=None)
    created_at: Mapped[datetime]
    received_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # When the helpdesk signed the update last applied (webhooks): an older one is a replay.
    source_updated_at: Mapped[datetime | None] = mapped_column(default=None)
    version: Mapped[int] = mapped_column(default=1)


class TicketEvent(Base):
    """Who did what to a ticket and when (every click, every webhook update)."""

    __tablename__ = "triage_ticket_events"
    __table_args__ = (Index("ix_triage_ticket_events_ticket", "team_id", "ticket_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("triage_tickets.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str | None] = mapped_column(String(32), default=None)
    detail: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime]


class TriageSession(Base):
    """One posted triage thread: a weekly run or a `/triage now` (its own period)."""

    __tablename__ = "triage_sessions"
    __table_args__ = (
        UniqueConstraint("team_id", "channel_id", "period", name="uq_triage_sessions_run"),
        Index("ix_triage_sessions_channel_state", "team_id", "channel_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("workspaces.team_id", ondelete="CASCADE")
    )
    channel_id: Mapped[str] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime]
    parent_ts: Mapped[str | None] = mapped_column(String(32), default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_by: Mapped[str | None] = mapped_column(String(32), default=None)
    superseded_at: Mapped[datetime | None] = mapped_column(default=None)


class SessionTicket(Base):
    """A ticket shown in a session's thread, with the ts of its message (for chat.update)."""

    __tablename__ = "triage_session_tickets"
    __table_args__ = (Index("ix_triage_session_tickets_ticket", "team_id", "ticket_id"),)

    session_id: Mapped[int] = mapped_column(
        ForeignKey("triage_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("triage_tickets.id", ondelete="CASCADE"), primary_key=True
    )
    team_id: Mapped[str] = mapped_column(String(32))
    ts: Mapped[str | None] = mapped_column(String(32), default=None)
