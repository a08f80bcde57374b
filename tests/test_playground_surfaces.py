"""The playground plays Slack's surfaces faithfully: stacked modals (push, close), the App Home,
message shortcuts, response_url posts, a seeded start, and what the local Web API refuses.

SQLite only, by design: the playground always runs on a SQLite file of its own.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.config import load_settings
from bot.playground.app import Playground
from bot.playground.web_api import BOT_TOKEN
from bot.playground.workspace import ResponseTarget
from bot.rituals.feedback.ids import FeedbackIds
from bot.scheduling.ids import ScheduleIds as OpsIds
from tests.test_playground_flows import DANA, JESS, PRIYA, eventually, post, state

pytestmark = pytest.mark.skipif(
    os.environ.get("OPSBOT_TEST_DB", "sqlite") != "sqlite",
    reason="the playground is SQLite-only by design",
)


@pytest.fixture
def playground(tmp_path: Path) -> Iterator[Playground]:
    running = Playground(load_settings(_env_file=None), data_dir=tmp_path, port=0)
    running.start(seed=False)
    yield running
    running.stop()


@pytest.fixture
def page(playground: Playground) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=playground.url, timeout=70) as client:
        yield client


def api(page: httpx.Client, method: str, **params: Any) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {BOT_TOKEN}"}
    answer: dict[str, Any] = page.post(f"/api/{method}", json=params, headers=headers).json()
    return answer


def test_a_section_button_in_ops_settings_pushes_a_second_modal_and_closing_pops_it(
    page: httpx.Client,
) -> None:
    post(page, "command", {"as": DANA, "channel": "COPS", "text": "/ops settings"})
    first = eventually(lambda: state(page)["views"])[0]
    section = next(
        element
        for block in first["blocks"]
        if block.get("block_id") == OpsIds.SECTIONS_BLOCK.value
        for element in block["elements"]
        if element["value"] == "feedback"
    )

    answer = post(
        page,
        "action",
        {
            "as": DANA,
            "source": {"kind": "view", "view_id": first["id"]},
            "action": {"action_id": section["action_id"], "value": "feedback"},
        },
    )

    assert answer == {"ok": True, "status": 200}
    stack = eventually(lambda: len(state(page)["views"]) == 2 and state(page)["views"])
    assert stack[0]["id"] == first["id"]
    assert post(page, "close", {"as": DANA, "view_id": stack[1]["id"]})["ok"] is True
    assert [v["id"] for v in state(page)["views"]] == [first["id"]]


def test_opening_the_home_tab_shows_what_opsbot_published_for_that_person_only(
    page: httpx.Client,
) -> None:
    answer = post(page, "home", {"as": PRIYA})

    assert answer == {"ok": True, "sent": True, "status": 200}
    home = eventually(lambda: state(page, PRIYA)["home"])
    assert home["type"] == "home"
    assert home["blocks"]
    assert state(page, JESS)["home"] is None


def test_message_shortcut_opens_the_feedback_form_prefilled_with_the_message(
    page: httpx.Client,
) -> None:
    said = post(page, "message", {"as": JESS, "channel": "CGENERAL", "text": "Need SAML login"})

    answer = post(
        page,
        "shortcut",
        {
            "as": PRIYA,
            "callback_id": FeedbackIds.MESSAGE_SHORTCUT.value,
            "channel": "CGENERAL",
            "ts": said["ts"],
        },
    )

    assert answer == {"ok": True, "status": 200}
    view = eventually(lambda: state(page, PRIYA)["views"])[0]
    assert view["callback_id"] == FeedbackIds.MODAL.value
    assert "Need SAML login" in str(view["blocks"])


def test_response_url_posts_replace_delete_or_add_as_slack_does(
    playground: Playground, page: httpx.Client
) -> None:
    posted = api(page, "chat.postMessage", channel="CGENERAL", text="original")
    url = playground.workspace.new_response_url(
        playground.url, ResponseTarget(PRIYA, "CGENERAL", posted["ts"])
    )

    page.post(url, json={"text": "only Priya sees this"})
    page.post(url, json={"text": "replaced", "replace_original": True})
    page.post(url, json={"text": "for everyone", "response_type": "in_channel"})
    texts = {m["text"]: m["ephemeral"] for m in state(page, PRIYA)["messages"]["CGENERAL"]}
    page.post(url, json={"delete_original": True})
    page.post(url, json={"text": "the fifth and last"})
    sixth = page.post(url, json={"text": "one too many"})

    assert texts == {"replaced": False, "only Priya sees this": True, "for everyone": False}
    assert [m["text"] for m in state(page, JESS)["messages"]["CGENERAL"]] == ["for everyone"]
    assert (sixth.status_code, sixth.text) == (404, "used_url")


def test_web_api_answers_with_slacks_errors_and_shows_them(page: httpx.Client) -> None:
    wrong_token = page.post(
        "/api/chat.postMessage",
        json={"channel": "CGENERAL", "text": "x"},
        headers={"Authorization": "Bearer xoxb-someone-else"},
    ).json()
    no_channel = api(page, "chat.postMessage", channel="CNOPE", text="x")
    stale_trigger = api(page, "views.open", trigger_id="1.2.nope", view={"type": "modal"})

    assert wrong_token == {"ok": False, "error": "invalid_auth"}
    assert no_channel == {"ok": False, "error": "channel_not_found"}
    assert stale_trigger == {"ok": False, "error": "invalid_trigger_id"}
    texts = [n["text"] for n in state(page)["notices"]]
    assert "chat.postMessage answered channel_not_found" in texts
    assert "views.open answered invalid_trigger_id" in texts


def test_a_dm_to_a_person_lands_in_their_dm_with_the_bot(page: httpx.Client) -> None:
    posted = api(page, "chat.postMessage", channel=PRIYA, text="Your pulse survey")

    assert posted["ok"] is True
    assert posted["channel"] == "DUPRIYA"
    priya = state(page, PRIYA)
    assert [m["text"] for m in priya["messages"]["DUPRIYA"]] == ["Your pulse survey"]
    assert "DUPRIYA" not in state(page, JESS)["messages"]


def test_seeded_start_runs_the_digest_into_its_scheduled_channel(tmp_path: Path) -> None:
    running = Playground(load_settings(_env_file=None), data_dir=tmp_path, port=0)
    running.start(seed=True)
    try:
        with httpx.Client(base_url=running.url, timeout=70) as page:
            answer = post(page, "run", {"ritual": "feedback-digest"})
            digest = [m for m in state(page)["messages"]["CFEEDBACK"] if m["bot"]]
    finally:
        running.stop()

    assert answer["ok"] is True
    assert answer["posts"] == 1
    assert digest
    assert "Feedback digest" in digest[-1]["text"]


def test_state_offers_the_commands_and_shortcuts_of_the_apps_manifest(page: httpx.Client) -> None:
    found = state(page)

    assert "/feedback" in [c["command"] for c in found["commands"]]
    assert FeedbackIds.MESSAGE_SHORTCUT.value in [s["callback_id"] for s in found["shortcuts"]]


def test_a_request_naming_another_host_is_refused(page: httpx.Client) -> None:
    response = page.get(
        "/playground/state", params={"as": DANA}, headers={"Host": "evil.example:3000"}
    )

    assert response.status_code == 403


def test_views_update_needs_the_current_hash_and_a_stack_holds_three_views(
    playground: Playground, page: httpx.Client
) -> None:
    def trigger() -> str:
        return playground.workspace.new_trigger(PRIYA, time.monotonic())

    modal = {"type": "modal", "title": {"type": "plain_text", "text": "One"}, "blocks": []}
    opened = api(page, "views.open", trigger_id=trigger(), view=modal)["view"]
    pushed = [api(page, "views.push", trigger_id=trigger(), view=modal) for _ in range(3)]
    stale = api(page, "views.update", view_id=opened["id"], hash="stale", view=modal)
    updated = api(
        page,
        "views.update",
        view_id=opened["id"],
        hash=opened["hash"],
        view={**modal, "title": {"type": "plain_text", "text": "Two"}},
    )
    used_twice = api(page, "views.open", trigger_id=(used := trigger()), view=modal)
    again = api(page, "views.open", trigger_id=used, view=modal)

    assert [p["ok"] for p in pushed] == [True, True, False]
    assert pushed[2]["error"] == "push_limit_reached"
    assert stale == {"ok": False, "error": "hash_conflict"}
    assert updated["view"]["id"] == opened["id"]
    assert updated["view"]["hash"] != opened["hash"]
    assert used_twice["ok"] is True
    assert again == {"ok": False, "error": "expired_trigger_id"}


def test_a_clicked_button_carries_its_value_even_when_the_page_left_it_out() -> None:
    """Slack puts the button's `value` in block_actions; callers of /playground/action that
    send only the action_id must not reach the app with less than Slack would send."""
    from bot.playground.actions import _fill_action

    blocks = [
        {
            "type": "actions",
            "block_id": "b1",
            "elements": [
                {
                    "type": "button",
                    "action_id": "join",
                    "value": "pm",
                    "text": {"type": "plain_text", "text": "Join"},
                }
            ],
        }
    ]
    action: dict[str, object] = {"action_id": "join"}

    _fill_action(action, blocks)

    assert action["value"] == "pm"
    assert action["block_id"] == "b1"
    assert action["type"] == "button"
