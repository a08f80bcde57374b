"""What a ritual provides to the engine: how to compose one run's posts for one channel."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Protocol

from bot.errors import UserFacingError
from bot.outbox.domain import OutgoingPost


class RitualRunner(Protocol):
    @property
    def name(self) -> str: ...

    def compose(
        self,
        *,
        team_id: str,
        channel_id: str,
        period: str,
        options: dict[str, Any],
        now: datetime,
    ) -> list[OutgoingPost]: ...

    # Optional, called once every post of a run in a channel was sent (`sent`: part -> ts):
    # def after_delivery(self, *, team_id, channel_id, period, sent, now) -> None
    #
    # Optional, for rituals that write to people rather than to channels (pair introductions,
    # reminders): when present, the dispatcher enqueues what it returns instead of composing
    # for the schedule's channels:
    # def targets(self, *, team_id, period, options, now) -> list[OutgoingTarget]


class UnknownRitualError(UserFacingError, LookupError):
    """Asked to run a ritual this installation does not (yet) provide."""


class RitualRegistry:
    """The runners of the installed rituals, by ritual name; built once, never changed."""

    def __init__(self, runners: Sequence[RitualRunner] = ()) -> None:
        self._runners: dict[str, RitualRunner] = {}
        for runner in runners:
            if str(runner.name) in self._runners:
                raise ValueError(f"two runners are named {runner.name}")
            self._runners[str(runner.name)] = runner

    def get(self, name: str) -> RitualRunner:
        try:
            return self._runners[str(name)]
        except KeyError:
            raise UnknownRitualError(
                f"The ritual `{name}` is not available in this opsbot yet."
            ) from None

    def names(self) -> list[str]:
        return sorted(self._runners)


def after_delivery_hook(
    registry: RitualRegistry, clock: Callable[[], datetime]
) -> Callable[[str, str, str, str, dict[str, str]], None]:
    """The sender's callback once a run's posts in one channel are all sent."""

    def hook(team_id: str, ritual: str, period: str, channel_id: str, sent: dict[str, str]) -> None:
        try:
            runner = registry.get(ritual)
        except UnknownRitualError:
            return
        follow_up = getattr(runner, "after_delivery", None)
        if follow_up is not None:
            follow_up(team_id=team_id, channel_id=channel_id, period=period, sent=sent, now=clock())

    return hook
