"""The support-triage ritual as `bot.rituals.installed` lists it: `/triage`, the *Send to triage*
shortcut, the weekly `triage-thread`, the ticket webhook, sessions that close by themselves, its
App Home section, its `/ops settings` section and `opsbot export tickets`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.integrations.tracker import make_tracker
from bot.integrations.tracker_policy import TrackerPolicy
from bot.rituals.contract import (
    Ritual,
    RitualDeps,
    RitualParts,
    ScheduledRitual,
    SettingsSection,
    Shortcut,
    SlackDeps,
    SlashCommand,
)
from bot.rituals.feedback.service import FeedbackService
from bot.rituals.triage import cli, listeners, models
from bot.rituals.triage.blocks import build_settings_modal
from bot.rituals.triage.home import TriageHomeSection
from bot.rituals.triage.ids import TriageIds, TriageRituals
from bot.rituals.triage.jobs import TriageAutoCloser
from bot.rituals.triage.metrics import TriageMetrics
from bot.rituals.triage.runner import TriageThreadRunner
from bot.rituals.triage.service import TriageService
from bot.rituals.triage.slack_io import TriageSlack
from bot.rituals.triage.webhook import make_ticket_hook
from bot.slack.private_reply import SharedChannelCache


def build(deps: RitualDeps) -> RitualParts:
    metrics = TriageMetrics(deps.metrics.registry)
    policy = TrackerPolicy.from_setting(deps.settings.tracker_allowed_hosts)
    triage = TriageService(
        sessions=deps.sessions,
        workspaces=deps.workspaces,
        trackers=lambda config: make_tracker(policy.approved(config), deps.http),
        tracker_policy=policy,
        permissions=deps.permissions,
        metrics=metrics,
        feedback=deps.provided.get(FeedbackService),
        outbox=deps.outbox,
        default_sla_days=deps.settings.triage_sla_days,
    )
    slack = TriageSlack(deps.client, SharedChannelCache())
    auto_closer = TriageAutoCloser(
        service=triage, slack=slack, bot_user_id=_bot_user_id_of(deps.client)
    )

    def register(app: App, slack: SlackDeps) -> None:
        listeners.register(app, triage, slack.admins, slack.clock, slack.dispatcher)

    def open_settings(
        *, client: WebClient, trigger_id: str, team_id: str, user_id: str, **_: Any
    ) -> None:
        view = build_settings_modal(current=triage.settings(team_id=team_id))
        client.views_push(trigger_id=trigger_id, view=view.to_dict())

    def close_due_sessions(now: datetime) -> None:
        auto_closer.run(now=now)

    return RitualParts(
        register=register,
        runners=[TriageThreadRunner(service=triage, slack=slack)],
        home=TriageHomeSection(triage),
        housekeeping=[close_due_sessions],
        routes=[make_ticket_hook(service=triage, metrics=metrics, clock=deps.clock)],
        settings=[
            SettingsSection(key="triage", label="Triage: channel, SLA, tracker", open=open_settings)
        ],
        provides=[triage],
    )


def _bot_user_id_of(client: WebClient) -> Callable[[], str]:
    """The bot's own user id (auth.test), asked once: who closes sessions by themselves."""

    @cache
    def bot_user_id() -> str:
        return str(client.auth_test()["user_id"])

    return bot_user_id


TRIAGE = Ritual(
    key="triage",
    title="Support triage",
    emoji=":ambulance:",
    summary=(
        "A weekly thread where PMs and support leads clear the ticket queue together, "
        "one click per ticket."
    ),
    help_lines=(
        "`/triage` files a ticket",
        "message menu → *Send to triage*",
        "`/triage now` re-posts the queue",
        "`/triage settings` sets the channel, SLA and tracker (admins)",
    ),
    build=build,
    models=models,
    commands=(
        SlashCommand(
            TriageIds.COMMAND.value,
            "Send a support ticket to the weekly triage",
            "[title]  |  now  |  settings",
        ),
    ),
    shortcuts=(
        Shortcut(
            TriageIds.MESSAGE_SHORTCUT.value,
            "Send to triage",
            "Send this message to the weekly support triage",
        ),
    ),
    scheduled=(ScheduledRitual(TriageRituals.THREAD.value, "weekly support-triage thread"),),
    cli=cli.add_commands,
)
