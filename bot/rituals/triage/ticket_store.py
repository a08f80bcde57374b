"""`TicketStore` on the database: the short units of work behind one-click decisions.

Decisions are a conditional UPDATE (`... WHERE status = 'open'`): of two people clicking at once
exactly one wins, the other is told the current state; `version` counts every change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.db import Sessions
from bot.errors import UserFacingError
from bot.rituals.triage import queries
from bot.rituals.triage.domain import TicketStatus, TicketView
from bot.rituals.triage.models import Ticket
from bot.rituals.triage.ports import NewEvent
from bot.rituals.triage.rows import record, view


class SqlTicketStore:
    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions

    def claim(
        self,
        *,
        team_id: str,
        ticket_id: int,
        values: dict[str, object],
        abandoned_before: datetime,
        event: NewEvent | None,
    ) -> tuple[bool, TicketView]:
        with self._sessions.begin() as session:
            won = queries.claim(
                session,
                team_id=team_id,
                ticket_id=ticket_id,
                abandoned_before=abandoned_before,
                values=values,
            )
            ticket = load(session, team_id, ticket_id)
            if won and event is not None:
                record(session, ticket, event)
            return won, view(ticket)

    def release(self, *, team_id: str, ticket_id: int, now: datetime) -> None:
        with self._sessions.begin() as session:
            ticket = load(session, team_id, ticket_id)
            if ticket.status == TicketStatus.FILING.value:
                ticket.status = TicketStatus.OPEN.value
                ticket.updated_at = now
                ticket.version += 1

    def update(
        self, *, team_id: str, ticket_id: int, values: dict[str, object], event: NewEvent
    ) -> TicketView:
        with self._sessions.begin() as session:
            ticket = load(session, team_id, ticket_id)
            for key, value in values.items():
                setattr(ticket, key, value)
            ticket.version += 1
            record(session, ticket, event)
            return view(ticket)

    def get(self, *, team_id: str, ticket_id: int) -> TicketView:
        with self._sessions() as session:
            return view(load(session, team_id, ticket_id))


def load(session: Session, team_id: str, ticket_id: int) -> Ticket:
    ticket = queries.get_ticket(session, team_id, ticket_id)
    if ticket is None:
        raise UserFacingError("That ticket is no longer in the triage queue.")
    session.refresh(ticket)
    return ticket
