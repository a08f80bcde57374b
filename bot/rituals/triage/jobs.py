"""Closing triage sessions by themselves at the workspace's configured end.

Runs from the scheduler's housekeeping (the leader only), so one process closes each session;
`close_session` is idempotent anyway, and a session closed by the button meanwhile is left alone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.rituals.triage.closing import publish_closed_session
from bot.rituals.triage.service import TriageService

logger = logging.getLogger(__name__)


class TriageAutoCloser:
    def __init__(
        self, *, service: TriageService, client: WebClient, bot_user_id: Callable[[], str]
    ) -> None:
        self._service = service
        self._client = client
        self._bot_user_id = bot_user_id

    def run(self, *, now: datetime) -> int:
        """Closes every session past its end and posts its summary; returns how many."""
        closed_count = 0
        for team_id, session_id in self._service.sessions_due_for_closing(now=now):
            closed = self._service.close_session(
                team_id=team_id, session_id=session_id, user_id=self._bot_user_id(), now=now
            )
            if closed.already_closed or closed.parent_ts is None:
                continue
            try:
                publish_closed_session(self._client, closed, closed.parent_ts)
            except SlackApiError as error:
                # The session is closed either way; the summary can still be read from the
                # App Home and exports. Other workspaces' sessions must still close.
                logger.warning(
                    "closed triage session %s but could not post its summary: %s",
                    session_id,
                    error.response.get("error"),
                )
                continue
            closed_count += 1
            logger.info("closed triage session %s of %s at its configured end", session_id, team_id)
        return closed_count
