"""Database rows to triage values, and a ticket's history line (used inside a unit of work)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row
from sqlalchemy.orm import Session

from bot.rituals.triage.domain import Outcome, Severity, Source, TicketStatus, TicketView
from bot.rituals.triage.models import Ticket, TicketEvent
from bot.rituals.triage.ports import NewEvent


def view(ticket: Ticket | Row[Any]) -> TicketView:
    return TicketView(
        id=ticket.id,
        title=ticket.title,
        description=ticket.description,
        account_name=ticket.account_name,
        severity=Severity(ticket.severity),
        link=ticket.link,
        source=Source(ticket.source),
        helpdesk=ticket.helpdesk,
        external_id=ticket.external_id,
        reporter_user_id=ticket.reporter_user_id,
        status=TicketStatus(ticket.status),
        outcome=Outcome(ticket.outcome) if ticket.outcome else None,
        outcome_reason=ticket.outcome_reason,
        decided_by=ticket.decided_by,
        decided_at=ticket.decided_at,
        owner_user_id=ticket.owner_user_id,
        tracker_key=ticket.tracker_key,
        tracker_url=ticket.tracker_url,
        feedback_id=ticket.feedback_id,
        created_at=ticket.created_at,
        version=ticket.version,
    )


def record(session: Session, ticket: Ticket, event: NewEvent) -> None:
    session.add(
        TicketEvent(
            team_id=ticket.team_id,
            ticket_id=ticket.id,
            action=event.action,
            user_id=event.user_id,
            detail=event.detail,
            at=event.at,
        )
    )
