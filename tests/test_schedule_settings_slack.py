"""`/ops settings` and `/ops run` through the real Bolt app: modal, inline errors, run now."""

from __future__ import annotations

import json
import time
from collections import Counter
from typing import Any

from bot.scheduling.ids import ScheduleIds as Ids
from bot.wiring import Container
from tests.support.clock import FakeClock
from tests.support.driver import SlackDriver, body_json
from tests.support.fake_slack import TEAM_ID, FakeSlackApi
from tests.support.people import known_person
from tests.support.rituals import echo_of
from tests.support.slack_requests import SlackRequests
from tests.support.waiting import eventually


def _values(
    *,
    channels: list[str],
    cron: str = "",
    time_zone: str = "",
    weekday: str = "mon",
    at: str = "09:00",
) -> dict[str, dict[str, Any]]:
    return {
        Ids.RITUAL.value: {
            Ids.RITUAL.value: {
                "type": "static_select",
                "selected_option": {"value": "feedback-digest"},
            }
        },
        Ids.CHANNELS.value: {
            Ids.CHANNELS.value: {
                "type": "multi_conversations_select",
                "selected_conversations": channels,
            }
        },
        Ids.WEEKDAY.value: {
            Ids.WEEKDAY.value: {"type": "static_select", "selected_option": {"value": weekday}}
        },
        Ids.TIME.value: {Ids.TIME.value: {"type": "timepicker", "selected_time": at}},
        Ids.CRON.value: {Ids.CRON.value: {"type": "plain_text_input", "value": cron or None}},
        Ids.DAY_OF_MONTH.value: {
            Ids.DAY_OF_MONTH.value: {"type": "plain_text_input", "value": None}
        },
        Ids.TIME_ZONE.value: {
            Ids.TIME_ZONE.value: {"type": "plain_text_input", "value": time_zone or None}
        },
        Ids.PAUSED.value: {Ids.PAUSED.value: {"type": "checkboxes", "selected_options": []}},
    }


def _admin(fake_slack: FakeSlackApi) -> None:
    fake_slack.add_user("U1", name="Ada", is_admin=True)


def test_ops_settings_opens_the_schedule_modal_for_an_admin(
    slack: SlackDriver, fake_slack: FakeSlackApi
) -> None:
    _admin(fake_slack)

    response = slack.command("/ops", "settings")

    assert response.status_code == 200
    opened = fake_slack.wait_for("views.open")[0]
    assert opened.params["view"]["callback_id"] == Ids.MODAL.value
    block_ids = {block.get("block_id") for block in opened.params["view"]["blocks"]}
    assert {Ids.CHANNELS.value, Ids.CRON.value, Ids.TIME_ZONE.value} <= block_ids


def test_ops_settings_is_refused_to_someone_who_is_not_an_admin(
    slack: SlackDriver, fake_slack: FakeSlackApi
) -> None:
    fake_slack.add_user("U1", name="Bob", is_admin=False)

    slack.command("/ops", "settings")

    told = fake_slack.wait_for("chat.postEphemeral")[0]
    assert (told.params["user"], told.channel) == ("U1", "C1")
    assert "Only workspace admins" in told.params["text"]
    assert fake_slack.calls_to("views.open") == []


def test_an_invalid_cron_gets_an_inline_error_and_nothing_is_saved(
    slack: SlackDriver,
    slack_requests: SlackRequests,
    fake_slack: FakeSlackApi,
    container: Container,
) -> None:
    _admin(fake_slack)
    request = slack_requests.view_submission(
        Ids.MODAL.value, _values(channels=["C1"], cron="0 25 * * 1")
    )

    answer = body_json(slack.send(request))

    assert answer["response_action"] == "errors"
    assert "not a cron expression" in answer["errors"][Ids.CRON.value]
    assert container.schedules.list_schedules(team_id=TEAM_ID) == []


def test_an_unknown_time_zone_gets_an_inline_error_and_nothing_is_saved(
    slack: SlackDriver,
    slack_requests: SlackRequests,
    fake_slack: FakeSlackApi,
    container: Container,
) -> None:
    _admin(fake_slack)
    request = slack_requests.view_submission(
        Ids.MODAL.value, _values(channels=["C1"], time_zone="Europe/Atlantis")
    )

    answer = body_json(slack.send(request))

    assert answer["response_action"] == "errors"
    assert "IANA time zone" in answer["errors"][Ids.TIME_ZONE.value]
    assert container.schedules.list_schedules(team_id=TEAM_ID) == []


