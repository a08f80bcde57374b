"""`/ops` listeners: ack first, parse, one service call, render."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.rituals.ops.blocks import build_help_blocks, help_fallback_text
from bot.rituals.ops.domain import parse_ops_command
from bot.rituals.ops.ids import OpsIds


def register(app: App) -> None:
    @app.command(OpsIds.COMMAND.value)
    def on_ops(ack: Ack, command: dict[str, Any]) -> None:
        parsed = parse_ops_command(command.get("text", ""))
        unknown = None if parsed.name == "help" else parsed.name
        blocks = build_help_blocks(unknown=unknown)
        ack(text=help_fallback_text(), blocks=[block.to_dict() for block in blocks])
