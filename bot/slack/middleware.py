"""Global Bolt middleware: request context, workspace rows and dropping Slack's retries."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, BoltResponse

from bot.logs import team_id_var
from bot.metrics import Metrics
from bot.slack.client import MeteredWebClient
from bot.workspace.service import WorkspaceService

logger = logging.getLogger(__name__)

Clock = Callable[[], Any]


def make_client_middleware(client: MeteredWebClient) -> Callable[..., BoltResponse | None]:
    """Gives listeners the metered client instead of the plain one Bolt builds per request.

    Bolt creates a new `WebClient` for every request, which would bypass the API call metrics.
    Calls never mutate the client, so sharing it between threads is safe.
    """

    def use_metered_client(context: BoltContext, next: Callable[[], None]) -> None:
        context["client"] = client.for_token(context.bot_token or context.get("token"))
        next()
        return

    return use_metered_client


def make_workspace_middleware(
    workspaces: WorkspaceService, clock: Clock
) -> Callable[..., BoltResponse | None]:
    def ensure_workspace(context: BoltContext, next: Callable[[], None]) -> None:
        team_id = context.team_id or context.enterprise_id
        if team_id:
            team_id_var.set(team_id)
            workspaces.ensure_workspace(team_id=team_id, now=clock())
        next()
        return

    return ensure_workspace


def make_event_dedup_middleware(
    workspaces: WorkspaceService, metrics: Metrics, clock: Clock
) -> Callable[..., BoltResponse | None]:
    """Drops a Slack event whose `event_id` was already handled (stored, survives restarts).

    The id is recorded before the listener runs: a retry that arrives while the first delivery
    is still being handled is dropped too. Rituals keep their own idempotency keys (a captured
    message is stored once), so a listener that fails after this point loses nothing that a
    retry would have recovered except by doing the work twice.
    """

    def drop_event_retries(
        body: dict[str, Any],
        context: BoltContext,
        next: Callable[[], None],
    ) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if not event_id:
            next()
            return None
        team_id = context.team_id or body.get("team_id") or ""
        if workspaces.mark_event_processed(team_id=team_id, event_id=event_id, now=clock()):
            next()
            return None
        metrics.duplicate_events.inc()
        logger.info("dropping repeat delivery of event %s", event_id)
        return BoltResponse(status=200, body="")

    return drop_event_retries
