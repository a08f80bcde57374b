"""The playground's schedules: every scheduled ritual, at a sensible time in the workspace's zone.

Saved through `ScheduleService.save`, the same validation `/ops settings` runs, except that the
channel check answers from the playground's own channel list instead of asking Slack
(`conversations.info`): the seed runs before the local workspace serves, and it must not call
Slack at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.playground.people import CHANNELS, TEAM_ID, channel_named
from bot.playground.seed_time import SeedClock
from bot.rituals.buddies.ids import BuddyRitual
from bot.rituals.feedback.ids import FeedbackRituals
from bot.rituals.releases.ids import RELEASE_ROLLUP
from bot.rituals.reporting.ids import ReportingRituals
from bot.rituals.triage.ids import TriageRituals
from bot.scheduling.domain import ScheduleRule
from bot.scheduling.service import ScheduleService
from bot.scheduling.triggers import cron_rule
from bot.wiring import Container

# Acme runs its rituals on New York time (most of the team's day overlaps it).
WORKSPACE_TIME_ZONE = "America/New_York"
SEEDED_BY = "UDANA"  # the admin who "set them up" in /ops settings


@dataclass(frozen=True)
class PlannedSchedule:
    ritual: str
    channel: str  # a playground channel name
    rule: ScheduleRule
    options: dict[str, Any]


PLANNED: tuple[PlannedSchedule, ...] = (
    PlannedSchedule(
        FeedbackRituals.DIGEST, "product-feedback", ScheduleRule.weekly("mon", "09:00"), {}
    ),
    PlannedSchedule(
        TriageRituals.THREAD, "support-triage", ScheduleRule.weekly("tue", "10:00"), {}
    ),
    PlannedSchedule(BuddyRitual.PAIRING, "pm-sales-buddies", ScheduleRule.monthly(1, "09:00"), {}),
    # The leader sweeps reminders every 5 minutes anyway; a daily run is the scheduled safety net.
    PlannedSchedule(BuddyRitual.REMINDERS, "pm-sales-buddies", cron_rule("0 8 * * *"), {}),
    PlannedSchedule(BuddyRitual.DIGEST, "pm-sales-buddies", ScheduleRule.monthly(1, "10:00"), {}),
    PlannedSchedule(RELEASE_ROLLUP, "releases", ScheduleRule.monthly(1, "11:00"), {}),
    PlannedSchedule(
        ReportingRituals.OPS_REPORT, "product-ops", ScheduleRule.monthly(2, "09:00"), {}
    ),
    PlannedSchedule(
        ReportingRituals.PULSE_SURVEY, "product-ops", cron_rule("0 9 1 1,4,7,10 *"), {}
    ),
)


class PlaygroundChannels:
    """The channel check for the local workspace: the bot is a member of every channel."""

    def problem_with(self, channel_id: str) -> str | None:
        known = {channel.id for channel in CHANNELS}
        return None if channel_id in known else "not a channel of the playground workspace"


def seed_schedules(container: Container, clock: SeedClock) -> int:
    """Saves one schedule per planned ritual that this build installs; returns how many."""
    schedules = ScheduleService(
        sessions=container.sessions,
        channels=PlaygroundChannels(),
        ritual_names=container.schedules.ritual_names,
    )
    saved = 0
    for planned in PLANNED:
        if str(planned.ritual) not in schedules.ritual_names:
            continue  # a build without that ritual
        schedules.save(
            team_id=TEAM_ID,
            ritual=str(planned.ritual),
            channel_ids=[channel_named(planned.channel).id],
            rule=planned.rule,
            # Saved as of now: the outbox of this new workspace holds no past runs (the seed
            # posts no history), so stats must not count a month of runs as missed.
            now=clock.now,
            options=planned.options,
            user_id=SEEDED_BY,
        )
        saved += 1
    return saved
