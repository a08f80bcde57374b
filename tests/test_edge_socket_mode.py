"""`opsbot socket` as a real process against a local Socket Mode stand-in: a command, an
interaction and an event each acknowledged over the WebSocket and handled."""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest

from bot.scheduling.ids import ScheduleIds
from tests.conftest import SIGNING_SECRET
from tests.support.fake_slack import FakeSlackApi
from tests.support.fake_socket_mode import FakeSocketMode
from tests.support.process import OpsbotProcess, clean_env
from tests.support.slack_requests import SignedRequest, SlackRequests
from tests.test_schedule_settings_slack import _values as schedule_values


@pytest.fixture
def socket_mode(fake_slack: FakeSlackApi) -> Iterator[FakeSocketMode]:
    server = FakeSocketMode().start()
    fake_slack.socket_mode_url = server.url
    yield server
    server.stop()


def _payload(request: SignedRequest) -> dict[str, Any]:
    """What Socket Mode carries: the same payload as the HTTP body, already parsed."""
    if request.body.startswith(b"{"):
        return dict(json.loads(request.body))
    fields = dict(parse_qsl(request.body.decode()))
    return dict(json.loads(fields["payload"])) if "payload" in fields else fields


def test_socket_mode_acks_and_handles_a_command_an_interaction_and_an_event(
    socket_mode: FakeSocketMode, fake_slack: FakeSlackApi, database_url: str, tmp_path: Path
) -> None:
    fake_slack.add_user("U1", name="Ada", is_admin=True)
    requests = SlackRequests(SIGNING_SECRET, response_url=fake_slack.response_url())
    bot = OpsbotProcess(
        ["socket"],
        env=clean_env(
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_BOT_TOKEN="xoxb-socket-test",
            SLACK_APP_TOKEN="xapp-1-socket-test",
            SLACK_API_URL=fake_slack.api_url,
            DATABASE_URL=database_url,
        ),
        cwd=tmp_path,
    )
    try:
        socket_mode.wait_connected()
        command = socket_mode.send("slash_commands", _payload(requests.command("/ops", "settings")))
        command_ack = socket_mode.wait_ack(command)
        opened = fake_slack.wait_for("views.open", timeout=10)[0]

        submission = requests.view_submission(
            ScheduleIds.MODAL.value, schedule_values(channels=["C1"], at="10:00")
        )
        interaction = socket_mode.send("interactive", _payload(submission))
        interaction_ack = socket_mode.wait_ack(interaction)
        saved_note = fake_slack.wait_for("chat.postMessage", timeout=10)[0]

        home = requests.event({"type": "app_home_opened", "user": "U1", "tab": "home"})
        event = socket_mode.send("events_api", _payload(home))
        socket_mode.wait_ack(event)
        published = fake_slack.wait_for("views.publish", timeout=10)[0]
    finally:
        bot.signal(signal.SIGTERM)
        code = bot.finish()

    assert command_ack == {}
    assert opened.params["view"]["callback_id"] == ScheduleIds.MODAL.value
    assert interaction_ack == {}
    assert (saved_note.channel, "every Monday at 10:00" in saved_note.params["text"]) == (
        "U1",
        True,
    )
    assert published.params["user_id"] == "U1"
    assert code == 0, bot.stderr
    assert "Traceback" not in bot.stderr
    assert fake_slack.calls_to("apps.connections.open")
