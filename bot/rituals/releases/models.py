"""Release tables: the release itself, the messages posted for it (their ts, for corrections),
who must acknowledge it, and the feedback it closed. Every row carries its workspace."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base


class Release(Base):
    __tablename__ = "releases"
    __table_args__ = (
        Index("ix_releases_team_state_publish", "team_id", "state", "publish_at"),
        Index("ix_releases_team_author", "team_id", "author_id", "updated_at"),
        Index("ix_releases_team_published", "team_id", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("workspaces.team_id", ondelete="CASCADE")
    )
    author_id: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(255))
    version: Mapped[str] = mapped_column(String(64), default="")
    tier: Mapped[int]
    whats_new: Mapped[str] = mapped_column(Text, default="")
    why_it_matters: Mapped[str] = mapped_column(Text, default="")
    who_it_is_for: Mapped[str] = mapped_column(Text, default="")
    docs_url: Mapped[str] = mapped_column(String(2000), default="")
    feedback_ids: Mapped[list[Any]] = mapped_column(JSON)
    channel_ids: Mapped[list[Any]] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(255), default="")
    state: Mapped[str] = mapped_column(String(24))
    publish_at: Mapped[datetime | None] = mapped_column(default=None)
    review_comment: Mapped[str | None] = mapped_column(Text, default=None)
    decided_by: Mapped[str | None] = mapped_column(String(32), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    revision: Mapped[int] = mapped_column(default=1)
    status_channel: Mapped[str | None] = mapped_column(String(32), default=None)
    status_ts: Mapped[str | None] = mapped_column(String(32), default=None)
    # set once what follows publishing is done (acknowledgements asked, feedback closed)
    followed_up_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ReleasePost(Base):
    """One message posted for a release (`after_delivery` stores its ts; corrections use it)."""

    __tablename__ = "release_posts"
    __table_args__ = (
        UniqueConstraint("team_id", "release_id", "channel_id", "part", name="uq_release_posts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    release_id: Mapped[int] = mapped_column(
        ForeignKey("releases.id", ondelete="CASCADE"), index=True
    )
    channel_id: Mapped[str] = mapped_column(String(32))
    part: Mapped[str] = mapped_column(String(64))
    ts: Mapped[str] = mapped_column(String(32))
    revision: Mapped[int] = mapped_column(default=1)
    posted_at: Mapped[datetime]


class ReleaseAck(Base):
    """A customer-facing person asked to acknowledge a tier-1 release."""

    __tablename__ = "release_acks"
    __table_args__ = (
        UniqueConstraint("team_id", "release_id", "user_id", name="uq_release_acks"),
        Index("ix_release_acks_team_pending", "team_id", "acknowledged_at", "reminded_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    release_id: Mapped[int] = mapped_column(
        ForeignKey("releases.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[str] = mapped_column(String(32))
    acknowledged_at: Mapped[datetime | None] = mapped_column(default=None)
    reminded_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime]


class ReleaseLoop(Base):
    """A feedback item this release shipped, and how many people were told."""

    __tablename__ = "release_loops"
    __table_args__ = (
        UniqueConstraint("team_id", "release_id", "item_id", name="uq_release_loops"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    release_id: Mapped[int] = mapped_column(
        ForeignKey("releases.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int]
    account_name: Mapped[str | None] = mapped_column(String(255), default=None)
    people_told: Mapped[int] = mapped_column(default=0)
    closed_at: Mapped[datetime]
