"""What triage shows outside the thread: a ticket's message and history, the App Home lists and
the exports (`opsbot export tickets`). Reads only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.db import Sessions
from bot.rituals.triage import queries
from bot.rituals.triage.domain import PostedMessage, TicketView
from bot.rituals.triage.export import ticket_record
from bot.rituals.triage.rows import view


class ReadFlow:
    _sessions: Sessions

    def ticket_message(self, *, team_id: str, ticket_id: int) -> PostedMessage | None:
        with self._sessions() as session:
            row = queries.latest_message(session, team_id, ticket_id)
            return PostedMessage(row[0], row[1]) if row else None

    def history(self, *, team_id: str, ticket_id: int) -> list[tuple[str, str | None, datetime]]:
        """(action, user, when) for a ticket, oldest first."""
        with self._sessions() as session:
            events = queries.ticket_events(session, team_id, ticket_id)
            return [(e.action, e.user_id, e.at) for e in events]

    def owned_by(self, *, team_id: str, user_id: str, limit: int = 10) -> list[TicketView]:
        with self._sessions() as session:
            return [view(t) for t in queries.tickets_owned_by(session, team_id, user_id, limit)]

    def reported_by(self, *, team_id: str, user_id: str, limit: int = 10) -> list[TicketView]:
        with self._sessions() as session:
            return [view(t) for t in queries.tickets_reported_by(session, team_id, user_id, limit)]

    def export(self, *, team_id: str) -> list[TicketView]:
        with self._sessions() as session:
            return [view(t) for t in queries.all_tickets(session, team_id)]

    def export_records(
        self, *, team_id: str | None = None, since: datetime | None = None
    ) -> list[dict[str, Any]]:
        """Every ticket of one workspace, or of each workspace in turn, as export records
        (only those created on or after `since` when given)."""
        with self._sessions() as session:
            teams = [team_id] if team_id else list(queries.team_ids_with_tickets(session))
            return [
                ticket_record(team, view(ticket))
                for team in teams
                for ticket in queries.all_tickets(session, team, since)
            ]
