"""Buddy tables: who takes part, each cycle's pairs, shared calls, declines and takeaways.

Every row carries `team_id`; every query in `queries.py` is scoped by it. A person's Slack time
zone lives on the shared person record (`people.time_zone`), refreshed from `users.info`.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base


class BuddyMember(Base):
    __tablename__ = "buddy_members"
    __table_args__ = (
        UniqueConstraint("team_id", "user_id", name="uq_buddy_members_user"),
        Index("ix_buddy_members_team_group", "team_id", "group_name", "active"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("workspaces.team_id", ondelete="CASCADE")
    )
    user_id: Mapped[str] = mapped_column(String(32))
    group_name: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(default=True)
    snoozed_until: Mapped[date | None] = mapped_column(Date, default=None)
    departed_at: Mapped[datetime | None] = mapped_column(default=None)
    added_by: Mapped[str] = mapped_column(String(32), default="")
    joined_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class BuddyPair(Base):
    __tablename__ = "buddy_pairs"
    __table_args__ = (
        UniqueConstraint("team_id", "cycle", "rep_user_id", name="uq_buddy_pairs_cycle_rep"),
        Index("ix_buddy_pairs_team_created", "team_id", "created_at"),
        Index("ix_buddy_pairs_team_rep", "team_id", "rep_user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("workspaces.team_id", ondelete="CASCADE")
    )
    cycle: Mapped[str] = mapped_column(String(64))
    rep_user_id: Mapped[str] = mapped_column(String(32))
    pm_user_id: Mapped[str] = mapped_column(String(32))
    shared_hours: Mapped[float] = mapped_column(Float, default=0.0)
    last_together: Mapped[str | None] = mapped_column(String(64), default=None)
    channel_id: Mapped[str | None] = mapped_column(String(32), default=None)  # the group DM
    created_at: Mapped[datetime]


class BuddyCall(Base):
    __tablename__ = "buddy_calls"
    __table_args__ = (
        UniqueConstraint("team_id", "request_key", name="uq_buddy_calls_request"),
        Index("ix_buddy_calls_team_starts", "team_id", "starts_at"),
        Index("ix_buddy_calls_team_owner", "team_id", "owner_user_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("workspaces.team_id", ondelete="CASCADE")
    )
    request_key: Mapped[str] = mapped_column(String(128))
    rep_user_id: Mapped[str] = mapped_column(String(32))
    buddy_user_id: Mapped[str | None] = mapped_column(String(32), default=None)
    account_name: Mapped[str] = mapped_column(String(255))
    topic: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(512))
    starts_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))
    owner_user_id: Mapped[str | None] = mapped_column(String(32), default=None)
    offered_at: Mapped[datetime | None] = mapped_column(default=None)
    outcome: Mapped[str | None] = mapped_column(String(16), default=None)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class BuddyDecline(Base):
    __tablename__ = "buddy_declines"
    __table_args__ = (
        UniqueConstraint("team_id", "call_id", "user_id", name="uq_buddy_declines_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("workspaces.team_id", ondelete="CASCADE")
    )
    call_id: Mapped[int] = mapped_column(ForeignKey("buddy_calls.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(32))
    declined_at: Mapped[datetime]


class BuddyTakeaway(Base):
    """A feedback item captured from a buddy call: how takeaways reach the feedback export."""

    __tablename__ = "buddy_takeaways"
    __table_args__ = (
        UniqueConstraint("team_id", "feedback_item_id", name="uq_buddy_takeaways_item"),
        Index("ix_buddy_takeaways_call", "team_id", "call_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("workspaces.team_id", ondelete="CASCADE")
    )
    call_id: Mapped[int] = mapped_column(ForeignKey("buddy_calls.id", ondelete="CASCADE"))
    feedback_item_id: Mapped[int]
    user_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]
