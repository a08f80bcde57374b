"""Select-based triage queries. They never commit: the service owns the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, exists, insert, literal, or_, select, update
from sqlalchemy.orm import Session, aliased

from bot.rituals.triage.domain import SessionState, TicketStatus
from bot.rituals.triage.models import SessionTicket, Ticket, TicketEvent, TriageSession


def get_ticket(session: Session, team_id: str, ticket_id: int) -> Ticket | None:
    return session.scalars(
        select(Ticket).where(Ticket.team_id == team_id, Ticket.id == ticket_id)
    ).one_or_none()


def get_external_ticket(
    session: Session, team_id: str, helpdesk: str, external_id: str
) -> Ticket | None:
    return session.scalars(
        select(Ticket).where(
            Ticket.team_id == team_id,
            Ticket.helpdesk == helpdesk,
            Ticket.external_id == external_id,
        )
    ).one_or_none()


# Read-only bulk reads return plain rows (attribute access like a Ticket) instead of ORM
# objects: a thread of thousands of tickets needs no identity map or change tracking.
TICKET_COLUMNS = tuple(Ticket.__table__.columns)


def list_open_tickets(session: Session, team_id: str, session_id: int) -> None:
    """Adds every open ticket of the workspace to a session's ticket list in one
    INSERT ... SELECT: the database copies the ids itself, so a queue of thousands is one
    statement with no rows sent back and forth."""
    session.execute(
        insert(SessionTicket).from_select(
            ["session_id", "ticket_id", "team_id"],
            select(literal(session_id), Ticket.id, Ticket.team_id).where(
                Ticket.team_id == team_id,
                Ticket.status.in_([TicketStatus.OPEN.value, TicketStatus.FILING.value]),
            ),
        )
    )


def claim(
    session: Session,
    *,
    team_id: str,
    ticket_id: int,
    values: dict[str, object],
    abandoned_before: datetime,
) -> bool:
    """The conditional UPDATE behind every decision: it changes the row only while it is still
    open, so of two people deciding at once exactly one changes it. A claim for filing left
    behind by a crash (`filing` since before `abandoned_before`) counts as open again.
    False means someone else won."""
    result = session.execute(
        update(Ticket)
        .where(
            Ticket.team_id == team_id,
            Ticket.id == ticket_id,
            or_(
                Ticket.status == TicketStatus.OPEN.value,
                and_(
                    Ticket.status == TicketStatus.FILING.value,
                    Ticket.updated_at < abandoned_before,
                ),
            ),
        )
        .values(version=Ticket.version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


def get_session(session: Session, team_id: str, session_id: int) -> TriageSession | None:
    return session.scalars(
        select(TriageSession).where(
            TriageSession.team_id == team_id, TriageSession.id == session_id
        )
    ).one_or_none()


def get_run(session: Session, team_id: str, channel_id: str, period: str) -> TriageSession | None:
    return session.scalars(
        select(TriageSession).where(
            TriageSession.team_id == team_id,
            TriageSession.channel_id == channel_id,
            TriageSession.period == period,
        )
    ).one_or_none()


def open_sessions(session: Session, team_id: str, channel_id: str) -> Sequence[TriageSession]:
    return session.scalars(
        select(TriageSession).where(
            TriageSession.team_id == team_id,
            TriageSession.channel_id == channel_id,
            TriageSession.state == SessionState.OPEN.value,
        )
    ).all()


def team_ids_with_open_sessions(session: Session) -> Sequence[str]:
    """For the auto-close job, which visits each workspace in turn."""
    return session.scalars(
        select(TriageSession.team_id)
        .where(TriageSession.state == SessionState.OPEN.value)
        .distinct()
        .order_by(TriageSession.team_id)
    ).all()


def posted_open_sessions(session: Session, team_id: str) -> Sequence[TriageSession]:
    """Open sessions whose parent message is posted (the thread exists to close)."""
    return session.scalars(
        select(TriageSession).where(
            TriageSession.team_id == team_id,
            TriageSession.state == SessionState.OPEN.value,
            TriageSession.parent_ts.is_not(None),
        )
    ).all()


def shown_before(session: Session, team_id: str, session_id: int) -> set[int]:
    """Ids of this session's tickets that an earlier session's thread already showed (they are
    carried over). One index probe per ticket of the session, so the cost stays with the
    queue's size, not with every week of history."""
    earlier = aliased(SessionTicket)
    return set(
        session.scalars(
            select(SessionTicket.ticket_id).where(
                SessionTicket.team_id == team_id,
                SessionTicket.session_id == session_id,
                exists().where(
                    earlier.team_id == team_id,
                    earlier.ticket_id == SessionTicket.ticket_id,
                    earlier.session_id < session_id,
                ),
            )
        )
    )


