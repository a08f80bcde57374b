"""Closing a session: by the Close triage button or by itself at the workspace's configured end.

The summary goes into the thread through the outbox, enqueued in the same unit of work that
closes the session (keyed `summary:<page>` under the thread's parent), so a crash after closing
never loses it and it is posted exactly once. A second close gets the same summary back with
`already_closed` and enqueues nothing."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from bot.db import Sessions
from bot.errors import UserFacingError
from bot.outbox.domain import OutgoingPost
from bot.rituals.triage import queries
from bot.rituals.triage.blocks import build_summary_pages, summary_text
from bot.rituals.triage.domain import (
    ClosedSession,
    SessionState,
    SessionSummary,
    closing_is_due,
    count_thread,
    still_open,
    summary_of,
)
from bot.rituals.triage.ids import PARENT_PART, TriageRituals, summary_part
from bot.rituals.triage.ports import OutboxPort, PermissionCheck
from bot.rituals.triage.rows import view
from bot.rituals.triage.setup import SettingsFlow
from bot.workspace.roles import Permission

logger = logging.getLogger(__name__)

GONE = "That triage session does not exist any more."


def summary_posts(summary: SessionSummary, *, closed_by: str) -> list[OutgoingPost]:
    """Pure: the summary as thread replies under the parent, one post per page."""
    text = summary_text(summary)
    return [
        OutgoingPost(
            part=summary_part(number),
            text=text,
            blocks=[block.to_dict() for block in page],
            reply_to_part=PARENT_PART,
        )
        for number, page in enumerate(
            build_summary_pages(summary=summary, closed_by=closed_by), start=1
        )
    ]


class ClosingFlow(SettingsFlow):
    _permissions: PermissionCheck
    _sessions: Sessions
    _outbox: OutboxPort

    def close_session(
        self,
        *,
        team_id: str,
        session_id: int,
        user_id: str,
        now: datetime,
        on_schedule: bool = False,
    ) -> ClosedSession:
        """Closes a thread (once: a second click gets the same summary, `already_closed`).
        Side effects, in one unit of work: the session's state and its summary in the outbox.
        People need to be reviewers (`NotAllowedError`); `on_schedule` is the auto-closer."""
        if not on_schedule:
            self._permissions.require(
                team_id=team_id, user_id=user_id, permission=Permission.CLOSE_TRIAGE
            )
        sla_days = self.settings(team_id=team_id).sla_days
        with self._sessions.begin() as session:
            run = queries.get_session(session, team_id, session_id)
            if run is None:
                raise UserFacingError(GONE)
            already = run.state == SessionState.CLOSED.value
            if not already:
                run.state = SessionState.CLOSED.value
                run.closed_at = now
                run.closed_by = user_id
            tickets = [view(t) for t in queries.session_tickets(session, team_id, run.id)]
            closed = ClosedSession(
                session_id=run.id,
                channel_id=run.channel_id,
                parent_ts=run.parent_ts,
                summary=summary_of(tickets, since=run.started_at, now=now, sla_days=sla_days),
                closed_by=run.closed_by or user_id,
                closed_at=run.closed_at or now,
                already_closed=already,
                counts=count_thread(
                    still_open(tickets),
                    shown_before=queries.shown_before(session, team_id, run.id),
                    now=now,
                    sla_days=sla_days,
                ),
                started_at=run.started_at,
                sla_days=sla_days,
            )
            if not already:
                self._outbox.enqueue(
                    session,
                    team_id=team_id,
                    ritual=TriageRituals.THREAD.value,
                    period=run.period,
                    channel_id=run.channel_id,
                    posts=summary_posts(closed.summary, closed_by=closed.closed_by),
                    now=now,
                )
            return closed

    def sessions_due_for_closing(self, *, now: datetime) -> list[tuple[str, int]]:
        """(team, session) pairs whose posted thread is open past the workspace's
        `close_after_hours`; workspaces without the setting close only with the button. A
        workspace that cannot be read (a broken setting, say) is logged and skipped."""
        due: list[tuple[str, int]] = []
        with self._sessions() as session:
            team_ids = queries.team_ids_with_open_sessions(session)
        for team_id in team_ids:
            try:
                due += self._due_in(team_id, now)
            except Exception:
                logger.exception("could not check triage sessions of %s for closing", team_id)
        return due

    def _due_in(self, team_id: str, now: datetime) -> Sequence[tuple[str, int]]:
        hours = self.settings(team_id=team_id).close_after_hours
        if hours is None:
            return []
        with self._sessions() as session:
            runs = queries.posted_open_sessions(session, team_id)
            return [(team_id, r.id) for r in runs if closing_is_due(r.started_at, hours, now)]

    def summary(self, *, team_id: str, session_id: int, now: datetime) -> SessionSummary:
        sla_days = self.settings(team_id=team_id).sla_days
        with self._sessions() as session:
            run = queries.get_session(session, team_id, session_id)
            if run is None:
                raise UserFacingError(GONE)
            tickets = [view(t) for t in queries.session_tickets(session, team_id, run.id)]
            return summary_of(tickets, since=run.started_at, now=now, sla_days=sla_days)
