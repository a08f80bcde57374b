"""The buddy ritual's contract: `/buddy`, the pairing, reminder and digest runs, the App Home
section, `opsbot export calls`, and the services it is built from.

It needs the feedback ritual's `FeedbackService` (account type-ahead, capture of takeaways), so it
is listed after feedback in `bot.rituals.INSTALLED`.
"""

from __future__ import annotations

from slack_bolt import App

from bot.rituals.buddies import cli, listeners, models
from bot.rituals.buddies.blocks import HELP_LINES
from bot.rituals.buddies.calls import CallService
from bot.rituals.buddies.home import BuddyHomeSection
from bot.rituals.buddies.ids import BuddyIds, BuddyRitual
from bot.rituals.buddies.jobs import (
    CallNotifier,
    DigestRunner,
    PairingRunner,
    ReminderRunner,
    ReminderSweep,
)
from bot.rituals.buddies.metrics import BuddyMetrics
from bot.rituals.buddies.options import BuddiesOptions
from bot.rituals.buddies.service import BuddyService
from bot.rituals.buddies.slack_io import SlackPeopleGateway
from bot.rituals.contract import (
    Ritual,
    RitualDeps,
    RitualParts,
    ScheduledRitual,
    SlackDeps,
    SlashCommand,
)
from bot.rituals.feedback.service import FeedbackService

KEY = "buddies"


def build(deps: RitualDeps) -> RitualParts:
    feedback = deps.provided.get(FeedbackService)
    metrics = BuddyMetrics(deps.metrics.registry)
    people = SlackPeopleGateway(deps.client)
    service = BuddyService(
        sessions=deps.sessions,
        workspaces=deps.workspaces,
        admins=deps.admins,
        people=people,
        metrics=metrics,
        options=deps.options(KEY, BuddiesOptions),
    )
    calls = CallService(sessions=deps.sessions, buddies=service, feedback=feedback, metrics=metrics)

    def register(app: App, slack: SlackDeps) -> None:
        listeners.register(
            app,
            service=service,
            calls=calls,
            feedback=feedback,
            notifier=CallNotifier(slack.dispatcher, slack.clock),
            clock=slack.clock,
        )

    reminders = ReminderRunner(service=service, calls=calls, people=people, metrics=metrics)
    pairing = PairingRunner(service=service, people=people)
    return RitualParts(
        register=register,
        runners=(pairing, reminders, DigestRunner(service)),
        home=BuddyHomeSection(service),
        housekeeping=(
            ReminderSweep(
                reminders=reminders,
                pairing=pairing,
                service=service,
                calls=calls,
                outbox=deps.outbox,
                sessions=deps.sessions,
            ),
        ),
        provides=(service, calls),
    )


BUDDIES = Ritual(
    key=KEY,
    title="PM / sales buddies",
    emoji=":handshake:",
    summary=(
        "Every sales rep is paired with a PM; reps share customer calls, a PM joins, reminders "
        "arrive in each person's time zone and the takeaways become feedback."
    ),
    help_lines=HELP_LINES,
    build=build,
    models=models,
    commands=(
        SlashCommand(
            BuddyIds.COMMAND.value,
            "PM / sales buddy calls",
            "join pm|sales  |  call  |  snooze <date>|off  |  leave",
            should_escape=True,
        ),
    ),
    scheduled=(
        ScheduledRitual(BuddyRitual.PAIRING.value, "pair every sales rep with a PM (monthly)"),
        ScheduledRitual(
            BuddyRitual.REMINDERS.value,
            "call asks, offers and reminders (also swept every 5 minutes)",
        ),
        ScheduledRitual(BuddyRitual.DIGEST.value, "the monthly buddy digest to a channel"),
    ),
    scopes=(
        "commands",
        "chat:write",
        "im:write",
        "mpim:write",
        "users:read",
        "usergroups:read",
        "channels:read",
        "groups:read",
    ),
    cli=cli.add_commands,
)
