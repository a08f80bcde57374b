"""Installed workspaces (bot tokens sealed at rest) and OAuth `state` values in flight."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base


class SlackInstallation(Base):
    """One workspace's bot install. Tokens are sealed with bot/security/secret_box.py."""

    __tablename__ = "slack_installations"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    enterprise_id: Mapped[str | None] = mapped_column(String(32))
    team_name: Mapped[str] = mapped_column(String(255), default="")
    app_id: Mapped[str] = mapped_column(String(32), default="")
    bot_id: Mapped[str] = mapped_column(String(32))
    bot_user_id: Mapped[str] = mapped_column(String(32))
    bot_scopes: Mapped[str] = mapped_column(Text, default="")
    bot_token: Mapped[str] = mapped_column(Text)
    bot_refresh_token: Mapped[str | None] = mapped_column(Text)
    bot_token_expires_at: Mapped[datetime | None]
    installed_by: Mapped[str] = mapped_column(String(32), default="")
    installed_at: Mapped[datetime]


class OAuthState(Base):
    """A `state` handed to Slack's authorize page; consumed once, expires after 10 minutes.

    Not a workspace's row: it exists before any workspace is known (team_id stays empty)."""

    __tablename__ = "slack_oauth_states"

    state: Mapped[str] = mapped_column(String(64), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), default="")
    expires_at: Mapped[datetime]
