"""One-click decisions on a ticket: Known issue, Needs info, Won't fix, Bug → engineering,
Feature request and the owner.

Slow calls (the tracker, the feedback ritual) happen between two short units of work: the
ticket is held first (status `filing`), so nobody can decide it twice, and released again when
the call fails, so nothing is lost. The rules here run on the `TicketStore` protocol, so they
are tested with a fake store as well as on the database."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.integrations.tracker import TrackerError
from bot.rituals.triage.domain import (
    Decision,
    Outcome,
    TicketStatus,
    TicketView,
    TriageUnavailable,
    feature_text,
    new_issue,
)
from bot.rituals.triage.metrics import TriageMetrics
from bot.rituals.triage.ports import FeedbackCapture, NewEvent, TicketStore, TrackerFactory
from bot.rituals.triage.setup import SettingsFlow

logger = logging.getLogger(__name__)

# A Bug or Feature click holds the ticket while it calls out (tracker timeout: 10 s). A hold
# older than this was left by a crash, and the ticket can be decided again.
FILING_ABANDONED = timedelta(minutes=2)
NO_TRACKER = (
    "No issue tracker is set up for triage yet, so I could not file this bug. "
    "Ask an admin to configure Jira, Linear or GitHub for triage."
)


def decided(
    outcome: Outcome, user_id: str, now: datetime, *, reason: str | None = None
) -> dict[str, object]:
    """The columns a decision sets."""
    return {
        "status": TicketStatus.TRIAGED.value,
        "outcome": outcome.value,
        "outcome_reason": reason,
        "decided_by": user_id,
        "decided_at": now,
        "updated_at": now,
    }


class DecisionFlow(SettingsFlow):
    _tickets: TicketStore
    _trackers: TrackerFactory
    _feedback: FeedbackCapture
    _metrics: TriageMetrics

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
        won, ticket = self._tickets.claim(
            team_id=team_id,
            ticket_id=ticket_id,
            values=decided(outcome, user_id, now, reason=reason),
            abandoned_before=now - FILING_ABANDONED,
            event=NewEvent(outcome.value, user_id, reason or "", now),
        )
        self._count(outcome, won=won)
        return self._decision(team_id, won, ticket)

    def file_bug(self, *, team_id: str, ticket_id: int, user_id: str, now: datetime) -> Decision:
        """Creates an issue in the workspace's tracker and links it. When the tracker is down or
        refuses the credentials the ticket stays untriaged and `TriageUnavailable` says why."""
        settings = self.settings(team_id=team_id)
        if settings.tracker is None:
            raise TriageUnavailable(NO_TRACKER)
        won, ticket = self._hold(team_id, ticket_id, now)
        if not won:
            self._count(Outcome.BUG, won=False)
            return self._decision(team_id, won, ticket)
        try:
            issue = self._trackers(settings.tracker).create_issue(new_issue(ticket))
        except TrackerError as error:
            self._tickets.release(team_id=team_id, ticket_id=ticket_id, now=now)
            self._metrics.decisions.labels(Outcome.BUG.value, "failed").inc()
            logger.warning("tracker refused ticket %s: %s", ticket_id, type(error).__name__)
            raise TriageUnavailable(
                f"I could not create the engineering issue: {error}. The ticket is still untriaged."
            ) from error
        values = decided(Outcome.BUG, user_id, now)
        values.update(tracker_key=issue.key, tracker_url=issue.url)
        return self._finish(team_id, ticket_id, values, Outcome.BUG, user_id, issue.url, now)

    def capture_feature(
        self, *, team_id: str, ticket_id: int, user_id: str, now: datetime
    ) -> Decision:
        """Turns the ticket into a feedback item on its account, linked both ways."""
        won, ticket = self._hold(team_id, ticket_id, now)
        if not won:
            self._count(Outcome.FEATURE, won=False)
            return self._decision(team_id, won, ticket)
        try:
            feedback_id = self._feedback.capture_from_ticket(
                team_id=team_id,
                text=feature_text(ticket),
                account_name=ticket.account_name,
                submitted_by=user_id,
                link=ticket.link,
                ticket_ref=f"triage:{ticket.id}",
                now=now,
            )
        except Exception:
            self._tickets.release(team_id=team_id, ticket_id=ticket_id, now=now)
            raise
        values = decided(Outcome.FEATURE, user_id, now)
        values["feedback_id"] = feedback_id
        return self._finish(
            team_id, ticket_id, values, Outcome.FEATURE, user_id, f"feedback {feedback_id}", now
        )

    def assign_owner(
        self, *, team_id: str, ticket_id: int, owner_user_id: str, user_id: str, now: datetime
    ) -> Decision:
        """Sets the owner (last click wins; nothing to lose), recorded with who and when."""
        ticket = self._tickets.update(
            team_id=team_id,
            ticket_id=ticket_id,
            values={"owner_user_id": owner_user_id, "updated_at": now},
            event=NewEvent("owner", user_id, owner_user_id, now),
        )
        return self._decision(team_id, True, ticket)

    def ticket(self, *, team_id: str, ticket_id: int) -> TicketView:
        return self._tickets.get(team_id=team_id, ticket_id=ticket_id)

    def _hold(self, team_id: str, ticket_id: int, now: datetime) -> tuple[bool, TicketView]:
        return self._tickets.claim(
            team_id=team_id,
            ticket_id=ticket_id,
            values={"status": TicketStatus.FILING.value, "updated_at": now},
            abandoned_before=now - FILING_ABANDONED,
            event=None,
        )

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
        ticket = self._tickets.update(
            team_id=team_id,
            ticket_id=ticket_id,
            values=values,
            event=NewEvent(outcome.value, user_id, detail, now),
        )
        self._count(outcome, won=True)
        return self._decision(team_id, True, ticket)

    def _decision(self, team_id: str, won: bool, ticket: TicketView) -> Decision:
        return Decision(won, ticket, self.settings(team_id=team_id).sla_days)

    def _count(self, outcome: Outcome, *, won: bool) -> None:
        self._metrics.decisions.labels(outcome.value, "won" if won else "lost").inc()
