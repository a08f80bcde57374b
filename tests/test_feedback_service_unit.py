"""The feedback service's rules with fakes: an in-memory store behind the unit of work, settings
from a dict, and sessions that fail if touched. No database, no Slack, no HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.rituals.feedback.domain import (
    FeedbackDraft,
    FeedbackInvalid,
    ItemNotFound,
    Status,
    StatusChangeInvalid,
    StatusRequest,
)
from bot.rituals.feedback.models import FeedbackAccount
from bot.rituals.feedback.service import FeedbackService
from tests.support.feedback_fakes import FakeUnits, fake_feedback_service

TEAM = "T1"
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def units() -> FakeUnits:
    return FakeUnits()


@pytest.fixture
def feedback(units: FakeUnits) -> FeedbackService:
    return fake_feedback_service(units)[0]


def _capture(
    feedback: FeedbackService, text: str, *, by: str = "U1", account: str | None = None
) -> int:
    result = feedback.capture(
        team_id=TEAM,
        draft=FeedbackDraft(text=text, account_name=account, on_behalf_of=by),
        submitted_by=by,
        now=NOW,
    )
    return result.item.item_id


def _change(feedback: FeedbackService, item_id: int, request: StatusRequest) -> Status:
    change = feedback.change_status(
        team_id=TEAM, item_id=item_id, request=request, user_id="UPM", now=NOW + timedelta(days=1)
    )
    return change.item.status


# ---- lifecycle -------------------------------------------------------------------------------


def test_planned_needs_a_link_and_a_refused_change_leaves_the_item_as_it_was(
    feedback: FeedbackService, units: FakeUnits
) -> None:
    item_id = _capture(feedback, "Export to CSV is slow")

    with pytest.raises(StatusChangeInvalid) as refused:
        _change(feedback, item_id, StatusRequest(Status.PLANNED, link="not a link"))

    assert refused.value.field_name == "link"
    stored = units.store(TEAM).items[item_id]
    assert (stored.status, stored.reviewed_at, stored.status_link) == ("new", None, None)


def test_moving_an_item_along_records_review_time_link_and_reason(
    feedback: FeedbackService, units: FakeUnits
) -> None:
    item_id = _capture(feedback, "Dark mode")

    planned = _change(feedback, item_id, StatusRequest(Status.PLANNED, link="https://jira/X-1"))
    declined = _change(feedback, item_id, StatusRequest(Status.DECLINED, reason=" Not now "))

    stored = units.store(TEAM).items[item_id]
    assert (planned, declined) == (Status.PLANNED, Status.DECLINED)
    assert stored.reviewed_at == NOW + timedelta(days=1)
    assert (stored.status_link, stored.decline_reason) == ("https://jira/X-1", "Not now")


def test_a_shipped_item_can_only_be_reopened_as_planned(feedback: FeedbackService) -> None:
    item_id = _capture(feedback, "SSO")
    _change(feedback, item_id, StatusRequest(Status.SHIPPED))

    with pytest.raises(StatusChangeInvalid, match="shipped cannot become new"):
        _change(feedback, item_id, StatusRequest(Status.NEW))
    assert _change(feedback, item_id, StatusRequest(Status.PLANNED, link="https://r/1")) == (
        Status.PLANNED
    )


def test_shipping_names_submitters_requesters_and_account_owners_once_each(
    feedback: FeedbackService, units: FakeUnits
) -> None:
    feedback_item = _capture(feedback, "Bulk edit of tickets", by="U1", account="Acme")
    duplicate = _capture(feedback, "Bulk editing tickets please", by="U2", account="Globex")
    units.store(TEAM).account_by_name("Acme").owner_user_id = "UOWNER"  # type: ignore[union-attr]
    feedback.merge(
        team_id=TEAM, source_id=duplicate, target_id=feedback_item, user_id="UPM", now=NOW
    )

    change = feedback.change_status(
        team_id=TEAM,
        item_id=feedback_item,
        request=StatusRequest(Status.SHIPPED),
        user_id="UPM",
        now=NOW,
    )
    again = feedback.change_status(
        team_id=TEAM,
        item_id=feedback_item,
        request=StatusRequest(Status.SHIPPED),
        user_id="UPM",
        now=NOW,
    )

    assert change.notify == ["U1", "U2", "UOWNER"]
    assert (again.changed, again.notify) == (False, [])


def test_status_changes_are_counted_by_new_status(units: FakeUnits) -> None:
    feedback, metrics = fake_feedback_service(units)
    item_id = _capture(feedback, "Faster search")

    _change(feedback, item_id, StatusRequest(Status.REVIEWED))
    _change(feedback, item_id, StatusRequest(Status.REVIEWED))

    assert metrics.status_changes.labels("reviewed")._value.get() == 1


# ---- merge -----------------------------------------------------------------------------------


def test_merging_moves_requesters_and_counts_each_account_once(
    feedback: FeedbackService, units: FakeUnits
) -> None:
    target = _capture(feedback, "Slack alerts for SLA breaches", by="U1", account="Acme")
    same_account = _capture(feedback, "SLA breach alerts in Slack", by="U2", account="acme ")
    other = _capture(feedback, "Alert me when SLA breaks", by="U3", account="Globex")

    feedback.merge(team_id=TEAM, source_id=same_account, target_id=target, user_id="UPM", now=NOW)
    merged = feedback.merge(team_id=TEAM, source_id=other, target_id=target, user_id="UPM", now=NOW)

    store = units.store(TEAM)
    assert merged.request_count == 2
    assert {store.items[same_account].merged_into_id, store.items[other].merged_into_id} == {target}


def test_merging_into_a_merged_item_lands_on_the_survivor(
    feedback: FeedbackService, units: FakeUnits
) -> None:
    survivor = _capture(feedback, "Calendar sync", account="Acme")
    merged_away = _capture(feedback, "Sync with Google Calendar", account="Globex")
    late = _capture(feedback, "Outlook calendar sync", account="Initech")
    feedback.merge(team_id=TEAM, source_id=merged_away, target_id=survivor, user_id="U", now=NOW)

    result = feedback.merge(
        team_id=TEAM, source_id=late, target_id=merged_away, user_id="U", now=NOW
    )

    assert (result.item_id, result.request_count) == (survivor, 3)
    assert units.store(TEAM).items[late].merged_into_id == survivor


def test_an_item_is_never_merged_into_itself_or_merged_twice(feedback: FeedbackService) -> None:
    first = _capture(feedback, "Audit log export")
    second = _capture(feedback, "Export the audit log")
    feedback.merge(team_id=TEAM, source_id=second, target_id=first, user_id="U", now=NOW)

    with pytest.raises(FeedbackInvalid, match="into itself"):
        feedback.merge(team_id=TEAM, source_id=first, target_id=first, user_id="U", now=NOW)
    with pytest.raises(ItemNotFound):
        feedback.merge(team_id=TEAM, source_id=second, target_id=first, user_id="U", now=NOW)
    with pytest.raises(ItemNotFound):
        feedback.merge(team_id=TEAM, source_id=first, target_id=second, user_id="U", now=NOW)


# ---- capture and similarity ------------------------------------------------------------------


def test_a_new_capture_suggests_similar_open_items_best_first_but_not_closed_or_merged_ones(
    feedback: FeedbackService,
) -> None:
    export = _capture(feedback, "Exporting reports to CSV is very slow", account="Acme")
    closed = _capture(feedback, "CSV export of reports is slow")
    _change(feedback, closed, StatusRequest(Status.SHIPPED))
    _capture(feedback, "Mobile app crashes on login")

    result = feedback.capture(
        team_id=TEAM,
        draft=FeedbackDraft(text="The CSV report export is slow"),
        submitted_by="U9",
        now=NOW,
    )

    assert [s.item_id for s in result.similar] == [export]
    assert result.similar[0].account_name == "Acme"


def test_a_capture_key_stores_once_and_returns_the_stored_item_after(
    feedback: FeedbackService, units: FakeUnits
) -> None:
    draft = FeedbackDraft(text="Webhooks for invoices")

    first = feedback.capture(
        team_id=TEAM, draft=draft, submitted_by="U1", now=NOW, capture_key="view:V1"
    )
    second = feedback.capture(
        team_id=TEAM, draft=draft, submitted_by="U1", now=NOW, capture_key="view:V1"
    )

    assert (first.created, second.created) == (True, False)
    assert second.item.item_id == first.item.item_id
    assert len(units.store(TEAM).items) == 1


def test_an_invalid_draft_stores_nothing_and_names_every_bad_field(
    feedback: FeedbackService, units: FakeUnits
) -> None:
    with pytest.raises(FeedbackInvalid) as invalid:
        feedback.capture(
            team_id=TEAM,
            draft=FeedbackDraft(text="  ", area="Nowhere", link="ftp://x"),
            submitted_by="U1",
            now=NOW,
        )

    assert {f.value for f in invalid.value.errors} == {"text", "area", "link"}
    assert units.store(TEAM).items == {}


def test_an_account_named_twice_with_different_spacing_is_one_account(
    feedback: FeedbackService, units: FakeUnits
) -> None:
    _capture(feedback, "One", account="Acme  Corp")
    _capture(feedback, "Two", account="acme corp")

    accounts: dict[int, FeedbackAccount] = units.store(TEAM).accounts
    assert [a.name for a in accounts.values()] == ["Acme Corp"]
