"""The playground as a first-time visitor opens it (`opsbot playground`, seeded): every channel,
DM and the App Home render for every person without a raw-JSON fallback or a page error, and a
ritual run now posts into the seeded workspace."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from bot.playground.people import PEOPLE
from tests.browser.pages import PlaygroundPage


def test_every_place_renders_for_every_person_in_the_seeded_month(
    page: Any, seeded_playground: str
) -> None:
    pg = PlaygroundPage(page, seeded_playground)
    pg.open_as(PEOPLE[0].id)
    shown: list[tuple[str, str, int]] = []

    for person in PEOPLE:
        pg.act_as(person.id)
        places = page.locator("#conversations .nav-item").evaluate_all(
            "items => items.map(i => i.dataset.place)"
        )
        for place in places:
            page.click(f'#conversations [data-place="{place}"]')
            expect(page.locator("#main")).to_have_attribute("data-place", place)
            shown.append((person.id, place, page.locator(".raw").count()))

    assert [s for s in shown if s[2]] == []
    assert {place for _, place, _ in shown} >= {"home", "CFEEDBACK", "CTRIAGE", "CRELEASES"}


def test_a_ritual_run_now_posts_into_the_seeded_workspace(
    page: Any, seeded_playground: str
) -> None:
    pg = PlaygroundPage(page, seeded_playground)
    pg.open_as("UDANA")
    pg.go("CFEEDBACK")
    before = page.locator("#message-list > .message").count()

    pg.run_now("feedback-digest", "CFEEDBACK")

    expect(page.locator("#message-list > .message")).to_have_count(before + 1)
    expect(pg.message("Feedback digest").locator(".author")).to_have_text("opsbot")
    expect(page.locator(".raw")).to_have_count(0)
