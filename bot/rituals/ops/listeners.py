"""`/ops` listeners: ack first, parse, one service call, render."""

from __future__ import annotations

import functools
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
        ack(text=help_fallback_text(), blocks=help_blocks(unknown))


@functools.lru_cache(maxsize=64)
def _cached_help(unknown: str | None) -> tuple[dict[str, Any], ...]:
    return tuple(block.to_dict() for block in build_help_blocks(unknown=unknown))


def help_blocks(unknown: str | None) -> list[dict[str, Any]]:
    """The help answer is the same for everyone: built once, not on every ack."""
    return [dict(block) for block in _cached_help(unknown[:40] if unknown else None)]
