"""The playground's seed data: a realistic month, ending at `now`, written through the services.

`seed_month` is what `opsbot playground` calls before it serves the page, so every ritual has
something to show on first open. Everything goes through the same services a person's clicks
would (capture, merge, status changes, enrolment, pairing, triage, releases), scoped to the
playground's TEAM_ID, with `now` moved back to when each thing "happened". Nothing here calls
Slack: the local workspace may not be serving yet, and past state is written directly rather
than enqueued as posts (a month of digests replayed into the channels would bury the page).

Idempotent: a workspace that already has schedules is left alone (schedules are written last,
so a seed that stopped half-way is completed by the next run; every earlier step is keyed, as a
capture key or a period, and repeats nothing).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from bot.playground.people import PEOPLE, TEAM_ID, TEAM_NAME, Part
from bot.playground.seed_buddies import seed_buddies
from bot.playground.seed_feedback import seed_feedback
from bot.playground.seed_releases import seed_releases
from bot.playground.seed_reporting import seed_reporting
from bot.playground.seed_schedules import WORKSPACE_TIME_ZONE, seed_schedules
from bot.playground.seed_time import SeedClock
from bot.playground.seed_triage import seed_triage
from bot.wiring import Container
from bot.workspace import queries as workspace_queries
from bot.workspace.models import Role
from bot.workspace.roles import Grant
from bot.workspace.service import SlackUser

logger = logging.getLogger(__name__)

# Person.role, as the buddies and reporting rituals read it (PMs review feedback).
_ROLE_OF_PART = {
    Part.PM: Role.PM,
    Part.SALES: Role.SALES,
    Part.SUPPORT: Role.SUPPORT,
    Part.ADMIN: Role.OTHER,
}


@dataclass
class SeedSummary:
    """What one `seed_month` seeded, for the log line: all zero and `skipped` when the
    workspace had data. (A run completing a half-done seed counts what it found again.)"""

    skipped: bool = False
    people: int = 0
    schedules: int = 0
    feedback: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # the other rituals, by what

    def describe(self) -> str:
        if self.skipped:
            return "playground workspace already has data; nothing seeded"
        parts = [
            f"{self.people} people",
            f"{self.schedules} schedules",
            f"{self.feedback} feedback items",
            *(f"{n} {what}" for what, n in self.counts.items()),
        ]
        return "seeded " + ", ".join(parts)


def seed_month(container: Container, *, now: datetime) -> SeedSummary:
    """Fills the playground workspace with a month of activity ending at `now` (aware UTC).

    Side effects: the workspace, its people and roles, settings, feedback, tickets, buddies,
    releases and pulse answers, then the schedules; no Slack calls, no outbox rows for the
    past. Returns what was written; a workspace with schedules already is skipped."""
    if container.schedules.list_schedules(team_id=TEAM_ID):
        logger.info("playground seed skipped: team=%s already has schedules", TEAM_ID)
        return SeedSummary(skipped=True)
    clock = SeedClock(now=now, time_zone=WORKSPACE_TIME_ZONE)
    summary = SeedSummary()
    summary.people = _seed_workspace(container, clock)
    feedback = seed_feedback(container, clock)
    summary.feedback = feedback.created
    triage = seed_triage(container, clock)
    summary.counts["tickets"] = triage.tickets
    summary.counts["triage decisions"] = triage.decided
    buddies = seed_buddies(container, clock)
    summary.counts["buddy pairs"] = buddies.pairs
    summary.counts["buddy calls"] = buddies.calls
    releases = seed_releases(container, clock, feedback)
    summary.counts["releases published"] = releases.published
    summary.counts["release drafts"] = releases.drafts
    reporting = seed_reporting(container, clock)
    summary.counts["pulse answers"] = reporting.answers
    summary.schedules = seed_schedules(container, clock)
    logger.info("playground seed: %s", summary.describe())
    return summary


def _seed_workspace(container: Container, clock: SeedClock) -> int:
    """The workspace (its name and zone) and its people as Slack's users.info would describe
    them; Dana is a Slack admin, PMs are enrolled as PMs, and Priya may approve releases."""
    start = clock.days_ago(35)
    workspaces = container.services.workspaces
    workspaces.ensure_workspace(team_id=TEAM_ID, name=TEAM_NAME, now=start)
    for person in PEOPLE:
        user = SlackUser(
            user_id=person.id,
            display_name=person.real_name,
            time_zone=person.tz,
            is_admin=person.is_admin,
        )
        workspaces.remember_person(team_id=TEAM_ID, user=user, now=start)
    # No service sets a workspace's zone or a person's part (Slack gives neither); the
    # playground knows both, so they are set on the rows `remember_person` just wrote.
    with container.sessions.begin() as session:
        workspace = workspace_queries.get_workspace(session, TEAM_ID)
        if workspace is not None:
            workspace.name = TEAM_NAME
            workspace.time_zone = WORKSPACE_TIME_ZONE
        for person in PEOPLE:
            row = workspace_queries.get_person(session, TEAM_ID, person.id)
            if row is not None:
                row.role = _ROLE_OF_PART[person.part].value
    admin = next(p for p in PEOPLE if p.is_admin)
    for manager in [p for p in PEOPLE if p.part is Part.PM][:1]:
        container.services.permissions.grant(
            team_id=TEAM_ID,
            actor=admin.id,
            user_id=manager.id,
            role=Grant.RELEASE_MANAGER,
            now=clock.days_ago(34),
        )
    return len(PEOPLE)
