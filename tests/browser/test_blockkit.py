"""blockkit.js on opsbot's real blocks: everything opsbot builds renders without the raw-JSON
fallback, inputs report their values in Slack's `state.values` shapes, unknown types stay
visible as raw JSON, and untrusted text is shown as text, never run as HTML."""

from __future__ import annotations

import json
from typing import Any

from tests.browser.surfaces import real_surfaces


def _open(page: Any, harness_url: str) -> dict[str, Any]:
    page.goto(f"{harness_url}/harness.html")
    page.wait_for_function("window.harnessReady === true")
    surfaces: dict[str, Any] = json.loads(
        page.evaluate("fetch('/surfaces.json').then(r => r.text())")
    )
    for name, surface in surfaces.items():
        page.evaluate("([n, b]) => window.renderSurface(n, b)", [name, surface["blocks"]])
    return surfaces


def test_every_surface_opsbot_builds_renders_without_raw_fallback(
    page: Any, harness_url: str
) -> None:
    surfaces = _open(page, harness_url)

    rendered = page.locator(".surface").count()
    raw = page.locator(".raw").all_inner_texts()

    assert rendered == len(real_surfaces()) == len(surfaces)
    assert raw == []


def test_modal_inputs_report_values_in_slacks_state_shape(page: Any, harness_url: str) -> None:
    _open(page, harness_url)
    modal = page.locator('[data-surface="triage intake"]')

    modal.locator("textarea").first.fill("It fails on Mondays")
    values = page.evaluate("window.contexts['triage intake'].read()")

    shapes = {
        action["type"]: set(action) - {"type"}
        for actions in values.values()
        for action in actions.values()
    }
    texts = [a["value"] for actions in values.values() for a in actions.values() if "value" in a]
    assert "It fails on Mondays" in texts
    assert shapes["plain_text_input"] == {"value"}
    assert shapes["static_select"] == {"selected_option"}


def test_a_button_in_a_message_sends_its_action_with_block_and_value(
    page: Any, harness_url: str
) -> None:
    _open(page, harness_url)
    survey = page.locator('[data-surface="survey"]')

    survey.locator("button.bk-button").first.click()
    sent = page.evaluate("window.sent")

    assert len(sent) == 1
    action = sent[0]["action"]
    assert sent[0]["surface"] == "survey"
    assert action["type"] == "button"
    assert action["block_id"]
    assert action["action_id"]
    assert action["value"]


def test_an_external_select_asks_the_app_and_sends_the_chosen_option(
    page: Any, harness_url: str
) -> None:
    _open(page, harness_url)
    feedback = page.locator('[data-surface="feedback modal"]')

    feedback.locator(".bk-external input").first.fill("Globex")
    feedback.locator(".suggestion", has_text="Acme Globex").click()
    values = page.evaluate("window.contexts['feedback modal'].read()")

    chosen = [
        a["selected_option"]["value"]
        for actions in values.values()
        for a in actions.values()
        if a["type"] == "external_select" and a.get("selected_option")
    ]
    assert chosen == ["acme"]


def test_an_unknown_block_is_shown_as_raw_json(page: Any, harness_url: str) -> None:
    page.goto(f"{harness_url}/harness.html")
    page.wait_for_function("window.harnessReady === true")

    page.evaluate(
        "window.renderSurface('odd', [{type: 'video', title: {type: 'plain_text', text: 'x'}},"
        " {type: 'section', accessory: {type: 'workflow_button'},"
        "  text: {type: 'mrkdwn', text: 'hi'}}])"
    )

    raw = page.locator(".raw").all_inner_texts()
    assert len(raw) == 2
    assert '"video"' in raw[0]
    assert '"workflow_button"' in raw[1]


def test_mrkdwn_formats_and_never_runs_untrusted_text_as_html(page: Any, harness_url: str) -> None:
    page.goto(f"{harness_url}/harness.html")
    page.wait_for_function("window.harnessReady === true")

    page.evaluate(
        "window.renderMrkdwn('*bold* _it_ ~gone~ `code` <https://example.com|site> <@UPRIYA> "
        "<#CFEEDBACK> <!here> :bulb: snake_case_name\\n&gt; quoted\\n```block```"
        ' <img src=x onerror="window.pwned=1"> &lt;script&gt;\')'
    )
    case = page.locator(".mrkdwn-case")

    assert case.locator("b").inner_text() == "bold"
    assert case.locator("i").inner_text() == "it"
    assert case.locator("s").inner_text() == "gone"
    assert case.locator("code").inner_text() == "code"
    assert case.locator("a").get_attribute("href") == "https://example.com"
    assert case.locator(".mention").all_inner_texts() == ["@priya", "#product-feedback", "@here"]
    assert case.locator("blockquote").inner_text() == "quoted"
    assert case.locator("pre").inner_text() == "block"
    assert "💡" in case.inner_text()
    assert "snake_case_name" in case.inner_text()
    assert case.locator("img").count() == 0
    assert "<script>" in case.inner_text()
    assert page.evaluate("window.pwned") is None


