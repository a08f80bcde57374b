"""A small real ritual for engine tests: one or more posts per channel, threaded if asked."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.outbox.domain import OutgoingPost
from bot.rituals.contract import Ritual, RitualDeps, RitualParts, ScheduledRitual
from bot.wiring import Container


@dataclass
class EchoRitual:
    name: str = "echo-digest"
    replies: int = 0
    composed: list[tuple[str, str]] = field(default_factory=list)
    delivered: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)

    def compose(
        self, *, team_id: str, channel_id: str, period: str, options: dict[str, Any], now: datetime
    ) -> list[OutgoingPost]:
        self.composed.append((channel_id, period))
        posts = [
            OutgoingPost(part="parent", text=f"{self.name} {period} in {channel_id}", blocks=[])
        ]
        posts += [
            OutgoingPost(
                part=f"reply:{i}", text=f"reply {i} {period}", blocks=[], reply_to_part="parent"
            )
            for i in range(self.replies)
        ]
        return posts

    def after_delivery(
        self, *, team_id: str, channel_id: str, period: str, sent: dict[str, str], now: datetime
    ) -> None:
        self.delivered.append((channel_id, period, sent))


ECHO_NAME = "echo-digest"


def echo_ritual(runner: EchoRitual) -> Ritual:
    """The echo runner as an installed ritual (no commands, one scheduled name)."""

    def build(deps: RitualDeps) -> RitualParts:
        return RitualParts(register=lambda app, slack: None, runners=[runner])

    return Ritual(
        key="echo",
        title="Echo",
        emoji=":repeat:",
        summary="A test ritual that posts what it is asked to.",
        help_lines=(),
        build=build,
        scheduled=(ScheduledRitual(runner.name, "test posts"),),
    )


def echo_of(container: Container) -> EchoRitual:
    """The echo runner of a test container (tests/conftest.py installs one in each)."""
    runner = container.registry.get(ECHO_NAME)
    assert isinstance(runner, EchoRitual)
    return runner
