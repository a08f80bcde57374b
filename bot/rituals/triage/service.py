"""Triage use cases: intake, the weekly thread, one-click decisions, closing a session.

Every public method takes `now` (aware UTC) and owns its transaction. Decisions are a
conditional UPDATE (`... WHERE status = 'open'`): of two people clicking at once exactly one
wins, the other is told the current state; `version` counts every change of a ticket.
Slow calls (the tracker, the feedback ritual) happen
between two short transactions: the ticket is claimed first (status `filing`), so nobody can
decide it twice, and released again when the call fails, so nothing is lost.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol, cast

from sqlalchemy import Row, Table, insert
from sqlalchemy.exc import IntegrityError

from bot.db import Sessions
from bot.errors import UserFacingError
from bot.integrations.tracker import (
    IssueTracker,
    NewIssue,
    TrackerConfig,
    TrackerError,
)
from bot.metrics import Metrics
from bot.rituals.triage import queries
from bot.rituals.triage.domain import (
    CreatedIssue,
    HelpdeskTicket,
    Outcome,
    SavedSettings,
    SessionState,
    SessionSummary,
    SettingsForm,
    Severity,
    Source,
    ThreadCounts,
    TicketDraft,
    TicketStatus,
    TicketView,
    TriageSettings,
    closing_is_due,
    count_thread,
    is_overdue,
    summarise,
    triage_order,
    validate_settings,
)
from bot.rituals.triage.export import ticket_record
from bot.rituals.triage.ids import TriageRituals
from bot.rituals.triage.models import SessionTicket, Ticket, TicketEvent, TriageSession
from bot.workspace.service import WorkspaceService

logger = logging.getLogger(__name__)

SETTING_KEY = "triage"
# A Bug or Feature click holds the ticket while it calls out (tracker timeout: 10 s). A hold
# older than this was left by a crash, and the ticket can be decided again.
FILING_ABANDONED = timedelta(minutes=2)
SESSION_TICKETS = cast(Table, SessionTicket.__table__)  # Core insert: thousands of rows at once
TRIAGE_RITUAL = TriageRituals.THREAD.value


class FeedbackCapture(Protocol):
    """The feedback ritual's entry point for tickets (idempotent on (team_id, ticket_ref))."""

    def capture_from_ticket(
        self,
        *,
        team_id: str,
        text: str,
        account_name: str | None,
        submitted_by: str,
        link: str | None,
        ticket_ref: str,
        now: datetime,
    ) -> int: ...


class RunOutcome(Protocol):
    @property
    def enqueued(self) -> dict[str, int]: ...  # channel -> posts queued

    @property
    def skipped(self) -> list[str]: ...  # channels already done for that period


class RunNow(Protocol):
    """The scheduling engine's "run this ritual now" (its own period, so a new thread).
    `channel_ids` None means the channels of the ritual's schedule."""

    def run_now(
        self,
        *,
        team_id: str,
        ritual: str,
        now: datetime,
        channel_ids: Sequence[str] | None = None,
    ) -> RunOutcome: ...


TrackerFactory = Callable[[TrackerConfig], IssueTracker]


class TriageUnavailable(UserFacingError):
    """A click could not be carried out; the ticket stays untriaged."""


