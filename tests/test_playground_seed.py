"""The playground's seed month: written through the real services, seen by the real queries,
never calling Slack, and harmless to run twice."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select

from bot.config import Settings
from bot.models_registry import metadata
from bot.outbox.models import Delivery
from bot.playground.people import PEOPLE, TEAM_ID
from bot.playground.seed import seed_month
from bot.rituals.buddies.domain import Group
from bot.rituals.buddies.service import BuddyService
from bot.rituals.feedback.domain import Status as FeedbackStatus
from bot.rituals.feedback.service import FeedbackService
from bot.rituals.installed import INSTALLED
from bot.rituals.releases.domain import ReleaseState
from bot.rituals.releases.service import PUBLISH_RITUAL, ReleaseService
from bot.rituals.triage.domain import Outcome, Source, TicketStatus
from bot.rituals.triage.service import TriageService
from bot.scheduling.models import RitualSchedule
from bot.stats.domain import StatsPeriod
from bot.wiring import Container, build_container
from bot.workspace.roles import Permission
from tests.support.fake_slack import FakeSlackApi

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


@pytest.fixture
def container(settings: Settings) -> Iterator[Container]:
    """The installed rituals only, as `opsbot playground` builds them (no test ritual)."""
    built = build_container(settings, clock=lambda: NOW)
    yield built
    built.close()


def test_seeding_calls_no_slack_posts_nothing_and_stores_the_workspace_and_people(
    container: Container, fake_slack: FakeSlackApi
) -> None:
    summary = seed_month(container, now=NOW)

    assert not summary.skipped
    assert fake_slack.calls == []
    assert _row_counts(container)["outbox_deliveries"] == 0  # the past is stored, not posted
    assert container.services.workspaces.time_zone(team_id=TEAM_ID) == "America/New_York"
    assert summary.people == len(PEOPLE)
    permissions = container.services.permissions
    assert permissions.allows(team_id=TEAM_ID, user_id="UDANA", permission=Permission.RUN_NOW)
    assert permissions.allows(
        team_id=TEAM_ID, user_id="UPRIYA", permission=Permission.CHANGE_STATUS
    )
    assert not permissions.allows(
        team_id=TEAM_ID, user_id="UJESS", permission=Permission.CHANGE_STATUS
    )
    assert not permissions.allows(team_id=TEAM_ID, user_id="UPRIYA", permission=Permission.RUN_NOW)


def test_every_scheduled_ritual_gets_a_schedule_in_the_workspace_zone(
    container: Container,
) -> None:
    seed_month(container, now=NOW)

    schedules = container.schedules.list_schedules(team_id=TEAM_ID)
    assert sorted(s.ritual for s in schedules) == sorted(
        s.name for ritual in INSTALLED for s in ritual.scheduled
    )
    assert {s.time_zone for s in schedules} == {"America/New_York"}
    digest = next(s for s in schedules if s.ritual == "feedback-digest")
    assert digest.channel_ids == ["CFEEDBACK"]


def test_the_feedback_digest_has_this_weeks_items_duplicates_and_reviews(
    container: Container,
) -> None:
    summary = seed_month(container, now=NOW)

    digest = container.service(FeedbackService).digest(team_id=TEAM_ID, area=None, now=NOW)
    assert summary.feedback >= 35
    assert digest.new_this_week >= 5
    assert digest.new_last_week >= 3
    assert digest.top_accounts
    assert digest.most_requested[0].request_count >= 4
    assert digest.awaiting_review_total > 0
    assert digest.median_time_to_review is not None


def _row_counts(container: Container) -> dict[str, int]:
    with container.sessions() as session:
        return {
            table.name: int(session.scalar(select(func.count()).select_from(table)) or 0)
            for table in metadata.sorted_tables
        }


def test_seeding_twice_changes_nothing(container: Container) -> None:
    first = seed_month(container, now=NOW)
    before = _row_counts(container)

    second = seed_month(container, now=NOW)

    assert not first.skipped
    assert second.skipped
    assert _row_counts(container) == before


def test_a_seed_that_stopped_half_way_is_completed_without_doubling_anything(
    container: Container,
) -> None:
    seed_month(container, now=NOW)
    before = _row_counts(container)
    with container.sessions.begin() as session:  # as if it stopped before the schedules
        session.execute(delete(RitualSchedule))

    again = seed_month(container, now=NOW)

    assert not again.skipped
    assert _row_counts(container) == before


def test_the_triage_queue_has_this_weeks_tickets_after_last_weeks_closed_session(
    container: Container,
) -> None:
    summary = seed_month(container, now=NOW)

    triage = container.service(TriageService)
    tickets = triage.export(team_id=TEAM_ID)
    assert summary.counts["tickets"] == len(tickets) >= 20
    assert {t.source for t in tickets} == {Source.WEBHOOK, Source.SLASH}
    outcomes = {t.outcome for t in tickets if t.status is TicketStatus.TRIAGED}
    assert {Outcome.BUG, Outcome.FEATURE, Outcome.KNOWN, Outcome.WONT_FIX} <= outcomes
    bug = next(t for t in tickets if t.outcome is Outcome.BUG)
    assert bug.tracker_url
    feature = next(t for t in tickets if t.outcome is Outcome.FEATURE)
    assert (
        container.service(FeedbackService)
        .get_item(team_id=TEAM_ID, item_id=feature.feedback_id or 0)
        .account_name
    )
    plan = triage.plan_thread(team_id=TEAM_ID, channel_id="CTRIAGE", period="2026-W48", now=NOW)
    assert plan.counts.total >= 12
    assert plan.counts.carried_over == 2  # left undecided last week
    assert plan.counts.overdue >= 1
    assert container.outbox.deliveries(team_id=TEAM_ID, ritual="triage-thread") == []


def test_buddies_are_paired_with_calls_held_and_one_coming_up(container: Container) -> None:
    seed_month(container, now=NOW)

    buddies = container.service(BuddyService)
    jess = buddies.status(team_id=TEAM_ID, user_id="UJESS", now=NOW)
    assert jess.group is Group.SALES
    assert len(jess.buddies) == 1
    assert jess.upcoming
    assert jess.upcoming[0].owner_user_id == jess.buddies[0]
    digest = buddies.digest(team_id=TEAM_ID, now=NOW)
    assert digest.takeaways >= 2
    assert digest.unjoined
    assert sum(line.joined for line in digest.pms) >= 2


@pytest.mark.parametrize(
    "now",
    [
        datetime(2026, 12, 1, 13, 0, tzinfo=UTC),  # the first of a month: a cycle just paired
        datetime(2027, 1, 1, 2, 0, tzinfo=UTC),  # New Year's Eve in New York
        datetime(2027, 3, 31, 23, 30, tzinfo=UTC),  # a 31-day month, DST already on
        datetime(2026, 11, 29, 20, 0, tzinfo=UTC),  # a Sunday evening
    ],
)
def test_seeding_works_whatever_day_it_is(settings: Settings, now: datetime) -> None:
    built = build_container(settings, clock=lambda: now)
    try:
        summary = seed_month(built, now=now)
        digest = built.service(FeedbackService).digest(team_id=TEAM_ID, area=None, now=now)
    finally:
        built.close()

    assert summary.feedback >= 35
    assert summary.counts["buddy pairs"] >= 2
    assert digest.new_this_week >= 5


def test_a_published_release_shipped_its_feedback_and_a_draft_waits(
    container: Container,
) -> None:
    seed_month(container, now=NOW)

    releases = container.service(ReleaseService)
    home = releases.home(team_id=TEAM_ID, user_id="UPRIYA")
    assert len(home.recent) == 2
    assert [d.draft.title for d in home.drafts] == ["Async CSV exports (beta)"]
    launch = next(r for r in home.recent if r.draft.tier == 1)
    assert launch.state is ReleaseState.PUBLISHED
    assert launch.decided_by == "UPRIYA"
    acks = releases.ack_summary(team_id=TEAM_ID, release_id=launch.release_id)
    assert (acks.acknowledged, acks.total) == (4, 6)
    feedback = container.service(FeedbackService)
    shipped = [
        feedback.get_item(team_id=TEAM_ID, item_id=item_id).status
        for item_id, _, _ in launch.feedback
    ]
    assert shipped == [FeedbackStatus.SHIPPED, FeedbackStatus.SHIPPED]
    assert releases.releases_to_follow_up() == []
    # the two who never acknowledged were reminded back then: nobody is reminded again now
    assert sum(releases.remind(now=NOW + timedelta(hours=h)) for h in range(24)) == 0
    assert container.outbox.deliveries(team_id=TEAM_ID, ritual=PUBLISH_RITUAL) == []


def test_stats_show_numbers_for_every_ritual_after_seeding(container: Container) -> None:
    seed_month(container, now=NOW)

    report = container.stats.report(team_id=TEAM_ID, period=StatsPeriod.MONTH, now=NOW)
    values = {metric.key: metric.value for metric in report.metrics}
    assert report.has_data
    measured = [
        "insight.review_median",
        "roadmap.share",
        "roadmap.shipped",
        "roadmap.time_to_market",
        "sessions.calls_joined",
        "sessions.releases",
        "sessions.held",
        "sessions.closed",
        "adherence.acknowledged",
        "support.per_week",
        "support.triage_median",
        "reach.people",
        "reach.accounts",
        "reach.home",
        "satisfaction.response_rate",
        "satisfaction.relevance",
        "satisfaction.support",
    ]
    assert [key for key in measured if not values[key]] == []


def test_the_first_housekeeping_round_owes_only_what_is_due_now(container: Container) -> None:
    seed_month(container, now=NOW)

    container.housekeeping(NOW)

    with container.sessions() as session:
        owed = sorted(
            (row.ritual, row.period.split(":")[-1])
            for row in session.scalars(select(Delivery).where(Delivery.team_id == TEAM_ID))
        )
    # this month's introductions, the note that the buddy joins, the ask for the call to come;
    # nothing of last week's triage, releases or held calls again
    assert owed == [
        ("buddy-pairing", "2026-11"),
        ("buddy-pairing", "2026-11"),
        ("buddy-reminders", "ask"),
        ("buddy-reminders", "claimed"),
    ]
