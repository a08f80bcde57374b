"""The feedback ritual as `bot.rituals.installed` lists it: `/feedback`, the capture shortcut and
emoji, the weekly `feedback-digest`, its App Home section and `opsbot export/import` commands."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

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
from bot.rituals.feedback import cli, listeners, models
from bot.rituals.feedback.blocks import build_settings_modal
from bot.rituals.feedback.home import FeedbackHomeSection
from bot.rituals.feedback.ids import FeedbackIds, FeedbackRituals
from bot.rituals.feedback.jobs import FeedbackDigestRunner
from bot.rituals.feedback.metrics import FeedbackMetrics
from bot.rituals.feedback.service import FeedbackService


def build(deps: RitualDeps) -> RitualParts:
    feedback = FeedbackService(
        sessions=deps.sessions,
        permissions=deps.permissions,
        workspaces=deps.workspaces,
        metrics=FeedbackMetrics(deps.metrics.registry),
        default_areas=deps.settings.product_areas,
        default_capture_emoji=deps.settings.feedback_capture_emoji,
    )

    def register(app: App, slack: SlackDeps) -> None:
        listeners.register(
            app, feedback=feedback, admins=slack.admins, home=slack.home, clock=slack.clock
        )

    def open_settings(
        *, client: WebClient, trigger_id: str, team_id: str, user_id: str, **_: Any
    ) -> None:
        """/ops settings checked the person is an admin; saving checks again."""
        view = build_settings_modal(feedback.settings(team_id=team_id))
        client.views_push(trigger_id=trigger_id, view=view.to_dict())

    return RitualParts(
        register=register,
        runners=[FeedbackDigestRunner(feedback)],
        home=FeedbackHomeSection(feedback),
        settings=[
            SettingsSection(
                key="feedback",
                label="Feedback: product areas, capture emoji, area owners",
                open=open_settings,
            )
        ],
        provides=[feedback],
    )


FEEDBACK = Ritual(
    key="feedback",
    title="Feedback capture",
    emoji=":bulb:",
    summary=(
        "Capture what customers say from anywhere in Slack; similar requests are merged and a "
        "weekly digest shows what matters most."
    ),
    help_lines=(
        "`/feedback` opens the form",
        "`/feedback [Acme] export to CSV is slow #reporting` captures at once",
        "message menu → *Capture as feedback*",
    ),
    build=build,
    models=models,
    commands=(
        SlashCommand(
            FeedbackIds.COMMAND.value,
            "Capture what a customer said",
            "[Account] what they said #area  |  export",
        ),
    ),
    shortcuts=(
        Shortcut(
            FeedbackIds.MESSAGE_SHORTCUT.value,
            "Capture as feedback",
            "Save this message as customer feedback",
        ),
    ),
    scheduled=(ScheduledRitual(FeedbackRituals.DIGEST.value, "weekly feedback digest"),),
    scopes=(
        "channels:history",  # reads the one message a capture emoji was added to
        "groups:history",  # the same in private channels
        "reactions:read",  # the capture emoji (reaction_added)
        "files:write",  # private CSV exports
    ),
    events=("reaction_added",),
    cli=cli.add_commands,
)
