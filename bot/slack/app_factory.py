"""Builds the one Bolt `App`: client, executor, middleware, the error handler and every ritual.

The platform's own listeners (App Home, `/ops` help, settings, run and stats) are registered
here; each installed ritual registers its own through the callable its `RitualParts` carries. This
module names no ritual.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from slack_bolt import App

from bot.config import Settings
from bot.home import listeners as home_listeners
from bot.home.blocks import RitualCard
from bot.metrics import Metrics
from bot.ops import listeners as ops_listeners
from bot.ops import roles_listeners
from bot.scheduling import listeners as scheduling_listeners
from bot.scheduling.service import ScheduleService
from bot.slack.bolt_logger import quiet_bolt_logger
from bot.slack.client import MeteredWebClient
from bot.slack.error_handler import make_error_handler
from bot.slack.event_dedupe import EventDeduper
from bot.slack.executor import ContextCopyingExecutor
from bot.slack.middleware import make_request_middleware
from bot.stats import listeners as stats_listeners
from bot.stats.service import StatsService
from bot.workspace.service import WorkspaceService

if TYPE_CHECKING:
    from bot.rituals.contract import SettingsSection, SlackDeps
    from bot.slack.oauth.install import OAuthInstall


def build_bolt_app(
    *,
    settings: Settings,
    client: MeteredWebClient,
    metrics: Metrics,
    workspaces: WorkspaceService,
    events: EventDeduper,
    schedules: ScheduleService,
    stats: StatsService,
    slack: SlackDeps,
    catalogue: Sequence[RitualCard],
    commands: Sequence[str],
    registrations: Sequence[Callable[[App, SlackDeps], None]],
    settings_sections: Sequence[SettingsSection],
    oauth: OAuthInstall | None = None,
) -> App:
    """The Bolt app; with `oauth`, it serves every workspace that installed it (tokens from the
    encrypted store, removed again on `app_uninstalled` / `tokens_revoked`)."""
    executor = ContextCopyingExecutor(
        max_workers=settings.listener_threads, thread_name_prefix="opsbot-listener"
    )
    app = App(
        name="opsbot",
        client=client,
        signing_secret=settings.secret(settings.slack_signing_secret),
        listener_executor=executor,
        logger=quiet_bolt_logger(),
        # bot/web/slack_endpoint.py verifies every HTTP request before Bolt sees it (401 before
        # any parsing); Socket Mode needs no signature. Verifying twice only costs ack latency.
        request_verification_enabled=False,
        # bot/slack/identity.py asks auth.test once at start (and again while Slack is
        # unreachable) and hands Bolt the answer; Bolt's own check would fail the start.
        token_verification_enabled=False,
        **(oauth.app_arguments() if oauth else {}),
    )
    if oauth:
        app.enable_token_revocation_listeners()
    app.middleware(
        make_request_middleware(
            client=client, workspaces=workspaces, events=events, metrics=metrics, clock=slack.clock
        )
    )
    app.error(make_error_handler(metrics))
    # Before the generic /ops help listener: these match only their own subcommands
    # (`/ops settings`, `run`, `stats`, `roles`, `audit`).
    scheduling_listeners.register(
        app,
        schedules=schedules,
        dispatcher=slack.dispatcher,
        admins=slack.admins,
        clock=slack.clock,
        after_ack=slack.after_ack,
        sections=settings_sections,
    )
    stats_listeners.register(app, stats=stats, clock=slack.clock, after_ack=slack.after_ack)
    roles_listeners.register(
        app,
        permissions=slack.permissions,
        workspaces=workspaces,
        after_ack=slack.after_ack,
        clock=slack.clock,
    )
    ops_listeners.register(app, ops_listeners.OpsHelp(rituals=catalogue, commands=commands))
    home_listeners.register(app, slack.home, slack.clock, slack.after_ack)
    for register in registrations:
        register(app, slack)
    return app
