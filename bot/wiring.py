"""The composition root: the one place that builds engine, client, services and apps.

Nothing is built at import time; the CLI, tests and benchmarks each call `build_container`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, cached_property

from flask import Flask
from slack_bolt import App
from sqlalchemy import Engine

from bot.config import Settings
from bot.db import Sessions, make_engine, make_sessions, utcnow
from bot.home.service import HomeService
from bot.integrations.tracker import make_http_client, make_tracker
from bot.metrics import Metrics
from bot.outbox.sender import OutboxSender
from bot.outbox.service import Outbox
from bot.rituals.feedback.home import FeedbackHomeSection
from bot.rituals.feedback.jobs import FeedbackDigestRunner
from bot.rituals.feedback.service import FeedbackService
from bot.rituals.triage.home import TriageHomeSection
from bot.rituals.triage.jobs import TriageAutoCloser
from bot.rituals.triage.runner import TriageThreadRunner
from bot.rituals.triage.service import TriageService
from bot.scheduling.channels import SlackChannelChecker
from bot.scheduling.leader import leader_lock_for
from bot.scheduling.registry import RitualRegistry, after_delivery_hook
from bot.scheduling.scheduler import RitualScheduler
from bot.scheduling.service import RitualDispatcher, ScheduleService
from bot.slack.after_ack import AfterAckPool
from bot.slack.app_factory import AppServices, build_bolt_app
from bot.slack.client import MeteredWebClient, make_client
from bot.slack.directory import SlackUserDirectory
from bot.slack.identity import SlackIdentity
from bot.slack.listen import AfterAck
from bot.web.app import create_web_app
from bot.web.slack_endpoint import SlackEndpoint
from bot.web.ticket_hook import make_ticket_hook
from bot.workspace.admins import AdminGuard
from bot.workspace.service import WorkspaceService


@dataclass
class Container:
    settings: Settings
    engine: Engine
    sessions: Sessions
    metrics: Metrics
    client: MeteredWebClient
    services: AppServices
    clock: Callable[[], datetime]
    outbox: Outbox
    registry: RitualRegistry
    schedules: ScheduleService
    dispatcher: RitualDispatcher
    sender: OutboxSender
    after_ack: AfterAck
    identity: SlackIdentity
    housekeeping: Callable[[datetime], None] = field(repr=False)
    make_bolt: Callable[[], App] = field(repr=False)
    make_web: Callable[[App], Flask] = field(repr=False)

    # The Slack app and the web app are built on first use: Bolt checks the bot token with
    # Slack when it is built, and commands such as `opsbot export` need only the database.
    @cached_property
    def bolt(self) -> App:
        return self.make_bolt()

    @cached_property
    def web(self) -> Flask:
        return self.make_web(self.bolt)

    def build_scheduler(self) -> RitualScheduler:
        """The scheduler role (`opsbot serve` in-process, or `opsbot scheduler`)."""
        return RitualScheduler(
            engine=self.dispatcher,
            schedules=self.schedules,
            sender=self.sender,
            lock=leader_lock_for(self.settings.database_url),
            clock=self.clock,
            housekeeping=self.housekeeping,
        )

    def close(self, *, grace: float = 2.0) -> None:
        """Lets after-ack work finish for up to `grace` seconds, then lets go of everything."""
        self.identity.stop()
        self.after_ack.shutdown(timeout=grace)
        bolt = self.__dict__.get("bolt")
        executor = getattr(bolt, "_listener_runner", None)
        if executor is not None:
            executor.listener_executor.shutdown(wait=False, cancel_futures=True)
        self.engine.dispose()


def build_container(settings: Settings, *, clock: Callable[[], datetime] = utcnow) -> Container:
    engine = make_engine(settings.database_url)
    sessions = make_sessions(engine)
    metrics = Metrics()
    client = make_client(
        base_url=settings.slack_api_url,
        token=settings.secret(settings.slack_bot_token),
        metrics=metrics,
    )
    workspaces = WorkspaceService(sessions=sessions, default_time_zone=settings.default_time_zone)
    # Edge (issue 9): listeners get a client with the short interactive timeout, and their slow
    # work runs on the after-ack pool (bot/slack/listen.py), never on Bolt's listener threads.
    interactive = client.with_timeout(settings.slack_interactive_timeout)
    after_ack = AfterAck(
        AfterAckPool(
            workers=settings.after_ack_threads,
            queue_limit=settings.after_ack_queue,
            metrics=metrics,
        )
    )
    directory = SlackUserDirectory(interactive)
    identity = SlackIdentity(client)  # auth.test at start, retried while Slack is away
    outbox = Outbox(sessions=sessions)
    registry = RitualRegistry()
    sender = OutboxSender(
        sessions=sessions,
        client=client,
        metrics=metrics,
        clock=clock,
        on_delivered=after_delivery_hook(registry, clock),
    )
    schedules = ScheduleService(sessions=sessions, channels=SlackChannelChecker(client))
    dispatcher = RitualDispatcher(
        sessions=sessions,
        outbox=outbox,
        registry=registry,
        schedules=schedules,
        metrics=metrics,
        on_enqueued=sender.wake,
    )
    tracker_http = make_http_client()
    feedback = FeedbackService(
        sessions=sessions,
        workspaces=workspaces,
        metrics=metrics,
        default_areas=settings.product_areas,
        default_capture_emoji=settings.feedback_capture_emoji,
    )
    triage = TriageService(
        sessions=sessions,
        workspaces=workspaces,
        trackers=lambda config: make_tracker(config, tracker_http),
        metrics=metrics,
        feedback=feedback,
        default_sla_days=settings.triage_sla_days,
    )
    registry.register(TriageThreadRunner(service=triage, client=client))
    services = AppServices(
        rituals=dispatcher,
        schedules=schedules,
        workspaces=workspaces,
        admins=AdminGuard(
            workspaces=workspaces,
            directory=directory,
            clock=clock,
            background=after_ack.in_background,
        ),
        home=HomeService(workspaces=workspaces, directory=directory),
        feedback=feedback,
        triage=triage,
    )
    services.home.add_section(TriageHomeSection(triage))
    services.home.add_section(FeedbackHomeSection(services.feedback))
    registry.register(FeedbackDigestRunner(services.feedback))
    auto_closer = TriageAutoCloser(
        service=triage, client=client, bot_user_id=_bot_user_id_of(client)
    )

    def housekeeping(now: datetime) -> None:
        workspaces.prune_processed_events(now=now)
        auto_closer.run(now=now)

    def make_bolt() -> App:
        app = build_bolt_app(
            settings=settings,
            client=interactive,
            metrics=metrics,
            services=services,
            clock=clock,
            after_ack=after_ack,
        )
        identity.attach(app)
        return app

    def make_web(bolt: App) -> Flask:
        endpoint = SlackEndpoint(
            app=bolt,
            signing_secret=settings.secret(settings.slack_signing_secret) or "",
            metrics=metrics,
        )
        return create_web_app(
            endpoint=endpoint,
            engine=engine,
            metrics=metrics,
            slack_status=identity.status,
            extra_routes=[make_ticket_hook(service=triage, metrics=metrics, clock=clock)],
        )

    return Container(
        settings=settings,
        engine=engine,
        sessions=sessions,
        metrics=metrics,
        client=client,
        services=services,
        clock=clock,
        outbox=outbox,
        registry=registry,
        schedules=schedules,
        dispatcher=dispatcher,
        sender=sender,
        after_ack=after_ack,
        identity=identity,
        housekeeping=housekeeping,
        make_bolt=make_bolt,
        make_web=make_web,
    )


def _bot_user_id_of(client: MeteredWebClient) -> Callable[[], str]:
    """The bot's own user id (auth.test), asked once: who closes sessions by themselves."""

    @cache
    def bot_user_id() -> str:
        return str(client.auth_test()["user_id"])

    return bot_user_id
