"""The composition root: the one place that builds engine, client, services and apps.

Nothing is built at import time; the CLI, tests and benchmarks each call `build_container`.
Every ritual in `bot.rituals.installed.INSTALLED` is built here from the shared services, in list
order; its runners, Home section, housekeeping, web routes and listeners are collected from
its `RitualParts`. Nothing here names a particular ritual.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any, TypeVar

from flask import Flask
from slack_bolt import App
from sqlalchemy import Engine

from bot.config import Settings, SlackMode
from bot.db import Sessions, make_engine, make_sessions, utcnow
from bot.home.service import HomeService
from bot.home.visits import HomeVisits
from bot.integrations.tracker import make_http_client
from bot.metrics import Metrics
from bot.outbox.sender import OutboxSender
from bot.outbox.service import Outbox
from bot.rituals.contract import Provided, Ritual, RitualDeps, RitualParts, SlackDeps
from bot.rituals.installed import INSTALLED
from bot.scheduling.channels import SlackChannelChecker
from bot.scheduling.leader import leader_lock_for
from bot.scheduling.registry import RitualRegistry, after_delivery_hook
from bot.scheduling.scheduler import RitualScheduler
from bot.scheduling.service import RitualDispatcher, ScheduleService
from bot.security.secret_box import SecretBox
from bot.slack.after_ack import AfterAckPool
from bot.slack.app_factory import build_bolt_app
from bot.slack.client import MeteredWebClient, make_client
from bot.slack.directory import SlackUserDirectory
from bot.slack.event_dedupe import EventDeduper
from bot.slack.identity import SlackIdentity
from bot.slack.listen import AfterAck
from bot.slack.manifest import bot_scopes
from bot.slack.oauth.install import make_oauth_install
from bot.slack.oauth.routes import make_oauth_routes
from bot.stats.service import StatsService, buddy_target_from, sla_days_from
from bot.web.app import create_web_app
from bot.web.slack_endpoint import SlackEndpoint
from bot.workspace.admins import AdminGuard
from bot.workspace.permissions import Permissions
from bot.workspace.service import WorkspaceService

logger = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class BuiltRitual:
    ritual: Ritual
    parts: RitualParts


class Services:
    """The shared services, plus each ritual's provided services by ritual key
    (`services.feedback`): a convenience for tests, benchmarks and the CLI."""

    def __init__(
        self,
        *,
        workspaces: WorkspaceService,
        admins: AdminGuard,
        home: HomeService,
        schedules: ScheduleService,
        dispatcher: RitualDispatcher,
        permissions: Permissions,
        rituals: Sequence[BuiltRitual],
    ) -> None:
        self.permissions = permissions
        self.workspaces = workspaces
        self.admins = admins
        self.home = home
        self.schedules = schedules
        self.dispatcher = dispatcher
        self._by_key = {built.ritual.key: built.parts for built in rituals}

    def __getattr__(self, key: str) -> Any:
        parts = self.__dict__.get("_by_key", {}).get(key)
        if parts is None or not parts.provides:
            raise AttributeError(key)
        return parts.provides[0]


@dataclass
class Container:
    settings: Settings
    engine: Engine
    sessions: Sessions
    metrics: Metrics
    client: MeteredWebClient
    services: Services
    provided: Provided
    rituals: list[BuiltRitual]
    clock: Callable[[], datetime]
    outbox: Outbox
    registry: RitualRegistry
    schedules: ScheduleService
    dispatcher: RitualDispatcher
    sender: OutboxSender
    stats: StatsService
    events: EventDeduper
    after_ack: AfterAck
    identity: SlackIdentity
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

    def service(self, kind: type[T]) -> T:
        """A service some installed ritual provides (`container.service(FeedbackService)`)."""
        return self.provided.get(kind)

    def housekeeping(self, now: datetime) -> None:
        """The leader's periodic chores; one workspace's or ritual's failure never stops the
        others (each job catches and logs its own error)."""
        self.services.workspaces.prune_processed_events(now=now)
        for built in self.rituals:
            for job in built.parts.housekeeping:
                try:
                    job(now)
                except Exception:
                    logger.exception("housekeeping failed: ritual=%s", built.ritual.key)

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
        self.events.close()
        self.engine.dispose()


def build_container(
    settings: Settings,
    *,
    clock: Callable[[], datetime] = utcnow,
    rituals: Sequence[Ritual] = INSTALLED,
) -> Container:
    engine = make_engine(settings.database_url)
    sessions = make_sessions(engine)
    metrics = Metrics()
    secrets_box = SecretBox.from_config(
        encryption_keys=settings.secret(settings.encryption_key),
        signing_secret=settings.secret(settings.slack_signing_secret),
    )
    oauth = (
        make_oauth_install(
            client_id=settings.slack_client_id,
            client_secret=settings.secret(settings.slack_client_secret) or "",
            scopes=bot_scopes(rituals),
            sessions=sessions,
            secrets_box=secrets_box,
            clock=clock,
        )
        if settings.mode_for_web is SlackMode.OAUTH and settings.slack_client_id
        else None
    )
    client = make_client(
        base_url=settings.slack_api_url,
        token=None if oauth else settings.secret(settings.slack_bot_token),
        metrics=metrics,
        team_tokens=oauth.store.bot_token if oauth else None,
    )
    workspaces = WorkspaceService(
        sessions=sessions, default_time_zone=settings.default_time_zone, secrets=secrets_box
    )
    # Listeners get a client with the short interactive timeout, and their slow work runs on
    # the after-ack pool (bot/slack/listen.py), never on Bolt's listener threads.
    interactive = client.with_timeout(settings.slack_interactive_timeout)
    after_ack = AfterAck(
        AfterAckPool(
            workers=settings.after_ack_threads,
            queue_limit=settings.after_ack_queue,
            metrics=metrics,
        )
    )
    directory = SlackUserDirectory(interactive)
    identity = SlackIdentity(client)  # auth.test at start (single workspace), retried while away
    admins = AdminGuard(
        workspaces=workspaces, directory=directory, clock=clock, background=after_ack.in_background
    )
    outbox = Outbox(sessions=sessions)
    permissions = Permissions(sessions=sessions, workspaces=workspaces)
    provided = Provided()
    deps = RitualDeps(
        settings=settings,
        sessions=sessions,
        metrics=metrics,
        client=client,
        clock=clock,
        workspaces=workspaces,
        admins=admins,
        directory=directory,
        outbox=outbox,
        http=make_http_client(),
        provided=provided,
        permissions=permissions,
    )
    built: list[BuiltRitual] = []
    for ritual in rituals:
        parts = ritual.build(deps)
        for service in parts.provides:
            provided.add(service)
        built.append(BuiltRitual(ritual, parts))

    registry = RitualRegistry([runner for b in built for runner in b.parts.runners])
    sender = OutboxSender(
        sessions=sessions,
        client=client,
        metrics=metrics,
        clock=clock,
        on_delivered=after_delivery_hook(registry, clock),
        workspace_rate=settings.outbox_workspace_rate,
    )
    schedules = ScheduleService(
        sessions=sessions,
        channels=SlackChannelChecker(client),
        ritual_names=[s.name for r in rituals for s in r.scheduled],
    )
    dispatcher = RitualDispatcher(
        sessions=sessions,
        outbox=outbox,
        registry=registry,
        schedules=schedules,
        metrics=metrics,
        on_enqueued=sender.wake,
    )
    home = HomeService(
        workspaces=workspaces,
        directory=directory,
        sections=[b.parts.home for b in built if b.parts.home is not None],
        rituals=list(rituals),
        visits=HomeVisits(sessions=sessions),
    )
    services = Services(
        workspaces=workspaces,
        admins=admins,
        home=home,
        schedules=schedules,
        dispatcher=dispatcher,
        permissions=permissions,
        rituals=built,
    )
    stats = StatsService(
        sessions=sessions,
        sla_days=sla_days_from(provided, settings.triage_sla_days),
        calls_target=buddy_target_from(provided),
    )
    events = EventDeduper(workspaces=workspaces, clock=clock)
    slack_deps = SlackDeps(
        dispatcher=dispatcher,
        admins=admins,
        home=home,
        clock=clock,
        after_ack=after_ack,
        permissions=permissions,
    )

    def make_bolt() -> App:
        app = build_bolt_app(
            settings=settings,
            client=interactive,
            metrics=metrics,
            workspaces=workspaces,
            events=events,
            schedules=schedules,
            stats=stats,
            slack=slack_deps,
            catalogue=list(rituals),
            commands=[c.command for r in rituals for c in r.commands],
            registrations=[b.parts.register for b in built],
            settings_sections=[s for b in built for s in b.parts.settings],
            oauth=oauth,
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
            extra_routes=[
                *(route for b in built for route in b.parts.routes),
                *([make_oauth_routes(lambda: bolt)] if oauth else []),
            ],
        )

    return Container(
        settings=settings,
        engine=engine,
        sessions=sessions,
        metrics=metrics,
        client=client,
        services=services,
        provided=provided,
        rituals=built,
        clock=clock,
        outbox=outbox,
        registry=registry,
        schedules=schedules,
        dispatcher=dispatcher,
        sender=sender,
        stats=stats,
        events=events,
        after_ack=after_ack,
        identity=identity,
        make_bolt=make_bolt,
        make_web=make_web,
    )
