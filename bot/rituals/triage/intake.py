"""Tickets coming in: filed from Slack (the modal, the message shortcut) or pushed by a helpdesk
(`POST /hooks/tickets`, idempotent on (helpdesk, id): a repeat updates, never duplicates)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError

from bot.db import Sessions
from bot.rituals.triage import queries
from bot.rituals.triage.domain import (
    HelpdeskTicket,
    Source,
    TicketDraft,
    TicketStatus,
    TicketView,
    WebhookResult,
)
from bot.rituals.triage.models import Ticket
from bot.rituals.triage.ports import NewEvent
from bot.rituals.triage.rows import record, view
from bot.rituals.triage.setup import SettingsFlow


class IntakeFlow(SettingsFlow):
    _sessions: Sessions

    def submit(
        self,
        *,
        team_id: str,
        draft: TicketDraft,
        source: Source,
        reporter_user_id: str,
        now: datetime,
    ) -> TicketView:
        """Stores a ticket filed from Slack (modal or message shortcut); one write."""
        self._workspaces.ensure_workspace(team_id=team_id, now=now)
        with self._sessions.begin() as session:
            ticket = Ticket(
                team_id=team_id,
                source=source.value,
                title=draft.title.strip(),
                description=draft.description.strip(),
                account_name=(draft.account_name or "").strip() or None,
                severity=draft.severity.value,
                link=(draft.link or "").strip() or None,
                reporter_user_id=reporter_user_id,
                status=TicketStatus.OPEN.value,
                created_at=now,
                received_at=now,
                updated_at=now,
                version=1,
            )
            session.add(ticket)
            session.flush()
            record(session, ticket, NewEvent("created", reporter_user_id, source.value, now))
            return view(ticket)

    def receive_from_helpdesk(
        self,
        *,
        team_id: str,
        incoming: HelpdeskTicket,
        now: datetime,
        sent_at: datetime | None = None,
    ) -> tuple[WebhookResult, int | None]:
        """Creates, updates (a repeat never duplicates) or removes a helpdesk ticket. An update
        signed before the last one applied (`sent_at`) is ignored: a replay changes nothing."""
        self._workspaces.ensure_workspace(team_id=team_id, now=now)
        sent = sent_at or now
        try:
            return self._receive(team_id, incoming, now, sent)
        except IntegrityError:
            # The same ticket arrived twice at the same moment: the other request created it.
            return self._receive(team_id, incoming, now, sent)

    def _receive(
        self, team_id: str, incoming: HelpdeskTicket, now: datetime, sent: datetime
    ) -> tuple[WebhookResult, int | None]:
        helpdesk = incoming.helpdesk.value
        with self._sessions.begin() as session:
            ticket = queries.get_external_ticket(session, team_id, helpdesk, incoming.external_id)
            if (
                ticket is not None
                and ticket.source_updated_at is not None
                and sent < ticket.source_updated_at
            ):
                return WebhookResult.IGNORED, ticket.id
            if ticket is not None:
                ticket.source_updated_at = sent
            if incoming.deleted:
                if ticket is None:
                    return WebhookResult.UNKNOWN, None
                ticket.status = TicketStatus.DELETED.value
                ticket.updated_at = now
                ticket.version += 1
                record(session, ticket, NewEvent("deleted", None, helpdesk, now))
                return WebhookResult.DELETED, ticket.id
            result = WebhookResult.UPDATED
            if ticket is None:
                result = WebhookResult.CREATED
                ticket = Ticket(
                    team_id=team_id,
                    source=Source.WEBHOOK.value,
                    helpdesk=helpdesk,
                    external_id=incoming.external_id,
                    status=TicketStatus.OPEN.value,
                    created_at=incoming.created_at or now,
                    received_at=now,
                    source_updated_at=sent,
                    version=0,
                )
                session.add(ticket)
            elif ticket.status == TicketStatus.DELETED.value:
                ticket.status = TicketStatus.OPEN.value  # restored in the helpdesk
            ticket.title = incoming.title
            ticket.description = incoming.description
            ticket.account_name = incoming.account_name
            ticket.severity = incoming.severity.value
            ticket.link = incoming.link
            ticket.reporter = incoming.reporter
            ticket.updated_at = now
            ticket.version += 1
            session.flush()
            record(session, ticket, NewEvent(result.value, None, helpdesk, now))
            return result, ticket.id