def test_a_channel_the_bot_is_not_in_is_reported_privately_after_the_ack_and_nothing_is_saved(
    slack: SlackDriver,
    slack_requests: SlackRequests,
    fake_slack: FakeSlackApi,
    container: Container,
) -> None:
    known_person(container, fake_slack, "U1", is_admin=True)
    fake_slack.add_channel("CNOTIN", is_member=False)
    request = slack_requests.view_submission(Ids.MODAL.value, _values(channels=["C1", "CNOTIN"]))

    response = slack.send(request)

    assert (response.status_code, response.get_data()) == (200, b"")
    note = fake_slack.wait_for("chat.postMessage")[0]
    assert note.channel == "U1"
    assert "not saved" in note.params["text"]
    assert "<#CNOTIN>" in note.params["text"]
    assert "invite me" in note.params["text"]
    assert container.schedules.list_schedules(team_id=TEAM_ID) == []


def test_a_valid_schedule_is_saved_in_its_time_zone_and_confirmed_privately(
    slack: SlackDriver,
    slack_requests: SlackRequests,
    fake_slack: FakeSlackApi,
    container: Container,
) -> None:
    known_person(container, fake_slack, "U1", is_admin=True)
    request = slack_requests.view_submission(
        Ids.MODAL.value,
        _values(channels=["C1", "C2"], weekday="thu", at="16:30", time_zone="Asia/Kolkata"),
    )

    response = slack.send(request)

    assert response.status_code == 200
    assert response.get_data() == b""
    note = fake_slack.wait_for("chat.postMessage")[0]
    assert note.channel == "U1"
    assert "Asia/Kolkata" in note.params["text"]
    (saved,) = container.schedules.list_schedules(team_id=TEAM_ID)
    assert (saved.ritual, saved.channel_ids, saved.time_zone) == (
        "feedback-digest",
        ["C1", "C2"],
        "Asia/Kolkata",
    )
    assert saved.rule.describe() == "every Thursday at 16:30"


def test_a_schedule_from_someone_never_seen_is_refused_until_slack_confirms_them(
    slack: SlackDriver,
    slack_requests: SlackRequests,
    fake_slack: FakeSlackApi,
    container: Container,
) -> None:
    _admin(fake_slack)
    request = slack_requests.view_submission(Ids.MODAL.value, _values(channels=["C1"]))

    first = body_json(slack.send(request))
    fake_slack.wait_for("users.info")
    eventually(lambda: container.services.workspaces.is_admin(team_id=TEAM_ID, user_id="U1"), bool)
    slack.send(request)

    assert "try again in a few seconds" in json.dumps(first)
    fake_slack.wait_for("chat.postMessage")
    assert len(container.schedules.list_schedules(team_id=TEAM_ID)) == 1


def test_the_channel_check_waits_for_nobody_when_slack_is_slow(
    slack: SlackDriver,
    slack_requests: SlackRequests,
    fake_slack: FakeSlackApi,
    container: Container,
) -> None:
    known_person(container, fake_slack, "U1", is_admin=True)
    fake_slack.stall("conversations.info", 2.0)
    request = slack_requests.view_submission(Ids.MODAL.value, _values(channels=["C1"]))

    started = time.monotonic()
    response = slack.send(request)
    answered_after = time.monotonic() - started

    assert response.status_code == 200
    assert answered_after < 1.0
    fake_slack.wait_for("chat.postMessage", timeout=10)
    assert len(container.schedules.list_schedules(team_id=TEAM_ID)) == 1


def test_ops_run_posts_a_ritual_now_under_its_own_period(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container, clock: FakeClock
) -> None:
    _admin(fake_slack)
    echo_of(container)
    container.dispatcher.run_ritual(
        team_id=TEAM_ID, ritual="echo-digest", period="2026-W47", channel_ids=[], now=clock()
    )

    slack.command("/ops", "run echo-digest <#C7|product> <#C8|sales>")

    answer = fake_slack.wait_for_response()[0][1]
    assert "running now" in answer["text"]
    assert container.sender.drain(timeout=10)
    assert Counter(c.channel for c in fake_slack.calls_to("chat.postMessage")) == {"C7": 1, "C8": 1}
    periods = {row.period for row in container.outbox.deliveries(team_id=TEAM_ID)}
    assert periods == {"now-20261116T090000"}


def test_ops_run_of_a_ritual_that_is_not_available_says_so(
    slack: SlackDriver, fake_slack: FakeSlackApi
) -> None:
    _admin(fake_slack)

    slack.command("/ops", "run no-such-ritual")

    told = fake_slack.wait_for("chat.postEphemeral")[0]
    assert "`no-such-ritual`" in told.params["text"]
