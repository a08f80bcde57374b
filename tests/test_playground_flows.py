"""The playground end to end, at the level of its HTTP API: the real app (real Bolt listeners,
services, dispatcher and outbox sender) behind real HTTP, driven through `/playground/*` as the
page drives it, answered by the local Slack at `/api/`.

SQLite only, by design: the playground always runs on a SQLite file of its own (no database
server to install), so these tests do not run against Postgres.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from bot.config import load_settings
from bot.playground.app import Playground
from bot.playground.people import TEAM_ID
from bot.rituals.feedback.ids import FeedbackIds
from bot.rituals.feedback.models import FeedbackItem
from bot.scheduling.domain import ScheduleRule
from tests.support.feedback_forms import feedback_form_values

pytestmark = pytest.mark.skipif(
    __import__("os").environ.get("OPSBOT_TEST_DB", "sqlite") != "sqlite",
    reason="the playground is SQLite-only by design",
)

DANA, PRIYA, JESS = "UDANA", "UPRIYA", "UJESS"


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


def post(page: httpx.Client, what: str, body: dict[str, Any]) -> dict[str, Any]:
    response = page.post(f"/playground/{what}", json=body)
    answer: dict[str, Any] = response.json()
    return answer


def state(page: httpx.Client, user: str = DANA) -> dict[str, Any]:
    found: dict[str, Any] = page.get("/playground/state", params={"as": user}).json()
    return found


def eventually(check: Callable[[], Any], timeout: float = 15.0) -> Any:
    """The app answers Slack first and does its work after the ack (as in production), so
    what it posts appears shortly after the request returns."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError("the expected change never appeared in the playground state")
        time.sleep(0.1)


def items(playground: Playground) -> list[FeedbackItem]:
    assert playground.container is not None
    with playground.container.sessions() as session:
        return list(session.scalars(select(FeedbackItem)))


def test_feedback_command_opens_the_modal_and_submitting_it_stores_the_feedback(
    playground: Playground, page: httpx.Client
) -> None:
    assert post(page, "command", {"as": PRIYA, "channel": "CFEEDBACK", "text": "/feedback"}) == {
        "ok": True,
        "status": 200,
    }
    views = eventually(lambda: state(page, PRIYA)["views"])
    assert views[0]["callback_id"] == FeedbackIds.MODAL.value

    answer = post(
        page,
        "submit",
        {
            "as": PRIYA,
            "view_id": views[0]["id"],
            "values": feedback_form_values(
                text="Exports time out on big workspaces", on_behalf_of=PRIYA
            ),
        },
    )

    assert answer["ok"] is True
    assert [i.text for i in items(playground)] == ["Exports time out on big workspaces"]
    assert [i.submitted_by for i in items(playground)] == [PRIYA]
    assert state(page, PRIYA)["views"] == []
    confirmation = eventually(
        lambda: [m for m in state(page, PRIYA)["messages"]["CFEEDBACK"] if m["ephemeral"]]
    )
    assert all(not m["ephemeral"] for m in state(page, JESS)["messages"]["CFEEDBACK"])
    assert confirmation[0]["user"] == playground.state(PRIYA, None)["team"]["bot_user_id"]


def test_invalid_submission_keeps_the_modal_open_with_the_error_under_its_input(
    playground: Playground, page: httpx.Client
) -> None:
    post(page, "command", {"as": PRIYA, "channel": "CFEEDBACK", "text": "/feedback"})
    view = eventually(lambda: state(page, PRIYA)["views"])[0]

    answer = post(
        page,
        "submit",
        {"as": PRIYA, "view_id": view["id"], "values": feedback_form_values(text="   ")},
    )

    assert answer["ok"] is False
    assert list(answer["errors"]) == [FeedbackIds.TEXT_BLOCK.value]
    assert [v["id"] for v in state(page, PRIYA)["views"]] == [view["id"]]
    assert items(playground) == []


def test_account_type_ahead_returns_the_apps_options(page: httpx.Client) -> None:
    post(page, "command", {"as": PRIYA, "channel": "CFEEDBACK", "text": "/feedback"})
    view = eventually(lambda: state(page, PRIYA)["views"])[0]

    answer = post(
        page,
        "options",
        {
            "as": PRIYA,
            "view_id": view["id"],
            "action_id": FeedbackIds.ACCOUNT_SELECT.value,
            "block_id": FeedbackIds.ACCOUNT_BLOCK.value,
            "value": "Initech",
        },
    )

    assert answer["ok"] is True
    assert [o["text"]["text"] for o in answer["options"]] == ["+ New account: Initech"]


def test_capture_emoji_reaction_stores_the_message_as_feedback(
    playground: Playground, page: httpx.Client
) -> None:
    said = post(page, "message", {"as": JESS, "channel": "CGENERAL", "text": "We'd pay for SSO"})

    answer = post(
        page, "reaction", {"as": PRIYA, "channel": "CGENERAL", "ts": said["ts"], "name": "bulb"}
    )

    assert answer == {"ok": True, "sent": True, "status": 200}
    eventually(lambda: items(playground))
    assert [(i.text, i.submitted_by) for i in items(playground)] == [("We'd pay for SSO", PRIYA)]
    message = next(m for m in state(page)["messages"]["CGENERAL"] if m["ts"] == said["ts"])
    assert message["reactions"] == [{"name": "bulb", "users": [PRIYA]}]


