"""Closing triage sessions by themselves at the workspace's configured end.

Runs from the scheduler's housekeeping (the leader only), so one process closes each session;
`close_session` is idempotent anyway, and a session closed by the button meanwhile is left alone.
The summary is enqueued with the close (durable); the parent is then updated in place. One
workspace's or session's failure is logged and never stops the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from slack_sdk.errors import SlackApiError

from bot.rituals.triage.domain import ClosedSession

logger = logging.getLogger(__name__)


class Closing(Protocol):
    """The slice of `TriageService` the job uses."""

    def sessions_due_for_closing(self, *, now: datetime) -> list[tuple[str, int]]: ...

    def close_session(
        self,
        *,
        team_id: str,
        session_id: int,
        user_id: str,
        now: datetime,
        on_schedule: bool = False,
    ) -> ClosedSession: ...


class ParentDisplay(Protocol):
    def show_closed(self, closed: ClosedSession, parent_ts: str) -> None: ...


class TriageAutoCloser:
    def __init__(
        self, *, service: Closing, slack: ParentDisplay, bot_user_id: Callable[[], str]
    ) -> None:
        self._service = service
        self._slack = slack
        self._bot_user_id = bot_user_id

    def run(self, *, now: datetime) -> int:
        """Closes every session past its end (its summary enqueued); returns how many."""
        closed_count = 0
        for team_id, session_id in self._service.sessions_due_for_closing(now=now):
            try:
                closed = self._service.close_session(
                    team_id=team_id,
                    session_id=session_id,
                    user_id=self._bot_user_id(),
                    now=now,
                    on_schedule=True,
                )
            except Exception:
                logger.exception("could not close triage session %s of %s", session_id, team_id)
                continue
            if closed.already_closed:
                continue
            closed_count += 1
            logger.info("closed triage session %s of %s at its configured end", session_id, team_id)
            if closed.parent_ts is not None:
                self._show_closed(closed, closed.parent_ts)
        return closed_count

    def _show_closed(self, closed: ClosedSession, parent_ts: str) -> None:
        try:
            self._slack.show_closed(closed, parent_ts)
        except SlackApiError as error:
            # The session is closed and its summary is in the outbox either way.
            logger.warning(
                "closed triage session %s but could not update its parent: %s",
                closed.session_id,
                error.response.get("error"),
            )
