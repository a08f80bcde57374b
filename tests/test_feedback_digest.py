"""The weekly feedback digest: what it says, that it stays inside Block Kit limits, and that a
scheduled run posts it once through the outbox."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.outbox.domain import OutgoingPost
from bot.rituals.feedback.domain import AccountRecord, FeedbackDraft, Status, StatusRequest
from bot.rituals.feedback.ids import FeedbackRituals
from bot.rituals.feedback.jobs import FeedbackDigestRunner
from bot.rituals.feedback.service import FeedbackService
from bot.slack.limits import MESSAGE_BLOCKS, SECTION_FIELDS, SECTION_TEXT
from bot.wiring import Container
from tests.support.clock import FakeClock
from tests.support.driver import all_text
from tests.support.fake_slack import TEAM_ID, FakeSlackApi
from tests.support.people import reviewer


@pytest.fixture(autouse=True)
def _reviewers(container: Container) -> None:
    """The PM who moves items along is a reviewer (bot/workspace/roles.py)."""
    reviewer(container, "UPM")


def _seed(feedback: FeedbackService, clock: FakeClock) -> None:
    now = clock()
    feedback.import_accounts(
        team_id=TEAM_ID,
        records=[
            AccountRecord("Megacorp", arr=2_000_000),
            AccountRecord("Tinyco", arr=5_000),
        ],
        now=now,
    )
    plan = [
        (9, "Old request from last week", "Reporting", None),
        (3, "Tinyco wants CSV export", "Reporting", "Tinyco"),
        (3, "Tinyco wants dark mode", "Mobile", "Tinyco"),
        (2, "Megacorp needs SSO", "Billing", "Megacorp"),
        (1, "Faster dashboards", "Reporting", None),
    ]
    for days_ago, text, area, account in plan:
        feedback.capture(
            team_id=TEAM_ID,
            draft=FeedbackDraft(
                text=text,
                area=area,
                account_name=account,
                link=f"https://calls.example.com/{days_ago}",
            ),
            submitted_by="U1",
            now=now - timedelta(days=days_ago),
        )
    feedback.change_status(
        team_id=TEAM_ID,
        item_id=1,
        request=StatusRequest(Status.REVIEWED),
        user_id="UPM",
        now=now - timedelta(days=5),
    )


def _compose(container: Container, clock: FakeClock, **options: str) -> OutgoingPost:
    runner = FeedbackDigestRunner(container.services.feedback)
    posts = runner.compose(
        team_id=TEAM_ID, channel_id="CDIGEST", period="2026-W47", options=options, now=clock()
    )
    assert [p.part for p in posts] == ["digest"]
    return posts[0]


def test_digest_shows_new_items_trend_areas_accounts_and_review_backlog(
    container: Container, clock: FakeClock
) -> None:
    _seed(container.services.feedback, clock)

    post = _compose(container, clock)

    text = all_text(post.blocks)
    assert "*4* new items this week (+300% vs last week; 1 last week)" in text
    assert text.index("*Reporting*") < text.index("*Billing*")
    assert text.index("Megacorp: 1 item") < text.index("Tinyco: 2 items")
    assert "Waiting for review: 4" in text
    assert "Median time to review: 4 days" in text
    assert "<https://calls.example.com/3|#2>" in text
    assert post.text == "Feedback digest: 4 new, 4 waiting for review"


def test_digest_for_one_area_counts_only_that_area(container: Container, clock: FakeClock) -> None:
    _seed(container.services.feedback, clock)

    post = _compose(container, clock, area="reporting")

    text = all_text(post.blocks)
    assert "Feedback digest · Reporting" in text
    assert "*2* new items this week" in text
    assert "SSO" not in text


def test_most_requested_lists_items_with_several_requesters(
    container: Container, clock: FakeClock
) -> None:
    feedback = container.services.feedback
    target = feedback.capture(
        team_id=TEAM_ID,
        draft=FeedbackDraft(text="Audit log", account_name="Acme"),
        submitted_by="U1",
        now=clock(),
    )
    duplicate = feedback.capture(
        team_id=TEAM_ID,
        draft=FeedbackDraft(text="Audit trail", account_name="Globex"),
        submitted_by="U2",
        now=clock(),
    )
    feedback.merge(
        team_id=TEAM_ID,
        source_id=duplicate.item.item_id,
        target_id=target.item.item_id,
        user_id="UPM",
        now=clock(),
    )

    text = all_text(_compose(container, clock).blocks)
    assert f"#{target.item.item_id} Audit log · Acme · *2* requests" in text
    assert "Audit trail" not in text


def test_a_huge_week_stays_inside_block_kit_limits(container: Container, clock: FakeClock) -> None:
    feedback = container.services.feedback
    areas = [f"Area {n:02d}" for n in range(30)]
    container.services.workspaces.set_setting(
        team_id=TEAM_ID, key="product_areas", value={"areas": areas}, user_id="UA", now=clock()
    )
    for n in range(1, 61):
        feedback.capture(
            team_id=TEAM_ID,
            draft=FeedbackDraft(
                text=f"{n} " + "<!channel> very long feedback " * 90,
                area=areas[n % 30],  # two items in each of 30 areas
                account_name=f"Account {n % 40} " + "x" * 125,
            ),
            submitted_by="U1",
            now=clock() - timedelta(hours=n),
        )

    post = _compose(container, clock)

    sections = [b for b in post.blocks if b["type"] == "section"]
    assert len(post.blocks) <= MESSAGE_BLOCKS
    assert max(len(b["text"]["text"]) for b in sections) <= SECTION_TEXT
    assert max(len(b.get("fields") or []) for b in sections) <= SECTION_FIELDS
    assert "…and 40 more in 20 other areas" in all_text(post.blocks)
    assert "<!channel>" not in json.dumps(post.blocks)


def test_scheduled_run_posts_the_digest_once_through_the_outbox(
    container: Container, clock: FakeClock, fake_slack: FakeSlackApi
) -> None:
    _seed(container.services.feedback, clock)

    first = container.dispatcher.run_ritual(
        team_id=TEAM_ID,
        ritual=FeedbackRituals.DIGEST.value,
        period="2026-W47",
        channel_ids=["CDIGEST"],
        now=clock(),
    )
    again = container.dispatcher.run_ritual(
        team_id=TEAM_ID,
        ritual=FeedbackRituals.DIGEST.value,
        period="2026-W47",
        channel_ids=["CDIGEST"],
        now=clock(),
    )
    assert container.sender.drain(timeout=20)

    posted = fake_slack.calls_to("chat.postMessage")
    assert (first.posts, again.posts) == (1, 0)
    assert [call.channel for call in posted] == ["CDIGEST"]
    assert "Feedback digest" in all_text(posted[0].params["blocks"])


def test_top_accounts_keep_the_five_with_most_arr_weighted_items(
    container: Container, clock: FakeClock
) -> None:
    feedback = container.services.feedback
    feedback.import_accounts(
        team_id=TEAM_ID,
        records=[AccountRecord(f"Account {n}", arr=n * 1000) for n in range(1, 8)],
        now=clock(),
    )
    for n in range(1, 8):
        feedback.capture(
            team_id=TEAM_ID,
            draft=FeedbackDraft(text=f"request {n}", account_name=f"Account {n}"),
            submitted_by="U1",
            now=clock() - timedelta(days=1),
        )

    digest = feedback.digest(team_id=TEAM_ID, area=None, now=clock())

    assert [t.name for t in digest.top_accounts] == [f"Account {n}" for n in (7, 6, 5, 4, 3)]
