"""Builds the one Bolt `App`: client, executor, middleware, the error handler and every ritual."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from slack_bolt import App

from bot.config import Settings
from bot.home import listeners as home_listeners
from bot.home.service import HomeService
from bot.metrics import Metrics
from bot.rituals.feedback import listeners as feedback_listeners
from bot.rituals.feedback.service import FeedbackService
from bot.rituals.ops import listeners as ops_listeners
from bot.rituals.triage import listeners as triage_listeners
from bot.rituals.triage.service import TriageService
from bot.scheduling import listeners as scheduling_listeners
from bot.scheduling.service import RitualDispatcher, ScheduleService
from bot.slack.bolt_logger import quiet_bolt_logger
from bot.slack.client import MeteredWebClient
from bot.slack.error_handler import make_error_handler
from bot.slack.executor import ContextCopyingExecutor
from bot.slack.listen import AfterAck
from bot.slack.middleware import make_request_middleware
from bot.workspace.admins import AdminGuard
from bot.workspace.service import WorkspaceService


@dataclass(frozen=True)
class AppServices:
    """Every service the listeners call; each ritual adds its own field here."""

    workspaces: WorkspaceService
    admins: AdminGuard
    home: HomeService
    rituals: RitualDispatcher
    schedules: ScheduleService
    feedback: FeedbackService
    triage: TriageService


def build_bolt_app(
    *,
    settings: Settings,
    client: MeteredWebClient,
    metrics: Metrics,
    services: AppServices,
    clock: Callable[[], datetime],
    after_ack: AfterAck,
) -> App:
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
    )
    app.middleware(
        make_request_middleware(
            client=client, workspaces=services.workspaces, metrics=metrics, clock=clock
        )
    )
    app.error(make_error_handler(metrics))
    # Before the generic /ops help listener: it matches only `/ops settings` and `/ops run`.
    scheduling_listeners.register(
        app,
        schedules=services.schedules,
        engine=services.rituals,
        admins=services.admins,
        clock=clock,
        after_ack=after_ack,  # edge: the after-ack helper (bot/slack/listen.py)
    )
    ops_listeners.register(app)
    home_listeners.register(app, services.home, clock, after_ack)
    feedback_listeners.register(
        app,
        feedback=services.feedback,
        admins=services.admins,
        home=services.home,
        clock=clock,
    )
    triage_listeners.register(app, services.triage, services.admins, clock, services.rituals)
    return app
