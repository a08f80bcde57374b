"""Feedback use cases against a real database (SQLite, and Postgres under scripts/test)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.rituals.feedback.domain import (
    AccountRecord,
    FeedbackDraft,
    FeedbackField,
    FeedbackInvalid,
    Importance,
    Source,
    SourceMessage,
    Status,
    StatusChangeInvalid,
    StatusRequest,
)
from bot.rituals.feedback.models import FeedbackAccount, FeedbackItem
from bot.rituals.feedback.service import FeedbackService
from bot.wiring import Container
from tests.support.clock import FakeClock
from tests.support.people import reviewer

TEAM = "T0001"


@pytest.fixture(autouse=True)
def _reviewers(container: Container) -> None:
    """The PM who moves items along is a reviewer (bot/workspace/roles.py)."""
    reviewer(container, "UPM")


@pytest.fixture
def feedback(container: Container) -> FeedbackService:
    return container.services.feedback


def _count_items(container: Container) -> int:
    with container.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(FeedbackItem)) or 0)


def test_capture_from_ticket_is_idempotent_on_the_ticket_ref(
    feedback: FeedbackService, container: Container, clock: FakeClock
) -> None:
    first = feedback.capture_from_ticket(
        team_id=TEAM,
        text="Exports time out for big workspaces",
        account_name="Acme",
        submitted_by="U9",
        link="https://help.example.com/tickets/42",
        ticket_ref="zendesk:42",
        now=clock(),
    )
    again = feedback.capture_from_ticket(
        team_id=TEAM,
        text="Exports time out for big workspaces",
        account_name="Acme",
        submitted_by="U9",
        link="https://help.example.com/tickets/42",
        ticket_ref="zendesk:42",
        now=clock(),
    )
    item = feedback.get_item(team_id=TEAM, item_id=first)
    assert (again, _count_items(container)) == (first, 1)
    assert (item.source, item.account_name, item.link) == (
        Source.SUPPORT,
        "Acme",
        "https://help.example.com/tickets/42",
    )


def test_capture_from_ticket_drops_a_link_that_is_no_web_address(
    feedback: FeedbackService, clock: FakeClock
) -> None:
    item_id = feedback.capture_from_ticket(
        team_id=TEAM,
        text="Reporting is slow",
        account_name=None,
        submitted_by="U9",
        link="ticket 42",
        ticket_ref="42",
        now=clock(),
    )
    assert feedback.get_item(team_id=TEAM, item_id=item_id).link is None


def test_invalid_draft_stores_nothing_and_names_every_bad_field(
    feedback: FeedbackService, container: Container, clock: FakeClock
) -> None:
    with pytest.raises(FeedbackInvalid) as raised:
        feedback.capture(
            team_id=TEAM,
            draft=FeedbackDraft(text="   ", area="Nowhere", link="not a url"),
            submitted_by="U1",
            now=clock(),
        )
    assert set(raised.value.errors) == {FeedbackField.TEXT, FeedbackField.AREA, FeedbackField.LINK}
    assert _count_items(container) == 0


def test_text_at_slacks_input_limit_round_trips_intact(
    feedback: FeedbackService, clock: FakeClock
) -> None:
    text = ("Ünïcode ✓ export " * 200)[:3000]
    result = feedback.capture(
        team_id=TEAM, draft=FeedbackDraft(text=text), submitted_by="U1", now=clock()
    )
    assert feedback.get_item(team_id=TEAM, item_id=result.item.item_id).text == text.strip()


def test_same_message_captured_twice_is_one_item(
    feedback: FeedbackService, container: Container, clock: FakeClock
) -> None:
    message = SourceMessage("C1", "1700000000.000100", "https://acme.slack.com/archives/C1/p1")
    first = feedback.capture(
        team_id=TEAM,
        draft=FeedbackDraft(text="Need SSO"),
        submitted_by="U1",
        now=clock(),
        source_message=message,
    )
    second = feedback.capture(
        team_id=TEAM,
        draft=FeedbackDraft(text="Need SSO"),
        submitted_by="U2",
        now=clock(),
        source_message=message,
    )
    assert (first.created, second.created) == (True, False)
    assert (second.item.item_id, second.item.submitted_by) == (first.item.item_id, "U1")
    assert _count_items(container) == 1


def test_similar_items_are_suggested_on_capture(
    feedback: FeedbackService, clock: FakeClock
) -> None:
    existing = feedback.capture(
        team_id=TEAM,
        draft=FeedbackDraft(text="Export to CSV is very slow for large reports"),
        submitted_by="U1",
        now=clock(),
    )
    feedback.capture(
        team_id=TEAM,
        draft=FeedbackDraft(text="Mobile app crashes on login"),
        submitted_by="U1",
        now=clock(),
    )
    result = feedback.capture(
        team_id=TEAM,
        draft=FeedbackDraft(text="CSV exports are slow on big reports"),
        submitted_by="U2",
        now=clock(),
    )
    assert [s.item_id for s in result.similar] == [existing.item.item_id]


def test_merge_keeps_every_requester_and_account(
    feedback: FeedbackService, clock: FakeClock
) -> None:
    target = feedback.capture(
        team_id=TEAM,
        draft=FeedbackDraft(text="SSO with Okta", account_name="Acme", on_behalf_of="U1"),
        submitted_by="U1",
        now=clock(),
    )
    source = feedback.capture(
        team_id=TEAM,
        draft=FeedbackDraft(text="Okta single sign-on", account_name="Globex", on_behalf_of="U2"),
        submitted_by="U2",
        now=clock(),
    )
    merged = feedback.merge(
        team_id=TEAM,
        source_id=source.item.item_id,
        target_id=target.item.item_id,
        user_id="UPM",
        now=clock(),
    )
    gone = feedback.get_item(team_id=TEAM, item_id=source.item.item_id)
    assert (merged.request_count, gone.merged_into_id) == (2, target.item.item_id)


def test_shipping_tells_submitters_and_account_owners(
    feedback: FeedbackService, clock: FakeClock
) -> None:
    feedback.import_accounts(
        team_id=TEAM,
        records=[AccountRecord("Acme", arr=120_000, owner_user_id="UOWNER")],
        now=clock(),
    )
    item = feedback.capture(
        team_id=TEAM,
        draft=FeedbackDraft(text="Dark mode", account_name="acme"),
        submitted_by="USALES",
        now=clock(),
    )
    feedback.change_status(
        team_id=TEAM,
        item_id=item.item.item_id,
        request=StatusRequest(Status.PLANNED, link="https://tracker.example.com/ISSUE-1"),
        user_id="UPM",
        now=clock.advance(days=1),
    )
    change = feedback.change_status(
        team_id=TEAM,
        item_id=item.item.item_id,
        request=StatusRequest(Status.SHIPPED),
        user_id="UPM",
        now=clock.advance(days=1),
    )
    assert (change.item.status, change.notify) == (Status.SHIPPED, ["USALES", "UOWNER"])


def test_planned_without_a_link_is_refused(feedback: FeedbackService, clock: FakeClock) -> None:
    item = feedback.capture(
        team_id=TEAM, draft=FeedbackDraft(text="Dark mode"), submitted_by="U1", now=clock()
    )
    with pytest.raises(StatusChangeInvalid):
        feedback.change_status(
            team_id=TEAM,
            item_id=item.item.item_id,
            request=StatusRequest(Status.PLANNED),
            user_id="UPM",
            now=clock(),
        )
    assert feedback.get_item(team_id=TEAM, item_id=item.item.item_id).status is Status.NEW


def test_new_account_name_creates_the_account_once(
    feedback: FeedbackService, container: Container, clock: FakeClock
) -> None:
    for text in ("One", "Two"):
        feedback.capture(
            team_id=TEAM,
            draft=FeedbackDraft(text=text, account_name="  Initech   Corp "),
            submitted_by="U1",
            now=clock(),
        )
    with container.sessions() as session:
        names = list(session.scalars(select(FeedbackAccount.name)))
    assert names == ["Initech Corp"]
    assert feedback.search_accounts(team_id=TEAM, typed="init") == ["Initech Corp"]


def test_digest_counts_this_week_against_last_week(
    feedback: FeedbackService, clock: FakeClock
) -> None:
    start = clock()
    for days_ago, area in ((10, "Reporting"), (3, "Reporting"), (2, "Billing"), (1, "Reporting")):
        feedback.capture(
            team_id=TEAM,
            draft=FeedbackDraft(text=f"item {days_ago}", area=area, importance=Importance.BLOCKER),
            submitted_by="U1",
            now=start - timedelta(days=days_ago),
        )
    digest = feedback.digest(team_id=TEAM, area=None, now=start)
    reporting = feedback.digest(team_id=TEAM, area="Reporting", now=start)
    assert (digest.new_this_week, digest.new_last_week) == (3, 1)
    assert digest.by_area == [("Reporting", 2), ("Billing", 1)]
    assert (reporting.new_this_week, reporting.awaiting_review_total) == (2, 3)


def test_median_time_to_review_is_computed_over_the_last_four_weeks(
    feedback: FeedbackService, clock: FakeClock
) -> None:
    start = clock()
    for hours in (1, 5, 100, 2000):
        item = feedback.capture(
            team_id=TEAM,
            draft=FeedbackDraft(text=f"reviewed after {hours} hours"),
            submitted_by="U1",
            now=start - timedelta(hours=hours + 24),
        )
        feedback.change_status(
            team_id=TEAM,
            item_id=item.item.item_id,
            request=StatusRequest(Status.REVIEWED),
            user_id="UPM",
            now=start - timedelta(hours=24) if hours < 2000 else start - timedelta(days=40),
        )

    digest = feedback.digest(team_id=TEAM, area=None, now=start)

    assert digest.median_time_to_review == timedelta(hours=5)


def test_racing_captures_of_one_message_store_one_item(
    feedback: FeedbackService, container: Container, clock: FakeClock
) -> None:
    message = SourceMessage("C1", "1700000000.000900", None)
    barrier = threading.Barrier(4)

    def capture(user: str) -> int:
        barrier.wait()
        result = feedback.capture(
            team_id=TEAM,
            draft=FeedbackDraft(text="Race me"),
            submitted_by=user,
            now=clock(),
            source_message=message,
        )
        return result.item.item_id

    with ThreadPoolExecutor(4) as pool:
        ids = list(pool.map(capture, ["U1", "U2", "U3", "U4"]))

    assert len(set(ids)) == 1
    assert _count_items(container) == 1


def test_racing_captures_naming_one_new_account_create_it_once(
    feedback: FeedbackService, container: Container, clock: FakeClock
) -> None:
    feedback.capture(
        team_id=TEAM, draft=FeedbackDraft(text="warm up"), submitted_by="U1", now=clock()
    )
    barrier = threading.Barrier(4)

    def capture(n: int) -> bool:
        barrier.wait()
        return feedback.capture(
            team_id=TEAM,
            draft=FeedbackDraft(text=f"request number {n}", account_name="Hooli"),
            submitted_by="U1",
            now=clock(),
        ).created

    with ThreadPoolExecutor(4) as pool:
        created = list(pool.map(capture, range(4)))

    with container.sessions() as session:
        accounts = list(session.scalars(select(FeedbackAccount.name)))
    assert created == [True, True, True, True]
    assert accounts == ["Hooli"]
    assert _count_items(container) == 5
