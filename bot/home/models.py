"""Who opened the App Home, once per person and day: the "App Home visitors" of `/ops stats`.

Recorded when the Home is published (every `app_home_opened`); one row per (team, person, day)
keeps the table small however often people open the tab.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base


class HomeVisit(Base):
    __tablename__ = "home_visits"

    team_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("workspaces.team_id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
