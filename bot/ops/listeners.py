"""`/ops` help: ack with the help built from the installed rituals (no database, no Web API)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from slack_bolt import Ack, App

from bot.home.blocks import RitualCard
from bot.ops.blocks import build_help_blocks, help_fallback_text
from bot.ops.domain import parse_ops_command
from bot.ops.ids import OpsIds


class OpsHelp:
    """The help answer is the same for everyone: built once per unknown word, not per ack."""

    def __init__(self, *, rituals: Sequence[RitualCard], commands: Sequence[str]) -> None:
        self._rituals = tuple(rituals)
        self._fallback = help_fallback_text([*commands, OpsIds.COMMAND.value])
        self._cached = functools.lru_cache(maxsize=64)(self._build)

    def _build(self, unknown: str | None) -> tuple[dict[str, Any], ...]:
        blocks = build_help_blocks(rituals=self._rituals, unknown=unknown)
        return tuple(block.to_dict() for block in blocks)

    def blocks(self, unknown: str | None) -> list[dict[str, Any]]:
        return [dict(block) for block in self._cached(unknown[:40] if unknown else None)]

    def on_ops(self, ack: Ack, command: dict[str, Any]) -> None:
        parsed = parse_ops_command(command.get("text", ""))
        unknown = None if parsed.name == "help" else parsed.name
        ack(text=self._fallback, blocks=self.blocks(unknown))


def register(app: App, help_: OpsHelp) -> None:
    app.command(OpsIds.COMMAND.value)(help_.on_ops)
