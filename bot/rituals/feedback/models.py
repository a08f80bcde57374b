"""Feedback tables: accounts, feedback items and who asked for each item.

`request_count` is kept on the item (it is the number of requester rows) so that "most requested"
reads one index instead of counting a join over every row.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base


class FeedbackAccount(Base):
    __tablename__ = "feedback_accounts"
    __table_args__ = (UniqueConstraint("team_id", "name_key", name="uq_feedback_accounts_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("workspaces.team_id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(255))
    name_key: Mapped[str] = mapped_column(String(255))
    external_id: Mapped[str | None] = mapped_column(String(128), default=None)
    segment: Mapped[str | None] = mapped_column(String(64), default=None)
    arr: Mapped[int | None] = mapped_column(BigInteger, default=None)
    owner_user_id: Mapped[str | None] = mapped_column(String(32), default=None)
    created_at: Mapped[datetime]


class FeedbackItem(Base):
    __tablename__ = "feedback_items"
    __table_args__ = (
        UniqueConstraint("team_id", "capture_key", name="uq_feedback_items_capture_key"),
        Index("ix_feedback_items_team_captured", "team_id", "captured_at"),
        # merged_into_id inside the indexes makes "not merged" free: counts read the index only
        Index(
            "ix_feedback_items_team_status_captured",
            "team_id",
            "status",
            "merged_into_id",
            "captured_at",
        ),
        Index("ix_feedback_items_team_area_captured", "team_id", "area", "captured_at"),
        Index(
            "ix_feedback_items_team_reviewed",
            "team_id",
            "reviewed_at",
            "merged_into_id",
            "captured_at",
        ),
        Index("ix_feedback_items_team_requests", "team_id", "request_count"),
        Index("ix_feedback_items_team_submitter", "team_id", "submitted_by", "captured_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("workspaces.team_id", ondelete="CASCADE")
    )
    text: Mapped[str] = mapped_column(Text)
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("feedback_accounts.id", ondelete="SET NULL"), default=None, index=True
    )
    area: Mapped[str | None] = mapped_column(String(64), default=None)
    source: Mapped[str] = mapped_column(String(16))
    importance: Mapped[str] = mapped_column(String(16))
    link: Mapped[str | None] = mapped_column(String(2000), default=None)
    submitted_by: Mapped[str] = mapped_column(String(32))
    on_behalf_of: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    status_link: Mapped[str | None] = mapped_column(String(2000), default=None)
    decline_reason: Mapped[str | None] = mapped_column(String(2000), default=None)
    request_count: Mapped[int] = mapped_column(default=1)
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("feedback_items.id", ondelete="SET NULL"), default=None
    )
    message_channel: Mapped[str | None] = mapped_column(String(32), default=None)
    message_ts: Mapped[str | None] = mapped_column(String(32), default=None)
    permalink: Mapped[str | None] = mapped_column(String(2000), default=None)
    capture_key: Mapped[str | None] = mapped_column(String(255), default=None)
    captured_at: Mapped[datetime]
    reviewed_at: Mapped[datetime | None] = mapped_column(default=None)
    status_changed_at: Mapped[datetime]


class FeedbackRequester(Base):
    """One account or person asking for an item; merging moves these rows, never drops them."""

    __tablename__ = "feedback_requesters"
    __table_args__ = (
        UniqueConstraint("item_id", "requester_key", name="uq_feedback_requesters_item_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("feedback_items.id", ondelete="CASCADE"), index=True
    )
    requester_key: Mapped[str] = mapped_column(String(64))
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("feedback_accounts.id", ondelete="SET NULL"), default=None
    )
    user_id: Mapped[str] = mapped_column(String(32))
    added_at: Mapped[datetime]