def session_tickets(session: Session, team_id: str, session_id: int) -> Sequence[Row[Any]]:
    return session.execute(
        select(*TICKET_COLUMNS)
        .join(SessionTicket, SessionTicket.ticket_id == Ticket.id)
        .where(
            SessionTicket.team_id == team_id,
            SessionTicket.session_id == session_id,
            Ticket.team_id == team_id,
        )
    ).all()


def latest_message(
    session: Session, team_id: str, ticket_id: int
) -> Row[tuple[str, str | None]] | None:
    """Channel and ts of the newest posted message that shows this ticket."""
    return session.execute(
        select(TriageSession.channel_id, SessionTicket.ts)
        .join(TriageSession, TriageSession.id == SessionTicket.session_id)
        .where(
            SessionTicket.team_id == team_id,
            SessionTicket.ticket_id == ticket_id,
            SessionTicket.ts.is_not(None),
        )
        .order_by(TriageSession.started_at.desc(), TriageSession.id.desc())
        .limit(1)
    ).first()


def tickets_owned_by(session: Session, team_id: str, user_id: str, limit: int) -> Sequence[Ticket]:
    return session.scalars(
        select(Ticket)
        .where(
            Ticket.team_id == team_id,
            Ticket.owner_user_id == user_id,
            Ticket.status != TicketStatus.DELETED.value,
        )
        .order_by(Ticket.updated_at.desc())
        .limit(limit)
    ).all()


def tickets_reported_by(
    session: Session, team_id: str, user_id: str, limit: int
) -> Sequence[Ticket]:
    return session.scalars(
        select(Ticket)
        .where(
            Ticket.team_id == team_id,
            Ticket.reporter_user_id == user_id,
            Ticket.status != TicketStatus.DELETED.value,
        )
        .order_by(Ticket.created_at.desc())
        .limit(limit)
    ).all()


def all_tickets(session: Session, team_id: str, since: datetime | None = None) -> Sequence[Ticket]:
    query = select(Ticket).where(Ticket.team_id == team_id)
    if since is not None:
        query = query.where(Ticket.created_at >= since)
    return session.scalars(query.order_by(Ticket.id)).all()


def team_ids_with_tickets(session: Session) -> Sequence[str]:
    return session.scalars(select(Ticket.team_id).distinct().order_by(Ticket.team_id)).all()


def session_rows(session: Session, team_id: str, session_id: int) -> Sequence[SessionTicket]:
    return session.scalars(
        select(SessionTicket).where(
            SessionTicket.team_id == team_id, SessionTicket.session_id == session_id
        )
    ).all()


def superseded_by(
    session: Session, team_id: str, channel_id: str, at: datetime
) -> Sequence[TriageSession]:
    """Threads a run starting at `at` superseded, that had been posted."""
    return session.scalars(
        select(TriageSession).where(
            TriageSession.team_id == team_id,
            TriageSession.channel_id == channel_id,
            TriageSession.state == SessionState.SUPERSEDED.value,
            TriageSession.superseded_at == at,
            TriageSession.parent_ts.is_not(None),
        )
    ).all()


def ticket_events(session: Session, team_id: str, ticket_id: int) -> Sequence[TicketEvent]:
    return session.scalars(
        select(TicketEvent)
        .where(TicketEvent.team_id == team_id, TicketEvent.ticket_id == ticket_id)
        .order_by(TicketEvent.id)
    ).all()
