"""The playground's seed month: written through the real services, seen by the real queries,
never calling Slack, and harmless to run twice."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from bot.config import Settings
from bot.playground.people import PEOPLE, TEAM_ID
from bot.playground.seed import seed_month
from bot.rituals.feedback.service import FeedbackService
from bot.rituals.installed import INSTALLED
from bot.rituals.triage.domain import Outcome, Source, TicketStatus
from bot.rituals.triage.service import TriageService
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


def test_seeding_calls_no_slack_and_stores_the_workspace_and_its_people(
    container: Container, fake_slack: FakeSlackApi
) -> None:
    summary = seed_month(container, now=NOW)

    assert not summary.skipped
    assert fake_slack.calls == []
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


def test_seeding_twice_changes_nothing(container: Container) -> None:
    first = seed_month(container, now=NOW)
    feedback = container.service(FeedbackService)
    before = list(feedback.export(team_id=TEAM_ID, fmt="json", since=None))

    second = seed_month(container, now=NOW)

    assert not first.skipped
    assert second.skipped
    assert list(feedback.export(team_id=TEAM_ID, fmt="json", since=None)) == before


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
