"""What a person does on the playground page, as small steps for the flow tests.

Every step goes through the page's own controls (composer, buttons, modal fields, the clock
panel), never straight to /playground/*, so a test passes only when the page works.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from bot.playground.people import person

# Runs and clock jumps wait for the outbox to deliver, paced about one post a second per
# channel as in production: give the page time to show them.
expect.set_options(timeout=30_000)


def action(action_id: str) -> str:
    """The CSS selector of the Block Kit element with this action_id."""
    return f'[data-action-id="{action_id}"]'


class PlaygroundPage:
    def __init__(self, page: Any, url: str) -> None:
        self.page = page
        self.url = url

    def open_as(self, user_id: str) -> None:
        self.page.goto(f"{self.url}/?as={user_id}")
        expect(self.page.locator("#as-select")).to_have_value(user_id)
        expect(self.page.locator("#me-title")).to_have_text(person(user_id).title)

    def act_as(self, user_id: str) -> None:
        self.page.select_option("#as-select", user_id)
        expect(self.page.locator("#as-select")).to_have_value(user_id)
        # The page has drawn that person's workspace once it shows their title.
        expect(self.page.locator("#me-title")).to_have_text(person(user_id).title)

    def go(self, place: str) -> None:
        self.page.click(f'#conversations [data-place="{place}"]')
        expect(self.page.locator("#main")).to_have_attribute("data-place", place)

    def type(self, text: str) -> None:
        box = self.page.locator("#composer textarea")
        box.fill(text)
        box.press("Enter")

    def message(self, text: str) -> Any:
        """The (last) message in the open conversation that shows `text`."""
        found = self.page.locator("#message-list > .message", has_text=text).last
        expect(found).to_be_visible()
        return found

    def thread_message(self, text: str) -> Any:
        found = self.page.locator("#thread-list > .message", has_text=text).last
        expect(found).to_be_visible()
        return found

    def modal(self, callback_id: str) -> Any:
        found = self.page.locator(f'#modal-root .modal[data-callback-id="{callback_id}"]')
        expect(found).to_be_visible()
        return found

    def field(self, modal: Any, block_id: str, selector: str = "input, textarea, select") -> Any:
        return modal.locator(f'.bk-input-block[data-block-id="{block_id}"]').locator(selector).first

    def submit(self, modal: Any) -> None:
        modal.locator(".modal-submit").click()
        expect(modal).to_be_hidden()

    def run_now(self, ritual: str, channel: str) -> None:
        self.page.select_option("#run-channel", channel)
        button = self.page.locator(f'#rituals [data-ritual="{ritual}"]')
        button.click()
        expect(button).to_be_enabled()

    def jump_a_week(self) -> None:
        before = self.page.locator("#clock-now").inner_text()
        self.page.click("#jump-week")
        expect(self.page.locator("#jump-week")).to_be_enabled()
        expect(self.page.locator("#clock-now")).not_to_have_text(before)

    def notices(self) -> list[str]:
        return list(self.page.locator("#notice-list .notice-text").all_inner_texts())
