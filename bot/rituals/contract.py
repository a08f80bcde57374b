"""The ritual contract: everything one ritual contributes to opsbot, named in one object.

The composition root, the Slack app factory, the CLI, the manifest, `/ops help`, the schedule
modal, `opsbot ritual list`, the model registry and Alembic all read `bot.rituals.INSTALLED`, a
list of these. Adding a ritual is a folder under `bot/rituals/` and one line in that list.

The contract has two halves. The static half (commands, shortcuts, scheduled names, help lines,
scopes, models, CLI) is plain data, so the manifest and the help can be built with no database
or Slack. `build` turns the shared services (`RitualDeps`) into the running half (`RitualParts`);
the listeners are registered last (`RitualParts.register`), once every ritual is built, because
they may run any ritual now through the dispatcher.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import ModuleType
from typing import TYPE_CHECKING, Literal, TypeVar

from pydantic import BaseModel

if TYPE_CHECKING:
    import httpx
    from slack_bolt import App

    from bot.config import Settings
    from bot.db import Sessions
    from bot.home.service import HomeSection, HomeService
    from bot.metrics import Metrics
    from bot.outbox.service import Outbox
    from bot.scheduling.registry import RitualRunner
    from bot.scheduling.service import RitualDispatcher
    from bot.slack.client import MeteredWebClient
    from bot.slack.directory import UserDirectory
    from bot.slack.listen import AfterAck
    from bot.web.app import Route
    from bot.workspace.admins import AdminGuard
    from bot.workspace.permissions import Permissions
    from bot.workspace.service import WorkspaceService

T = TypeVar("T")
OptionsT = TypeVar("OptionsT", bound=BaseModel)
Clock = Callable[[], datetime]


@dataclass(frozen=True)
class SlashCommand:
    """A slash command as the manifest declares it; the ritual's listeners answer it."""

    command: str
    description: str
    usage_hint: str
    # Slack turns @person, @user-group and #channel into ids (<@U…>, <!subteam^S…>, <#C…>)
    # only when this is on; `/buddy add @person pm` needs it.
    should_escape: bool = False


@dataclass(frozen=True)
class Shortcut:
    """A message (or global) shortcut; `callback_id` is the ritual's id enum value."""

    callback_id: str
    name: str
    description: str
    kind: Literal["message", "global"] = "message"


@dataclass(frozen=True)
class ScheduledRitual:
    """A ritual name of the DESIGN.md contract (`feedback-digest`): runnable now, schedulable."""

    name: str
    summary: str


@dataclass(frozen=True)
class CliGroups:
    """The `opsbot export` and `opsbot import` subcommand groups a ritual adds to.

    A handler is `(settings, args) -> exit code`, set with `set_defaults(handler=...)`.
    """

    export: argparse._SubParsersAction[argparse.ArgumentParser]
    import_: argparse._SubParsersAction[argparse.ArgumentParser]


@dataclass(frozen=True)
class SettingsSection:
    """A ritual's part of `/ops settings`: a button that opens the ritual's own modal.

    `open` is called after the ack with the Slack client, trigger id, team and user; the ritual's
    own listeners handle the modal's submission and decide who may save it.
    """

    key: str
    label: str
    open: Callable[..., None]


class MissingServiceError(LookupError):
    """A ritual needs a service that no ritual listed before it in INSTALLED provides."""


class Provided:
    """Services published by rituals already built, looked up by type (feedback's capture,
    used by triage, buddies and releases). Order in INSTALLED is the build order."""

    def __init__(self) -> None:
        self._services: list[object] = []

    def add(self, service: object) -> None:
        self._services.append(service)

    def get(self, kind: type[T]) -> T:
        for service in self._services:
            if isinstance(service, kind):
                return service
        raise MissingServiceError(
            f"{kind.__name__} is provided by no ritual listed earlier in bot.rituals.INSTALLED"
        )


@dataclass(frozen=True)
class RitualDeps:
    """The shared services every ritual is built from (the composition root makes them)."""

    settings: Settings
    sessions: Sessions
    metrics: Metrics
    client: MeteredWebClient
    clock: Clock
    workspaces: WorkspaceService
    admins: AdminGuard
    directory: UserDirectory
    outbox: Outbox
    http: httpx.Client
    provided: Provided
    permissions: Permissions  # who may do what: the one place that decides

    def options(self, key: str, model: type[OptionsT]) -> OptionsT:
        """The ritual's non-secret defaults: `[rituals.<key>]` in config/defaults.toml, or the
        `OPSBOT_RITUALS` JSON environment variable; unknown or invalid values fail at start."""
        return model.model_validate(self.settings.rituals.get(key, {}))


@dataclass(frozen=True)
class SlackDeps:
    """What listeners get when they are registered, after every ritual is built."""

    dispatcher: RitualDispatcher
    admins: AdminGuard
    home: HomeService
    clock: Clock
    # Ack now, call Slack after (bot/slack/listen.py): every listener that calls the Web API
    # hands that part to `after_ack.ack_then`, so no ack waits on Slack.
    after_ack: AfterAck
    permissions: Permissions


@dataclass
class RitualParts:
    """The running half of a ritual, built from `RitualDeps`."""

    register: Callable[[App, SlackDeps], None]
    runners: Sequence[RitualRunner] = ()
    home: HomeSection | None = None
    housekeeping: Sequence[Callable[[datetime], None]] = ()
    routes: Sequence[Route] = ()
    settings: Sequence[SettingsSection] = ()
    provides: Sequence[object] = ()


def _no_cli(groups: CliGroups) -> None:
    return None


@dataclass(frozen=True)
class Ritual:
    """One ritual, as `bot.rituals.INSTALLED` lists it."""

    key: str
    title: str
    emoji: str
    summary: str
    help_lines: tuple[str, ...]
    build: Callable[[RitualDeps], RitualParts]
    models: ModuleType | None = None
    commands: tuple[SlashCommand, ...] = ()
    shortcuts: tuple[Shortcut, ...] = ()
    scheduled: tuple[ScheduledRitual, ...] = ()
    scopes: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    cli: Callable[[CliGroups], None] = _no_cli
