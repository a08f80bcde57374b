"""`/ops stats [7d|30d|quarter]`: answered privately with every number and its trend.

Registered before the generic `/ops` help listener, matching only the `stats` subcommand. The
SQL can take a moment on a big workspace, so the listener acks at once (an empty ack: Slack
shows nothing) and computes the answer on the after-ack pool, then sends it through `respond`
(the command's response_url). An error there is told to the person privately by the pool,
never raised back into Bolt (SLACK-FACTS "Ack reset").
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.ops.domain import parse_ops_command
from bot.ops.ids import OpsIds
from bot.slack.listen import AfterAck
from bot.stats.blocks import build_period_help, build_stats_blocks, stats_fallback_text
from bot.stats.domain import UnknownPeriodError, parse_period
from bot.stats.service import StatsService

STATS_WORD = "stats"


def _is_stats(command: dict[str, Any]) -> bool:
    return parse_ops_command(command.get("text", "")).name == STATS_WORD


def register(
    app: App, *, stats: StatsService, clock: Callable[[], datetime], after_ack: AfterAck
) -> None:
    @app.command(OpsIds.COMMAND.value, matchers=[_is_stats])
    def on_stats(ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        def answer() -> None:
            args = parse_ops_command(command.get("text", "")).args
            try:
                period = parse_period(args[0] if args else None)
            except UnknownPeriodError as error:
                blocks = [block.to_dict() for block in build_period_help(str(error))]
                respond(text=str(error), blocks=blocks, response_type="ephemeral")
                return
            report = stats.report(team_id=command["team_id"], period=period, now=clock())
            respond(
                text=stats_fallback_text(report),
                blocks=[block.to_dict() for block in build_stats_blocks(report)],
                response_type="ephemeral",
            )

        after_ack.ack_then(ack, command, client, answer, name="ops-stats")
