"""The releases ritual as `bot.rituals.INSTALLED` lists it: `/release`, the monthly
`release-rollup`, and everything built from the shared services."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.integrations.github_releases import GitHubReleases
from bot.rituals.contract import (
    Ritual,
    RitualDeps,
    RitualParts,
    ScheduledRitual,
    SettingsSection,
    SlackDeps,
    SlashCommand,
)
from bot.rituals.feedback.service import FeedbackService
from bot.rituals.feedback.slack_io import SlackFeedbackGateway
from bot.rituals.releases import blocks, cli, listeners, models
from bot.rituals.releases.home import ReleasesHomeSection
from bot.rituals.releases.ids import RELEASE_ROLLUP, ReleaseIds
from bot.rituals.releases.jobs import (
    AfterPublish,
    ReleaseHousekeeping,
    ReleasePublisher,
    ReleaseRollupRunner,
)
from bot.rituals.releases.metrics import ReleaseMetrics
from bot.rituals.releases.options import ReleaseOptions
from bot.rituals.releases.posts import release_targets, reminder_post
from bot.rituals.releases.service import ReleaseService
from bot.rituals.releases.slack_io import ReleaseSlack
from bot.slack.private_reply import SharedChannelCache

KEY = "releases"


def build(deps: RitualDeps) -> RitualParts:
    options = deps.options(KEY, ReleaseOptions)
    metrics = ReleaseMetrics(deps.metrics.registry)
    service = ReleaseService(
        sessions=deps.sessions,
        workspaces=deps.workspaces,
        outbox=deps.outbox,
        feedback=deps.provided.get(FeedbackService),
        permissions=deps.permissions,
        options=options,
        metrics=metrics,
        targets=release_targets,
        reminder=reminder_post,
    )
    # The follow-up runs on its own thread, so its client may wait out 429s (many DMs at once)
    patient = deps.client.patient(max_retries=10)
    # feedback's own close-the-loop (one mechanism): DMs submitters and account owners
    closer = SlackFeedbackGateway(patient, SharedChannelCache())
    after = AfterPublish(service=service, slack=ReleaseSlack(patient), closer=closer)
    github = GitHubReleases(
        deps.http,
        api_url=deps.settings.github_api_url,
        token=deps.settings.secret(deps.settings.github_token),
        timeout=options.github_timeout_seconds,
    )
    housekeeping = ReleaseHousekeeping(service=service, after=after)

    def register(app: App, slack_deps: SlackDeps) -> None:
        listeners.register(
            app,
            service=service,
            after=after,
            github=github,
            metrics=metrics,
            home=slack_deps.home,
            admins=slack_deps.admins,
            after_ack=slack_deps.after_ack,
            clock=slack_deps.clock,
        )

    def open_settings(  # pushed over the /ops settings modal
        client: WebClient, trigger_id: str, team_id: str, user_id: str, **_: Any
    ) -> None:
        client.views_push(
            trigger_id=trigger_id,
            view=blocks.build_settings_modal(
                templates=service.templates(team_id=team_id),
                tier=1,
                managers=service.managers(team_id=team_id),
                ack_group=service.ack_group(team_id=team_id),
            ).to_dict(),
        )

    return RitualParts(
        register=register,
        runners=(ReleasePublisher(service), ReleaseRollupRunner(service)),
        home=ReleasesHomeSection(service),
        housekeeping=(housekeeping.run,),
        settings=(
            SettingsSection(key=KEY, label="Releases: templates and managers", open=open_settings),
        ),
        provides=(service,),
    )


RELEASES = Ritual(
    key=KEY,
    title="Release announcements",
    emoji=":rocket:",
    summary=(
        "Compose release notes once, preview them and post them to every audience channel; "
        "the feedback they answer is closed for you."
    ),
    help_lines=(
        "`/release` opens the composer",
        "`/release import owner/repo@tag` starts a draft from a GitHub release",
        "`/release settings` tier templates and release managers (admins)",
    ),
    build=build,
    models=models,
    commands=(
        SlashCommand(
            ReleaseIds.COMMAND.value,
            "Compose and announce a release",
            "[import owner/repo@tag | settings | help]",
        ),
    ),
    scheduled=(
        ScheduledRitual(
            RELEASE_ROLLUP,
            "Monthly roll-up of releases: by tier, feedback closed, acknowledgement rate",
        ),
    ),
    scopes=("chat:write", "im:write", "usergroups:read", "channels:read", "groups:read"),
    cli=cli.add_commands,
)
