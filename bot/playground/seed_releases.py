"""Seeds releases: the tiers' default channels, a tier-1 launch published last week (approved,
acknowledged, its linked feedback shipped), a small improvement since, and a draft in progress.

Through a `ReleaseService` that posts nothing (`NothingPosted`): the announcements went out
when they were published, before the local workspace existed. Its follow-up (acknowledgements
asked, feedback shipped, loops closed) is run here at publishing time with a loop closer that
tells nobody (the requesters were told then), and the release is marked followed up, so the
app's housekeeping does not send last week's messages again on first start.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from prometheus_client import CollectorRegistry

from bot.playground.people import EVERYONE, TEAM_ID, channel_named
from bot.playground.seed_feedback import SeededFeedback
from bot.playground.seed_history import NothingPosted
from bot.playground.seed_time import SeedClock
from bot.rituals.feedback.domain import StatusChange
from bot.rituals.feedback.service import FeedbackService
from bot.rituals.releases.domain import ReleaseDraft, ReleaseState
from bot.rituals.releases.metrics import ReleaseMetrics
from bot.rituals.releases.options import ReleaseOptions
from bot.rituals.releases.posts import release_targets, reminder_post
from bot.rituals.releases.service import ReleaseService
from bot.wiring import Container

ADMIN, AUTHOR, MANAGER = "UDANA", "UMARCO", "UPRIYA"
DOCS = "https://docs.acme.example/releases/"


class NobodyTold:
    """The loop was closed when the release went out: nothing to tell again."""

    def close_the_loop(self, change: StatusChange) -> None:
        return None


@dataclass
class SeededReleases:
    published: int = 0
    drafts: int = 0


def seed_releases(
    container: Container, clock: SeedClock, feedback: SeededFeedback
) -> SeededReleases:
    """Side effects: release settings, two published releases (acks, loops, shipped feedback)
    and one draft. Skipped when the workspace has releases already."""
    releases = ReleaseService(
        sessions=container.sessions,
        workspaces=container.services.workspaces,
        outbox=NothingPosted(),
        feedback=container.service(FeedbackService),
        permissions=container.services.permissions,
        options=ReleaseOptions.model_validate(container.settings.rituals.get("releases", {})),
        metrics=ReleaseMetrics(CollectorRegistry()),  # last week's clicks: not this process's
        targets=release_targets,
        reminder=reminder_post,
    )
    seeded = SeededReleases()
    if releases.home(team_id=TEAM_ID, user_id=AUTHOR).recent:
        return seeded
    _settings(releases, clock)
    ids = feedback.ids
    seeded.published += _publish(
        releases,
        clock,
        at=clock.at(6, 11),
        draft=ReleaseDraft(
            title="Custom date ranges and steadier photo uploads",
            version="2.14.0",
            tier=1,
            whats_new=(
                "• Dashboards take any date range: pick the start and end, or a fiscal quarter.\n"
                "• The Android app uploads photos in the background and resumes after a drop."
            ),
            why_it_matters=(
                "Board and finance reporting no longer needs an export and a spreadsheet; field "
                "teams stop losing inspections when the signal goes."
            ),
            who_it_is_for="Everyone on dashboards; field teams on Android.",
            docs_url=DOCS + "2-14",
            feedback_ids=(ids["date-ranges"], ids["android-crash"]),
        ),
        acknowledged=("UJESS", "UAMARA", "ULUIS", "UDANA"),
    )
    seeded.published += _publish(
        releases,
        clock,
        at=clock.at(2, 14),
        draft=ReleaseDraft(
            title="Webhooks are retried",
            version="2.14.1",
            tier=3,
            whats_new="Failed webhook deliveries are retried for 24 hours, with backoff.",
            docs_url=DOCS + "2-14-1",
            feedback_ids=(ids["webhook-retries"],),
        ),
        acknowledged=(),
    )
    releases.save_draft(
        team_id=TEAM_ID,
        user_id=MANAGER,
        now=clock.at(1, 16),
        draft=ReleaseDraft(
            title="Async CSV exports (beta)",
            version="2.15.0",
            tier=2,
            whats_new="Large exports run in the background; you get a link by email and Slack.",
            why_it_matters="Yearly usage reports no longer time out at 60 seconds.",
            docs_url=DOCS + "2-15",
            feedback_ids=(ids["export-timeout"],),
        ),
    )
    seeded.drafts += 1
    return seeded


def _settings(releases: ReleaseService, clock: SeedClock) -> None:
    """#releases for every tier, #general too for launches; #general acknowledges them."""
    at = clock.days_ago(33)
    announce, everyone = channel_named("releases").id, channel_named("general").id
    for tier, template in releases.templates(team_id=TEAM_ID).items():
        channels = (announce, everyone) if tier == 1 else (announce,)
        releases.save_settings(
            team_id=TEAM_ID,
            user_id=ADMIN,
            now=at,
            template=replace(template, default_channels=channels),
        )
    releases.save_settings(team_id=TEAM_ID, user_id=ADMIN, now=at, ack_group=everyone)


def _publish(
    releases: ReleaseService,
    clock: SeedClock,
    *,
    at: datetime,
    draft: ReleaseDraft,
    acknowledged: tuple[str, ...],
) -> int:
    """Compose → submit → (approve) → published, then what follows publishing, at `at`."""
    view = releases.save_draft(team_id=TEAM_ID, user_id=AUTHOR, draft=draft, now=at)
    outcome = releases.submit(
        team_id=TEAM_ID, release_id=view.release_id, user_id=AUTHOR, now=at + timedelta(minutes=5)
    )
    published_at = at + timedelta(minutes=5)
    if outcome.state is ReleaseState.AWAITING_APPROVAL:
        published_at = at + timedelta(hours=1)
        releases.decide(
            team_id=TEAM_ID,
            release_id=view.release_id,
            user_id=MANAGER,
            approve=True,
            now=published_at,
        )
    view = releases.get(team_id=TEAM_ID, release_id=view.release_id)
    if releases.template_for(view).acknowledge:
        members = [user for user in EVERYONE if user != AUTHOR]
        releases.ask_acknowledgement(
            team_id=TEAM_ID, release_id=view.release_id, members=members, now=published_at
        )
        for number, user in enumerate(acknowledged):
            releases.acknowledge(
                team_id=TEAM_ID,
                release_id=view.release_id,
                user_id=user,
                now=published_at + timedelta(hours=2 + 3 * number),
            )
        _remind_once(releases, clock, published_at)
    releases.close_loops(
        team_id=TEAM_ID, release_id=view.release_id, closer=NobodyTold(), now=published_at
    )
    releases.mark_followed_up(team_id=TEAM_ID, release_id=view.release_id, now=published_at)
    return 1


def _remind_once(releases: ReleaseService, clock: SeedClock, published_at: datetime) -> None:
    """The reminder the stragglers got a day later, each inside their own working hours
    (posted then: recorded as reminded, nothing enqueued now)."""
    moment = published_at + timedelta(hours=24)
    while moment < min(published_at + timedelta(hours=48), clock.now):
        releases.remind(now=moment)
        moment += timedelta(hours=1)
