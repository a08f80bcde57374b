"""Records App Home visits (one row per person and day), in its own small unit of work."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.db import Sessions
from bot.home.models import HomeVisit


class HomeVisits:
    def __init__(self, *, sessions: Sessions) -> None:
        self._sessions = sessions

    def record(self, *, team_id: str, user_id: str, now: datetime) -> None:
        """Side effect: one `home_visits` row for (team, person, UTC day); repeats are no-ops."""
        with self._sessions.begin() as session:
            insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
            session.execute(
                insert(HomeVisit)
                .values(team_id=team_id, user_id=user_id, day=now.date())
                .on_conflict_do_nothing()
            )
