"""The one global Bolt middleware: prepares every request before any listener runs.

It is one function on purpose: Bolt builds a keyword-argument dict for every middleware it
calls, which is a measurable share of the ack time (see bench/ack_latency.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, BoltRequest, BoltResponse

from bot.logs import team_id_var
from bot.metrics import Metrics
from bot.slack.after_ack import current_ack_var
from bot.slack.client import MeteredWebClient
from bot.slack.event_dedupe import EventDeduper
from bot.workspace.service import WorkspaceService

logger = logging.getLogger(__name__)

Clock = Callable[[], Any]


def strip_nul_bytes(value: Any) -> Any:
    """Removes NUL characters from every string of a payload, in place: no database stores
    them (Postgres refuses them), and no person means them."""
    if isinstance(value, dict):
        for key, item in value.items():
            value[key] = (
                item.replace("\x00", "") if isinstance(item, str) else strip_nul_bytes(item)
            )
    elif isinstance(value, list):
        for index, item in enumerate(value):
            value[index] = (
                item.replace("\x00", "") if isinstance(item, str) else strip_nul_bytes(item)
            )
    return value


def make_request_middleware(
    *,
    client: MeteredWebClient,
    workspaces: WorkspaceService,
    events: EventDeduper,
    metrics: Metrics,
    clock: Clock,
) -> Callable[..., BoltResponse | None]:
    """Four steps, in order (0: a request for a team this bot token does not serve is refused):

    1. Listeners get the metered client: Bolt builds a plain `WebClient` per request, which
       would bypass the API call metrics (calls never mutate it, so sharing it is safe).
    2. The workspace row exists (created the first time a team is seen, cached afterwards).
    3. A Slack event whose `event_id` was already seen is dropped (bot/slack/event_dedupe.py:
       memory, and a read for Slack's retries only, before the ack; the durable write after
       it, so no ack waits for a database write lock). Rituals keep their own idempotency
       keys (a captured message is stored once).
    2b. The request's `ack` is remembered in a context variable, so code further down (the
       admin check) knows whether Slack is still waiting for the ack (bot/slack/after_ack.py).
    """

    def prepare_request(
        body: dict[str, Any],
        context: BoltContext,
        req: BoltRequest,
        next: Callable[[], None],
    ) -> BoltResponse | None:
        strip_nul_bytes(body)
        context["client"] = client.for_token(context.bot_token or context.get("token"))
        current_ack_var.set(context.ack)
        team_id = context.team_id or context.enterprise_id
        served = context.authorize_result.team_id if context.authorize_result else None
        if served and context.team_id and context.team_id != served:
            # One bot token serves one workspace: a signed payload naming another team (a
            # second workspace installed with the same app) must not be answered with it.
            logger.warning("refused a request for team %s: this opsbot serves %s", team_id, served)
            return BoltResponse(status=403, body="this opsbot serves another workspace")
        if team_id:
            team_id_var.set(team_id)
            workspaces.ensure_workspace(team_id=team_id, now=clock())
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id and not events.first_delivery(
            team_id=team_id or body.get("team_id") or "",
            event_id=event_id,
            # Over HTTP a retry says so; Socket Mode hides it, so there every delivery is read.
            retry=req.mode != "http" or bool(req.headers.get("x-slack-retry-num")),
        ):
            metrics.duplicate_events.inc()
            logger.info("dropping repeat delivery of event %s", event_id)
            return BoltResponse(status=200, body="")
        next()
        return None

    return prepare_request