def test_button_on_a_message_reaches_the_app_and_its_answer_lands_in_the_channel(
    playground: Playground, page: httpx.Client
) -> None:
    post(page, "command", {"as": DANA, "channel": "COPS", "text": "/ops help"})
    help_message = eventually(
        lambda: [m for m in state(page)["messages"]["COPS"] if m["ephemeral"]]
    )[0]
    assert "ops" in (help_message["text"] + str(help_message["blocks"])).lower()

    post(page, "command", {"as": PRIYA, "channel": "CFEEDBACK", "text": "/feedback Dark mode"})
    note = eventually(
        lambda: [
            m for m in state(page, PRIYA)["messages"]["CFEEDBACK"] if m["ephemeral"] and m["blocks"]
        ]
    )[0]
    button = next(
        (block["block_id"], element)
        for block in note["blocks"]
        for element in [*block.get("elements", []), block.get("accessory") or {}]
        if element.get("type") == "button"
    )

    answer = post(
        page,
        "action",
        {
            "as": PRIYA,
            "source": {"kind": "message", "channel": "CFEEDBACK", "ts": note["ts"]},
            "action": {
                "action_id": button[1]["action_id"],
                "block_id": button[0],
                "type": "button",
                "value": button[1].get("value", ""),
            },
        },
    )

    assert answer == {"ok": True, "status": 200}
    views = eventually(lambda: state(page, PRIYA)["views"])
    assert views[0]["callback_id"] == FeedbackIds.MODAL.value


def test_run_posts_the_feedback_digest_into_the_channel(
    playground: Playground, page: httpx.Client
) -> None:
    post(page, "command", {"as": PRIYA, "channel": "CFEEDBACK", "text": "/feedback Dark mode"})
    eventually(lambda: items(playground))

    answer = post(page, "run", {"ritual": "feedback-digest", "channels": ["CFEEDBACK"]})

    assert answer["ok"] is True
    assert answer["posts"] >= 1
    assert answer["delivered"] is True
    posted = [m for m in state(page, JESS)["messages"]["CFEEDBACK"] if m["bot"]]
    assert posted
    assert "Dark mode" in str([m["blocks"] for m in posted])


def test_clock_jump_fires_the_weekly_digest_once_per_week_passed(
    playground: Playground, page: httpx.Client
) -> None:
    assert playground.container is not None
    container = playground.container
    post(page, "command", {"as": PRIYA, "channel": "CFEEDBACK", "text": "/feedback Dark mode"})
    eventually(lambda: items(playground))
    container.schedules.save(
        team_id=TEAM_ID,
        ritual="feedback-digest",
        channel_ids=["CFEEDBACK"],
        rule=ScheduleRule.weekly("mon", "09:00"),
        time_zone="UTC",
        now=playground.clock(),
    )
    before = playground.clock()

    answer = post(page, "clock", {"advance_days": 14})

    assert len(answer["fired"]) == 2
    assert {f["ritual"] for f in answer["fired"]} == {"feedback-digest"}
    assert playground.clock() - before >= timedelta(days=14)
    periods = [f["period"] for f in answer["fired"]]
    assert len(set(periods)) == 2
    again = post(page, "clock", {"advance_hours": 1})
    assert again["fired"] == []
    rows = container.outbox.deliveries(team_id=TEAM_ID, period=periods[0])
    assert [r.state for r in rows]
    assert all(r.state == "sent" for r in rows)


def test_unknown_web_api_method_answers_unknown_method_and_shows_a_notice(
    playground: Playground, page: httpx.Client
) -> None:
    answer = page.post(
        "/api/admin.teams.settings.setName",
        headers={"Authorization": "Bearer xoxb-playground-local-token"},
        data={"name": "x"},
    ).json()

    assert answer == {"ok": False, "error": "unknown_method"}
    notices = state(page)["notices"]
    assert "admin.teams.settings.setName" in notices[-1]["text"]
    assert notices[-1]["raw"]["method"] == "admin.teams.settings.setName"


def test_state_answers_unchanged_when_nothing_happened(page: httpx.Client) -> None:
    version = state(page)["version"]

    again = page.get("/playground/state", params={"as": DANA, "since": version}).json()

    assert again == {"version": version, "unchanged": True}


def test_a_request_with_a_wrong_signature_is_refused_by_the_app(
    playground: Playground, page: httpx.Client
) -> None:
    signed = playground.signer.event({"type": "app_home_opened", "user": DANA, "tab": "home"})
    headers = {**signed.headers, "X-Slack-Signature": "v0=" + "0" * 64}

    response = page.post("/slack/events", content=signed.body, headers=headers)

    assert response.status_code == 401
