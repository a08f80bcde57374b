"""Ritual schedules, one row per (workspace, ritual, key); edited from Slack with /ops settings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base


class RitualSchedule(Base):
    __tablename__ = "ritual_schedules"
    __table_args__ = (
        UniqueConstraint("team_id", "ritual", "key", name="uq_ritual_schedules_team_ritual_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("workspaces.team_id", ondelete="CASCADE"), index=True
    )
    ritual: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(64), default="default")
    channel_ids: Mapped[list[str]] = mapped_column(JSON)
    rule: Mapped[dict[str, Any]]
    time_zone: Mapped[str | None] = mapped_column(String(64), default=None)  # None: workspace's
    enabled: Mapped[bool] = mapped_column(default=True)
    options: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(32), default="")