class SettingsInvalid(UserFacingError):
    """Bad settings input; `errors` maps a form field to what is wrong with it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class WebhookResult(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"
    UNKNOWN = "unknown"  # a deletion for a ticket we never had


@dataclass(frozen=True)
class Decision:
    """What a click did. `won` is False when someone else decided first: `ticket` is then the
    state they left, which the loser is shown."""

    won: bool
    ticket: TicketView
    sla_days: int


@dataclass(frozen=True)
class ThreadPlan:
    session_id: int
    tickets: list[TicketView]
    counts: ThreadCounts
    sla_days: int
    started_at: datetime


@dataclass(frozen=True)
class PostedMessage:
    channel_id: str
    ts: str


@dataclass(frozen=True)
class ClosedSession:
    session_id: int
    channel_id: str
    parent_ts: str | None
    summary: SessionSummary
    closed_by: str
    closed_at: datetime
    already_closed: bool
    counts: ThreadCounts
    started_at: datetime
    sla_days: int


class TriageService:
    def __init__(
        self,
        *,
        sessions: Sessions,
        workspaces: WorkspaceService,
        trackers: TrackerFactory,
        metrics: Metrics,
        feedback: FeedbackCapture,
        default_sla_days: int = 7,
    ) -> None:
        self._metrics = metrics
        self._sessions = sessions
        self._workspaces = workspaces
        self._trackers = trackers
        self._feedback = feedback
        self._default_sla_days = default_sla_days

    def post_now(
        self, *, runs: RunNow, team_id: str, fallback_channel_id: str, now: datetime
    ) -> list[str]:
        """`/triage now`: a new thread of the current queue, run through the ritual dispatcher
        like `/ops run`, in the triage channel (the triage setting, else the weekly schedule's
        channels, else where it was typed); that channel's previous thread is marked
        superseded. Returns the channels."""
        configured = self.settings(team_id=team_id).channel_id
        result = runs.run_now(
            team_id=team_id,
            ritual=TRIAGE_RITUAL,
            now=now,
            channel_ids=[configured] if configured else None,
        )
        if result.enqueued or result.skipped:
            return [*result.enqueued, *result.skipped]
        runs.run_now(
            team_id=team_id, ritual=TRIAGE_RITUAL, now=now, channel_ids=[fallback_channel_id]
        )
        return [fallback_channel_id]

    # ---- settings ---------------------------------------------------------------------------
    def settings(self, *, team_id: str) -> TriageSettings:
        value = self._workspaces.get_setting(team_id=team_id, key=SETTING_KEY) or {}
        tracker = value.get("tracker")
        return TriageSettings(
            channel_id=value.get("channel_id") or None,
            sla_days=int(value.get("sla_days") or self._default_sla_days),
            tracker=TrackerConfig.from_setting(tracker) if tracker else None,
            webhook_secret=value.get("webhook_secret") or None,
            close_after_hours=int(value["close_after_hours"])
            if value.get("close_after_hours")
            else None,
        )

    def save_settings(
        self, *, team_id: str, form: SettingsForm, user_id: str, now: datetime
    ) -> SavedSettings:
        """Validates and stores the triage settings (`SettingsInvalid`: nothing saved). An empty
        token keeps the stored one; a new webhook secret is generated only when asked."""
        current = self._workspaces.get_setting(team_id=team_id, key=SETTING_KEY) or {}
        stored_tracker = current.get("tracker") or {}
        errors = validate_settings(form, has_token=bool(stored_tracker.get("token")))
        if errors:
            raise SettingsInvalid(errors)
        close_after = form.close_after_hours.strip()
        value = {
            **current,
            "channel_id": form.channel_id,
            "sla_days": int(form.sla_days),
            "close_after_hours": int(close_after) if close_after else None,
        }
        if form.tracker_kind is None:
            value.pop("tracker", None)
        else:
            value["tracker"] = {
                "kind": form.tracker_kind,
                "project": form.tracker_project.strip(),
                "base_url": form.tracker_url.strip(),
                "user": form.tracker_user.strip(),
                "token": form.tracker_token.strip() or stored_tracker.get("token", ""),
            }
        secret = secrets.token_urlsafe(32) if form.new_webhook_secret else None
        if secret:
            value["webhook_secret"] = secret
        self._workspaces.set_setting(
            team_id=team_id, key=SETTING_KEY, value=value, user_id=user_id, now=now
        )
        logger.info("triage settings saved by %s", user_id)
        return SavedSettings(self.settings(team_id=team_id), secret)

    def configure(
        self, *, team_id: str, changes: dict[str, Any], user_id: str, now: datetime
    ) -> None:
        """Merges `changes` into the workspace's triage setting (channel, SLA, tracker, secret)."""
        current = self._workspaces.get_setting(team_id=team_id, key=SETTING_KEY) or {}
        self._workspaces.set_setting(
            team_id=team_id, key=SETTING_KEY, value={**current, **changes}, user_id=user_id, now=now
        )

    # ---- intake -----------------------------------------------------------------------------
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
            _record(session, ticket, "created", reporter_user_id, source.value, now)
            return _view(ticket)

    def receive_from_helpdesk(
        self, *, team_id: str, incoming: HelpdeskTicket, now: datetime
    ) -> tuple[WebhookResult, int | None]:
        """Creates, updates (a repeat never duplicates) or removes a helpdesk ticket."""
        self._workspaces.ensure_workspace(team_id=team_id, now=now)
        try:
            return self._receive(team_id, incoming, now)
        except IntegrityError:
            # The same ticket arrived twice at the same moment: the other request created it.
            return self._receive(team_id, incoming, now)

    def _receive(
        self, team_id: str, incoming: HelpdeskTicket, now: datetime
    ) -> tuple[WebhookResult, int | None]:
        with self._sessions.begin() as session:
            ticket = queries.get_external_ticket(
                session, team_id, incoming.helpdesk.value, incoming.external_id
            )
            if incoming.deleted:
                if ticket is None:
                    return WebhookResult.UNKNOWN, None
                ticket.status = TicketStatus.DELETED.value
                ticket.updated_at = now
                ticket.version += 1
                _record(session, ticket, "deleted", None, incoming.helpdesk.value, now)
                return WebhookResult.DELETED, ticket.id
            result = WebhookResult.UPDATED
            if ticket is None:
                result = WebhookResult.CREATED
                ticket = Ticket(
                    team_id=team_id,
                    source=Source.WEBHOOK.value,
                    helpdesk=incoming.helpdesk.value,
                    external_id=incoming.external_id,
                    status=TicketStatus.OPEN.value,
                    created_at=incoming.created_at or now,
                    received_at=now,
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
            _record(session, ticket, result.value, None, incoming.helpdesk.value, now)
            return result, ticket.id

    # ---- the weekly thread ------------------------------------------------------------------
    def plan_thread(
        self, *, team_id: str, channel_id: str, period: str, now: datetime
    ) -> ThreadPlan:
        """The session for (channel, period) with its tickets, most severe and oldest first.

        Re-planning the same period returns the same tickets (a re-fired job posts nothing new).
        A new period supersedes the channel's open sessions. Side effects: the session row and
        its ticket list."""
        self._workspaces.ensure_workspace(team_id=team_id, now=now)
        sla_days = self.settings(team_id=team_id).sla_days
        with self._sessions.begin() as session:
            run = queries.get_run(session, team_id, channel_id, period)
            if run is None:
                for old in queries.open_sessions(session, team_id, channel_id):
                    old.state = SessionState.SUPERSEDED.value
                    old.superseded_at = now
                run = TriageSession(
                    team_id=team_id,
                    channel_id=channel_id,
                    period=period,
                    state=SessionState.OPEN.value,
                    started_at=now,
                )
                session.add(run)
                session.flush()
                tickets = [_view(t) for t in queries.open_tickets(session, team_id)]
                if tickets:
                    session.execute(
                        insert(SESSION_TICKETS),
                        [
                            {"session_id": run.id, "ticket_id": t.id, "team_id": team_id}
                            for t in tickets
                        ],
                    )
            else:
                tickets = [_view(t) for t in queries.session_tickets(session, team_id, run.id)]
            ordered = triage_order(tickets)
            counts = count_thread(
                [t for t in ordered if t.status in {TicketStatus.OPEN, TicketStatus.FILING}],
                shown_before=queries.shown_before(session, team_id, run.id),
                now=run.started_at,
                sla_days=sla_days,
            )
            return ThreadPlan(run.id, ordered, counts, sla_days, run.started_at)

    def record_delivery(
        self, *, team_id: str, channel_id: str, period: str, sent: dict[str, str], now: datetime
    ) -> list[PostedMessage]:
        """Stores the ts of the parent and of each ticket message (so clicks and closing can
        update them). Returns the parents of the threads this one superseded."""
        with self._sessions.begin() as session:
            run = queries.get_run(session, team_id, channel_id, period)
            if run is None:
                return []
            if "parent" in sent:
                run.parent_ts = sent["parent"]
            rows = {row.ticket_id: row for row in queries.session_rows(session, team_id, run.id)}
            for part, ts in sent.items():
                if part.startswith("ticket:"):
                    row = rows.get(int(part.removeprefix("ticket:")))
                    if row is not None:
                        row.ts = ts
            superseded = queries.superseded_by(session, team_id, channel_id, run.started_at)
            return [PostedMessage(s.channel_id, s.parent_ts or "") for s in superseded]

    # ---- decisions --------------------------------------------------------------------------
    def decide(
        self,
        *,
        team_id: str,
        ticket_id: int,
        outcome: Outcome,
        user_id: str,
        now: datetime,
        reason: str | None = None,
    ) -> Decision:
        """Known issue, Needs info or Won't fix: one conditional UPDATE, recorded with who/when."""
        if outcome in {Outcome.BUG, Outcome.FEATURE}:
            raise ValueError("bugs and feature requests go through file_bug / capture_feature")
        with self._sessions.begin() as session:
            won = queries.claim(
                session,
                team_id=team_id,
                ticket_id=ticket_id,
                abandoned_before=now - FILING_ABANDONED,
                values=_decided(outcome, user_id, now, reason=reason),
            )
            ticket = self._load(session, team_id, ticket_id)
            if won:
                _record(session, ticket, outcome.value, user_id, reason or "", now)
        self._count(outcome, won=won)
        return Decision(won, _view(ticket), self.settings(team_id=team_id).sla_days)

    def file_bug(self, *, team_id: str, ticket_id: int, user_id: str, now: datetime) -> Decision:
        """Creates an issue in the workspace's tracker and links it. When the tracker is down or
        refuses the credentials the ticket stays untriaged and `TriageUnavailable` says why."""
        settings = self.settings(team_id=team_id)
        if settings.tracker is None:
            raise TriageUnavailable(
                "No issue tracker is set up for triage yet, so I could not file this bug. "
                "Ask an admin to configure Jira, Linear or GitHub for triage."
            )
        claimed = self._claim(team_id, ticket_id, now)
        if not claimed.won:
            self._count(Outcome.BUG, won=False)
            return claimed
        ticket = claimed.ticket
        try:
            issue = self._trackers(settings.tracker).create_issue(_new_issue(ticket))
        except TrackerError as error:
            self._release(team_id, ticket_id, now)
            self._metrics.triage_decisions.labels(Outcome.BUG.value, "failed").inc()
            logger.warning("tracker refused ticket %s: %s", ticket_id, type(error).__name__)
            raise TriageUnavailable(
                f"I could not create the engineering issue: {error}. The ticket is still untriaged."
            ) from error
        values = _decided(Outcome.BUG, user_id, now)
        values.update(tracker_key=issue.key, tracker_url=issue.url)
        return self._finish(team_id, ticket_id, values, Outcome.BUG, user_id, issue.url, now)

    def capture_feature(
        self, *, team_id: str, ticket_id: int, user_id: str, now: datetime
    ) -> Decision:
        """Turns the ticket into a feedback item on its account, linked both ways."""
        claimed = self._claim(team_id, ticket_id, now)
        if not claimed.won:
            self._count(Outcome.FEATURE, won=False)
            return claimed
        ticket = claimed.ticket
        try:
            feedback_id = self._feedback.capture_from_ticket(
                team_id=team_id,
                text=_feature_text(ticket),
                account_name=ticket.account_name,
                submitted_by=user_id,
                link=ticket.link,
                ticket_ref=f"triage:{ticket.id}",
                now=now,
            )
        except Exception:
            self._release(team_id, ticket_id, now)
            raise
        values = _decided(Outcome.FEATURE, user_id, now)
        values["feedback_id"] = feedback_id
        return self._finish(
            team_id, ticket_id, values, Outcome.FEATURE, user_id, f"feedback {feedback_id}", now
        )

    def assign_owner(
        self, *, team_id: str, ticket_id: int, owner_user_id: str, user_id: str, now: datetime
    ) -> Decision:
        """Sets the owner (last click wins; nothing to lose), recorded with who and when."""
        with self._sessions.begin() as session:
            ticket = self._load(session, team_id, ticket_id)
            ticket.owner_user_id = owner_user_id
            ticket.updated_at = now
            ticket.version += 1
            _record(session, ticket, "owner", user_id, owner_user_id, now)
            view = _view(ticket)
        return Decision(True, view, self.settings(team_id=team_id).sla_days)

    def ticket(self, *, team_id: str, ticket_id: int) -> TicketView:
        with self._sessions() as session:
            return _view(self._load(session, team_id, ticket_id))

    def ticket_message(self, *, team_id: str, ticket_id: int) -> PostedMessage | None:
        with self._sessions() as session:
            row = queries.latest_message(session, team_id, ticket_id)
            return PostedMessage(row[0], row[1]) if row else None

    def history(self, *, team_id: str, ticket_id: int) -> list[tuple[str, str | None, datetime]]:
        """(action, user, when) for a ticket, oldest first."""
        with self._sessions() as session:
            events = queries.ticket_events(session, team_id, ticket_id)
            return [(e.action, e.user_id, e.at) for e in events]

    def _claim(self, team_id: str, ticket_id: int, now: datetime) -> Decision:
        with self._sessions.begin() as session:
            won = queries.claim(
                session,
                team_id=team_id,
                ticket_id=ticket_id,
                abandoned_before=now - FILING_ABANDONED,
                values={"status": TicketStatus.FILING.value, "updated_at": now},
            )
            ticket = self._load(session, team_id, ticket_id)
        return Decision(won, _view(ticket), self.settings(team_id=team_id).sla_days)

    def _release(self, team_id: str, ticket_id: int, now: datetime) -> None:
        with self._sessions.begin() as session:
            ticket = self._load(session, team_id, ticket_id)
            if ticket.status == TicketStatus.FILING.value:
                ticket.status = TicketStatus.OPEN.value
                ticket.updated_at = now
                ticket.version += 1

    def _finish(
        self,
        team_id: str,
        ticket_id: int,
        values: dict[str, object],
        outcome: Outcome,
        user_id: str,
        detail: str,
        now: datetime,
    ) -> Decision:
        with self._sessions.begin() as session:
            ticket = self._load(session, team_id, ticket_id)
            for key, value in values.items():
                setattr(ticket, key, value)
            ticket.version += 1
            _record(session, ticket, outcome.value, user_id, detail, now)
            view = _view(ticket)
        self._count(outcome, won=True)
        return Decision(True, view, self.settings(team_id=team_id).sla_days)

    def _count(self, outcome: Outcome, *, won: bool) -> None:
        self._metrics.triage_decisions.labels(outcome.value, "won" if won else "lost").inc()

    def _load(self, session: Any, team_id: str, ticket_id: int) -> Ticket:
        ticket = queries.get_ticket(session, team_id, ticket_id)
        if ticket is None:
            raise UserFacingError("That ticket is no longer in the triage queue.")
        session.refresh(ticket)
        return ticket

    # ---- closing ----------------------------------------------------------------------------
    def close_session(
        self, *, team_id: str, session_id: int, user_id: str, now: datetime
    ) -> ClosedSession:
        """Closes a thread (once: a second click gets the same summary, `already_closed`)."""
        sla_days = self.settings(team_id=team_id).sla_days
        with self._sessions.begin() as session:
            run = queries.get_session(session, team_id, session_id)
            if run is None:
                raise UserFacingError("That triage session does not exist any more.")
            already = run.state == SessionState.CLOSED.value
            if not already:
                run.state = SessionState.CLOSED.value
                run.closed_at = now
                run.closed_by = user_id
            tickets = [_view(t) for t in queries.session_tickets(session, team_id, run.id)]
            summary = _summary(tickets, since=run.started_at, now=now, sla_days=sla_days)
            still_open = [
                t for t in tickets if t.status in {TicketStatus.OPEN, TicketStatus.FILING}
            ]
            counts = count_thread(
                still_open,
                shown_before=queries.shown_before(session, team_id, run.id),
                now=now,
                sla_days=sla_days,
            )
            return ClosedSession(
                session_id=run.id,
                channel_id=run.channel_id,
                parent_ts=run.parent_ts,
                summary=summary,
                closed_by=run.closed_by or user_id,
                closed_at=run.closed_at or now,
                already_closed=already,
                counts=counts,
                started_at=run.started_at,
                sla_days=sla_days,
            )

    def sessions_due_for_closing(self, *, now: datetime) -> list[tuple[str, int]]:
        """(team, session) pairs whose posted thread is open past the workspace's
        `close_after_hours`; workspaces without the setting close only with the button."""
        due: list[tuple[str, int]] = []
        with self._sessions() as session:
            team_ids = queries.team_ids_with_open_sessions(session)
        for team_id in team_ids:
            hours = self.settings(team_id=team_id).close_after_hours
            if hours is None:
                continue
            with self._sessions() as session:
                runs = queries.posted_open_sessions(session, team_id)
                due += [
                    (team_id, run.id) for run in runs if closing_is_due(run.started_at, hours, now)
                ]
        return due

    def summary(self, *, team_id: str, session_id: int, now: datetime) -> SessionSummary:
        sla_days = self.settings(team_id=team_id).sla_days
        with self._sessions() as session:
            run = queries.get_session(session, team_id, session_id)
            if run is None:
                raise UserFacingError("That triage session does not exist any more.")
            tickets = [_view(t) for t in queries.session_tickets(session, team_id, run.id)]
            return _summary(tickets, since=run.started_at, now=now, sla_days=sla_days)

    # ---- Home and export --------------------------------------------------------------------
    def owned_by(self, *, team_id: str, user_id: str, limit: int = 10) -> list[TicketView]:
        with self._sessions() as session:
            return [_view(t) for t in queries.tickets_owned_by(session, team_id, user_id, limit)]

    def reported_by(self, *, team_id: str, user_id: str, limit: int = 10) -> list[TicketView]:
        with self._sessions() as session:
            return [_view(t) for t in queries.tickets_reported_by(session, team_id, user_id, limit)]

    def export(self, *, team_id: str) -> list[TicketView]:
        with self._sessions() as session:
            return [_view(t) for t in queries.all_tickets(session, team_id)]

    def export_records(
        self, *, team_id: str | None = None, since: datetime | None = None
    ) -> list[dict[str, Any]]:
        """Every ticket of one workspace, or of each workspace in turn, as export records
        (only those created on or after `since` when given)."""
        with self._sessions() as session:
            teams = [team_id] if team_id else list(queries.team_ids_with_tickets(session))
            return [
                ticket_record(team, _view(ticket))
                for team in teams
                for ticket in queries.all_tickets(session, team, since)
            ]


def _decided(
    outcome: Outcome, user_id: str, now: datetime, *, reason: str | None = None
) -> dict[str, object]:
    return {
        "status": TicketStatus.TRIAGED.value,
        "outcome": outcome.value,
        "outcome_reason": reason,
        "decided_by": user_id,
        "decided_at": now,
        "updated_at": now,
    }


def _record(
    session: Any, ticket: Ticket, action: str, user_id: str | None, detail: str, now: datetime
) -> None:
    session.add(
        TicketEvent(
            team_id=ticket.team_id,
            ticket_id=ticket.id,
            action=action,
            user_id=user_id,
            detail=detail,
            at=now,
        )
    )


def _view(ticket: Ticket | Row[Any]) -> TicketView:
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


def _new_issue(ticket: TicketView) -> NewIssue:
    lines = [ticket.description or ticket.title, ""]
    if ticket.account_name:
        lines.append(f"Account: {ticket.account_name}")
    lines.append(f"Severity: {ticket.severity.value}")
    if ticket.link:
        lines.append(f"Helpdesk: {ticket.link}")
    lines.append(f"From the opsbot support triage (ticket {ticket.id}).")
    return NewIssue(title=ticket.title, body="\n".join(lines), labels=("support-triage",))


def _feature_text(ticket: TicketView) -> str:
    return f"{ticket.title}\n\n{ticket.description}".strip()


def _summary(
    tickets: Sequence[TicketView], *, since: datetime, now: datetime, sla_days: int
) -> SessionSummary:
    decided = [
        t
        for t in tickets
        if t.status == TicketStatus.TRIAGED
        and t.outcome is not None
        and t.decided_at is not None
        and t.decided_at >= since
    ]
    left = [t for t in tickets if t.status in {TicketStatus.OPEN, TicketStatus.FILING}]
    issues = [
        CreatedIssue(t.id, t.title, t.tracker_key or "", t.tracker_url or "")
        for t in triage_order(decided)
        if t.outcome is Outcome.BUG and t.tracker_url
    ]
    return summarise(
        decided=[
            (t.outcome, t.decided_at - t.created_at) for t in decided if t.outcome and t.decided_at
        ],
        left=len(left),
        left_overdue=sum(1 for t in left if is_overdue(t.created_at, now, sla_days)),
        created_issues=issues,
    )