CONFIRMED_BUTTONS = [
    {
        "type": "actions",
        "block_id": "b1",
        "elements": [
            {
                "type": "button",
                "action_id": "delete",
                "value": "7",
                "style": "danger",
                "text": {"type": "plain_text", "text": "Delete"},
                "confirm": {
                    "title": {"type": "plain_text", "text": "Delete it?"},
                    "text": {"type": "mrkdwn", "text": "This cannot be *undone*."},
                    "confirm": {"type": "plain_text", "text": "Delete"},
                    "deny": {"type": "plain_text", "text": "Keep"},
                    "style": "danger",
                },
            },
            {
                "type": "overflow",
                "action_id": "more",
                "options": [
                    {"text": {"type": "plain_text", "text": "Snooze"}, "value": "snooze"},
                    {"text": {"type": "plain_text", "text": "Archive"}, "value": "archive"},
                ],
            },
            {
                "type": "static_select",
                "action_id": "pick",
                "option_groups": [
                    {
                        "label": {"type": "plain_text", "text": "Teams"},
                        "options": [
                            {"text": {"type": "plain_text", "text": "Billing"}, "value": "b"}
                        ],
                    }
                ],
            },
        ],
    }
]


def test_a_confirm_dialog_stops_the_action_until_confirmed(page: Any, harness_url: str) -> None:
    page.goto(f"{harness_url}/harness.html")
    page.wait_for_function("window.harnessReady === true")
    page.evaluate("b => window.renderSurface('confirm', b)", CONFIRMED_BUTTONS)

    page.locator('[data-action-id="delete"]').click()
    dialog = page.locator(".confirm-dialog")
    asked = dialog.locator("h3").inner_text()
    dialog.locator("button", has_text="Keep").click()
    after_deny = page.evaluate("window.sent.length")
    page.locator('[data-action-id="delete"]').click()
    page.locator(".confirm-dialog button", has_text="Delete").click()
    sent = page.evaluate("window.sent")

    assert asked == "Delete it?"
    assert after_deny == 0
    assert [s["action"]["action_id"] for s in sent] == ["delete"]
    assert sent[0]["action"]["value"] == "7"


def test_overflow_and_grouped_select_send_the_chosen_option(page: Any, harness_url: str) -> None:
    page.goto(f"{harness_url}/harness.html")
    page.wait_for_function("window.harnessReady === true")
    page.evaluate("b => window.renderSurface('menus', b)", CONFIRMED_BUTTONS)

    page.locator('[data-action-id="more"]').click()
    page.locator(".bk-overflow .menu-item", has_text="Archive").click()
    page.locator('select[data-action-id="pick"]').select_option("b")
    sent = page.evaluate("window.sent")

    assert [(s["action"]["action_id"], s["action"]["selected_option"]["value"]) for s in sent] == [
        ("more", "archive"),
        ("pick", "b"),
    ]
    assert page.locator('select[data-action-id="pick"] optgroup').get_attribute("label") == "Teams"


def test_typed_values_carry_over_to_a_re_rendered_view(page: Any, harness_url: str) -> None:
    """What the page does when the app updates an open modal (views.update): like Slack, what
    was typed stays where block_id and action_id are unchanged."""
    surfaces = _open(page, harness_url)
    composer = page.locator('[data-surface="release composer"]')
    composer.locator("textarea").first.fill("Exports are faster")
    composer.locator("select[multiple]").first.select_option(["CFEEDBACK"])
    composer.locator('input[type="radio"]').last.check()
    composer.locator('input[type="datetime-local"]').fill("2026-12-01T09:30")
    typed = page.evaluate("window.contexts['release composer'].read()")

    page.evaluate(
        "([b, s]) => { window.renderSurface('again', b); window.contexts['again'].apply(s); }",
        [surfaces["release composer"]["blocks"], typed],
    )
    again = page.evaluate("window.contexts['again'].read()")

    assert again == typed
    assert any(
        a.get("value") == "Exports are faster"
        for actions in again.values()
        for a in actions.values()
    )
