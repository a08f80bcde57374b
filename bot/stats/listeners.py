"""`/ops stats [7d|30d|quarter]`: answered privately with every number and its trend.

Registered before the generic `/ops` help listener, matching only the `stats` subcommand. The
SQL can take a moment on a big workspace, so the listener acks first (an empty ack: Slack shows
nothing) and answers afterwards through `respond` (the command's response_url). Errors after
the ack are told to the person here rather than raised: a listener that raises after its ack
can have Bolt reset the ack (SLACK-FACTS.md). Bolt's lazy listeners are not used because they
deep-copy the request, and the metered Web API client in its context cannot be copied.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, Respond
from sqlalchemy.exc import SQLAlchemyError

from bot.errors import UserFacingError
from bot.ops.domain import parse_ops_command
from bot.ops.ids import OpsIds
from bot.slack.error_handler import DATABASE_DOWN
from bot.stats.blocks import build_period_help, build_stats_blocks, stats_fallback_text
from bot.stats.domain import UnknownPeriodError, parse_period
from bot.stats.service import StatsService

logger = logging.getLogger(__name__)

STATS_WORD = "stats"


def _is_stats(command: dict[str, Any]) -> bool:
    return parse_ops_command(command.get("text", "")).name == STATS_WORD


def register(app: App, *, stats: StatsService, clock: Callable[[], datetime]) -> None:
    @app.command(OpsIds.COMMAND.value, matchers=[_is_stats])
    def on_stats(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        ack()
        args = parse_ops_command(command.get("text", "")).args
        try:
            period = parse_period(args[0] if args else None)
            report = stats.report(team_id=command["team_id"], period=period, now=clock())
        except UnknownPeriodError as error:
            respond(
                text=str(error), blocks=build_period_help(str(error)), response_type="ephemeral"
            )
            return
        except UserFacingError as error:
            respond(text=str(error), response_type="ephemeral")
            return
        except SQLAlchemyError:
            logger.exception("/ops stats failed: team=%s", command.get("team_id"))
            respond(text=DATABASE_DOWN, response_type="ephemeral")
            return
        respond(
            text=stats_fallback_text(report),
            blocks=[block.to_dict() for block in build_stats_blocks(report)],
            response_type="ephemeral",
        )
