"""One flow per ritual, clicked through the playground page in a real Chromium against a real
`opsbot playground --empty` (the real app behind the local workspace). Screenshots of each
flow's last step go to docs/playground/ for the README."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from playwright.sync_api import expect

from bot.rituals.buddies.ids import BuddyIds
from bot.rituals.feedback.ids import FeedbackIds
from bot.rituals.releases.ids import ReleaseIds
from bot.rituals.triage.ids import TriageIds
from tests.browser.conftest import screenshot
from tests.browser.pages import PlaygroundPage, action


def test_captured_feedback_shows_in_the_digest_run_now(page: Any, playground: str) -> None:
    pg = PlaygroundPage(page, playground)
    pg.open_as("UJESS")
    pg.go("CFEEDBACK")

    pg.type("/feedback")
    form = pg.modal(FeedbackIds.MODAL)
    pg.field(form, FeedbackIds.TEXT_BLOCK).fill("Exports time out for our biggest accounts")
    account = pg.field(form, FeedbackIds.ACCOUNT_BLOCK)
    account.fill("Globex")
    form.locator(".suggestion", has_text="Globex").first.click()
    screenshot(page, "feedback-modal")
    pg.submit(form)
    saved = pg.message("Saved feedback")
    pg.run_now("feedback-digest", "CFEEDBACK")
    digest = pg.message("Exports time out for our biggest accounts")

    expect(saved.locator(".only-you")).to_have_text("Only visible to you")
    expect(digest.locator(".author")).to_have_text("opsbot")
    expect(digest.locator(".only-you")).to_have_count(0)
    expect(digest).to_contain_text("Globex")
    screenshot(page, "feedback-digest")
    assert pg.notices() == []


def test_a_ticket_reaches_the_triage_thread_and_a_bug_is_filed(page: Any, playground: str) -> None:
    pg = PlaygroundPage(page, playground)
    pg.open_as("UAMARA")
    pg.go("CTRIAGE")

    pg.type("/triage")
    form = pg.modal(TriageIds.MODAL)
    pg.field(form, TriageIds.TITLE_BLOCK).fill("CSV export fails for Globex")
    pg.submit(form)
    pg.act_as("UPRIYA")
    pg.go("CTRIAGE")
    pg.run_now("triage-thread", "CTRIAGE")
    parent = pg.message("Support triage")
    parent.locator(".replies").click()
    ticket = pg.thread_message("CSV export fails for Globex")
    ticket.locator(action(TriageIds.BUG)).click()
    # The playground points triage at its local GitHub (bot/playground/github.py): the real
    # app files the issue there and updates the ticket's reply with the key.
    filed = page.locator("#thread-list > .message", has_text="acme/app#1").last
    expect(filed).to_be_visible(timeout=20_000)
    expect(filed).to_contain_text("CSV export fails for Globex")
    expect(filed.locator(action(TriageIds.BUG))).to_have_count(0)
    screenshot(page, "triage-thread")
    assert pg.notices() == []


def _call_day(page: Any) -> str:
    """Two days after the playground clock: the call is ahead of now when it is shared."""
    now = datetime.fromisoformat(
        page.evaluate("fetch('/playground/state?as=UJESS').then(r => r.json()).then(s => s.now)")
    )
    return (now.astimezone(UTC) + timedelta(days=2)).date().isoformat()


def test_buddies_join_get_paired_share_a_call_and_capture_takeaways(
    page: Any, playground: str
) -> None:
    pg = PlaygroundPage(page, playground)
    pg.open_as("UPRIYA")
    pg.go("CBUDDIES")
    pg.type("/buddy join pm")
    pg.message("You're in the *PM* group".replace("*", ""))
    pg.act_as("UJESS")
    pg.go("CBUDDIES")
    pg.type("/buddy join sales")
    pg.message("You're in the sales group")

    pg.run_now("buddy-pairing", "CBUDDIES")
    pair = page.locator("#conversations .nav-item.dm", has_text="Priya Raman")
    pair.click()
    pg.message("You're buddies this cycle")
    expect(page.locator("#message-list .mention")).to_contain_text(["@jess", "@priya"])
    screenshot(page, "buddies-pairing")

    pg.go("CBUDDIES")
    pg.type("/buddy call")
    form = pg.modal(BuddyIds.CALL_MODAL)
    pg.field(form, BuddyIds.ACCOUNT_BLOCK).fill("Globex")
    form.locator(".suggestion", has_text="Globex").first.click()
    pg.field(form, BuddyIds.DAY_BLOCK).fill(_call_day(page))
    pg.field(form, BuddyIds.TIME_BLOCK).fill("10:00")
    pg.field(form, BuddyIds.TOPIC_BLOCK).fill("Renewal")
    pg.field(form, BuddyIds.LINK_BLOCK).fill("https://meet.example.com/globex")
    pg.submit(form)
    pg.message("I've asked your buddy")
    pg.act_as("UPRIYA")
    pg.go("DUPRIYA")
    pg.message("has a customer call").locator(action(BuddyIds.JOIN)).click()

    pg.jump_a_week()
    pg.run_now("buddy-reminders", "CBUDDIES")
    pg.act_as("UJESS")
    pg.go("DUJESS")
    pg.message("How did the call with Globex go?").locator(action(BuddyIds.TAKEAWAYS)).click()
    form = pg.modal(BuddyIds.TAKEAWAY_MODAL)
    pg.field(form, FeedbackIds.TEXT_BLOCK).fill("They need exports scheduled nightly")
    pg.submit(form)

    saved = page.locator("#message-list > .message", has_text="akeaway").last
    expect(saved).to_be_visible()
    screenshot(page, "buddies-takeaways")
    assert not [n for n in pg.notices() if "after-ack" in n or "failed" in n]


def test_a_release_is_previewed_published_and_its_feedback_submitter_told(
    page: Any, playground: str
) -> None:
    pg = PlaygroundPage(page, playground)
    pg.open_as("UJESS")
    pg.go("CFEEDBACK")
    pg.type("/feedback Globex wants faster CSV exports")
    pg.message("Saved feedback")

    pg.act_as("UMARCO")
    pg.go("CRELEASES")
    pg.type("/release")
    form = pg.modal(ReleaseIds.COMPOSER)
    pg.field(form, ReleaseIds.TITLE_BLOCK).fill("Faster CSV exports")
    pg.field(form, ReleaseIds.VERSION_BLOCK).fill("2.4")
    pg.field(form, ReleaseIds.TIER_BLOCK, "select").select_option("3")
    pg.field(form, ReleaseIds.WHATS_NEW_BLOCK).fill("Exports are *ten times* faster.")
    pg.field(form, ReleaseIds.FEEDBACK_BLOCK).focus()
    form.locator(".suggestion", has_text="Globex wants faster CSV exports").click()
    pg.field(form, ReleaseIds.CHANNELS_BLOCK, "select").select_option(["CRELEASES"])
    screenshot(page, ReleaseIds.COMPOSER)
    pg.submit(form)
    pg.go("DUMARCO")
    page.locator(f"#message-list {action(ReleaseIds.PUBLISH)}").last.click()
    pg.message("published")
    pg.go("CRELEASES")
    announced = pg.message("Faster CSV exports")
    expect(announced.locator("b", has_text="ten times")).to_be_visible()
    screenshot(page, "release-published")

    pg.act_as("UJESS")
    pg.go("DUJESS")
    told = pg.message("shipped")
    expect(told).to_contain_text("Globex wants faster CSV exports")
