"""`/triage settings` (admins): channel, SLA, tracker and the webhook secret, through Bolt; and
where `/triage now` posts."""

from __future__ import annotations

import json
import time
from typing import Any

from bot.outbox.sender import OutboxSender
from bot.rituals.triage.domain import SettingsForm, validate_settings
from bot.rituals.triage.ids import TriageIds
from bot.rituals.triage.webhook import signed_headers
from bot.scheduling.registry import after_delivery_hook
from bot.wiring import Container
from tests.support.clock import FakeClock
from tests.support.driver import SlackDriver, body_json
from tests.support.fake_slack import TEAM_ID, FakeSlackApi
from tests.support.people import known_person, reviewer


def _form(**changes: Any) -> SettingsForm:
    values: dict[str, Any] = {
        "channel_id": "CTRIAGE",
        "sla_days": "5",
        "tracker_kind": "jira",
        "tracker_project": "OPS",
        "tracker_url": "https://acme.atlassian.net",
        "tracker_user": "bot@acme.example",
        "tracker_token": "jira-token",
        "new_webhook_secret": True,
        **changes,
    }
    return SettingsForm(**values)


def _values(form: SettingsForm) -> dict[str, dict[str, Any]]:
    def text(value: str) -> dict[str, Any]:
        return {"type": "plain_text_input", "value": value or None}

    return {
        TriageIds.CHANNEL_BLOCK: {
            TriageIds.CHANNEL_INPUT: {
                "type": "conversations_select",
                "selected_conversation": form.channel_id,
            }
        },
        TriageIds.SLA_BLOCK: {TriageIds.SLA_INPUT: text(form.sla_days)},
        TriageIds.TRACKER_KIND_BLOCK: {
            TriageIds.TRACKER_KIND_INPUT: {
                "type": "static_select",
                "selected_option": {"value": form.tracker_kind or "none"},
            }
        },
        TriageIds.TRACKER_PROJECT_BLOCK: {
            TriageIds.TRACKER_PROJECT_INPUT: text(form.tracker_project)
        },
        TriageIds.TRACKER_URL_BLOCK: {TriageIds.TRACKER_URL_INPUT: text(form.tracker_url)},
        TriageIds.TRACKER_USER_BLOCK: {TriageIds.TRACKER_USER_INPUT: text(form.tracker_user)},
        TriageIds.TRACKER_TOKEN_BLOCK: {TriageIds.TRACKER_TOKEN_INPUT: text(form.tracker_token)},
        TriageIds.WEBHOOK_BLOCK: {
            TriageIds.WEBHOOK_INPUT: {
                "type": "checkboxes",
                "selected_options": [{"value": "new"}] if form.new_webhook_secret else [],
            }
        },
    }


def test_settings_validation_names_each_bad_field() -> None:
    errors = validate_settings(
        _form(sla_days="0", tracker_project="", tracker_url="", tracker_user="nobody"),
        has_token=False,
    )

    assert set(errors) == {"sla_days", "tracker_project", "tracker_url", "tracker_user"}
    assert validate_settings(_form(tracker_kind="github", tracker_project="acme"), has_token=True)
    assert validate_settings(_form(tracker_token=""), has_token=True) == {}
    assert validate_settings(_form(tracker_token=""), has_token=False) == {
        "tracker_token": "Paste an API token for the tracker."
    }
    assert validate_settings(_form(tracker_kind=None, tracker_project=""), has_token=False) == {}


def test_only_admins_open_the_triage_settings(slack: SlackDriver, fake_slack: FakeSlackApi) -> None:
    fake_slack.add_user("UPLAIN")

    slack.command("/triage", "settings", user_id="UPLAIN")

    told = fake_slack.wait_for("chat.postEphemeral")[0].params
    assert "Only workspace admins can change triage settings" in told["text"]
    assert fake_slack.calls_to("views.open") == []


def test_an_admin_saves_settings_and_gets_the_webhook_secret_once(
    slack: SlackDriver, container: Container, fake_slack: FakeSlackApi
) -> None:
    fake_slack.add_user("UADMIN", is_admin=True)
    slack.command("/triage", "settings", user_id="UADMIN")
    view = fake_slack.wait_for("views.open")[0].params["view"]
    assert view["callback_id"] == TriageIds.SETTINGS_MODAL

    response = slack.send(
        slack.requests.view_submission(
            TriageIds.SETTINGS_MODAL.value, _values(_form()), user_id="UADMIN"
        )
    )

    assert response.status_code == 200
    dm = fake_slack.wait_for("chat.postMessage")[0].params
    assert dm["channel"] == "UADMIN"
    assert f"/hooks/tickets?team={TEAM_ID}" in dm["text"]
    stored = container.services.triage.settings(team_id=TEAM_ID)
    assert stored.webhook_secret is not None
    assert stored.webhook_secret in dm["text"]
    assert (stored.channel_id, stored.sla_days, stored.tracker and stored.tracker.token) == (
        "CTRIAGE",
        5,
        "jira-token",
    )
    body = json.dumps({"helpdesk": "freshdesk", "id": "1", "title": "Signed"}).encode()
    hook = slack.http.post(
        f"/hooks/tickets?team={TEAM_ID}",
        data=body,
        headers=signed_headers(stored.webhook_secret, body, int(container.clock().timestamp())),
    )
    assert hook.status_code == 201


def test_saving_again_with_an_empty_token_keeps_the_token_and_the_secret(
    slack: SlackDriver, container: Container, fake_slack: FakeSlackApi
) -> None:
    known_person(container, fake_slack, "UADMIN", is_admin=True)
    for form in (_form(), _form(tracker_token="", new_webhook_secret=False, sla_days="9")):
        slack.send(
            slack.requests.view_submission(
                TriageIds.SETTINGS_MODAL.value, _values(form), user_id="UADMIN"
            )
        )
    dms = fake_slack.wait_for("chat.postMessage", 2)

    stored = container.services.triage.settings(team_id=TEAM_ID)
    assert stored.tracker is not None
    assert (stored.tracker.token, stored.sla_days) == ("jira-token", 9)
    assert stored.webhook_secret is not None
    assert stored.webhook_secret in dms[0].params["text"]
    assert stored.webhook_secret not in dms[1].params["text"]


def test_bad_settings_are_refused_inline_and_nothing_is_saved(
    slack: SlackDriver, container: Container, fake_slack: FakeSlackApi
) -> None:
    known_person(container, fake_slack, "UADMIN", is_admin=True)

    response = slack.send(
        slack.requests.view_submission(
            TriageIds.SETTINGS_MODAL.value,
            _values(
                _form(sla_days="soon", tracker_kind="github", tracker_project="app", tracker_url="")
            ),
            user_id="UADMIN",
        )
    )

    answer = body_json(response)
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {TriageIds.SLA_BLOCK, TriageIds.TRACKER_PROJECT_BLOCK}
    assert container.services.triage.settings(team_id=TEAM_ID).tracker is None


def test_slash_triage_with_text_prefills_the_title(
    slack: SlackDriver, fake_slack: FakeSlackApi
) -> None:
    slack.command("/triage", "Export times out for Acme")

    view = fake_slack.wait_for("views.open")[0].params["view"]
    title = next(b for b in view["blocks"] if b["block_id"] == TriageIds.TITLE_BLOCK)
    assert title["element"]["initial_value"] == "Export times out for Acme"


def test_triage_now_without_a_triage_channel_posts_where_it_was_typed(
    slack: SlackDriver, container: Container, clock: FakeClock, fake_slack: FakeSlackApi
) -> None:
    reviewer(container, "U1")
    container.services.triage.configure(
        team_id=TEAM_ID, changes={"webhook_secret": "s"}, user_id="UADMIN", now=clock()
    )
    body = json.dumps({"helpdesk": "zendesk", "id": "1", "title": "Open one"}).encode()
    slack.http.post(
        f"/hooks/tickets?team={TEAM_ID}",
        data=body,
        headers=signed_headers("s", body, int(clock().timestamp())),
    )

    slack.command("/triage", "now", channel_id="CHERE")
    sender = OutboxSender(
        sessions=container.sessions,
        client=container.client,
        metrics=container.metrics,
        clock=clock,
        on_delivered=after_delivery_hook(container.registry, clock),
        interval=0.01,
    )
    posts = _eventually_posted(sender, fake_slack, count=2)

    assert {call.channel for call in posts} == {"CHERE"}


def _eventually_posted(sender: OutboxSender, fake_slack: FakeSlackApi, count: int) -> list[Any]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        assert sender.drain(timeout=10)
        posts = fake_slack.calls_to("chat.postMessage")
        if len(posts) >= count:
            return posts
        time.sleep(0.05)
    raise AssertionError("the thread was not posted")


def test_close_after_hours_must_be_a_whole_number_in_range_or_empty() -> None:
    assert "close_after_hours" not in validate_settings(_form(close_after_hours=""), has_token=True)
    assert "close_after_hours" not in validate_settings(
        _form(close_after_hours="48"), has_token=True
    )
    for bad in ("0", "-3", "two", "9999"):
        errors = validate_settings(_form(close_after_hours=bad), has_token=True)
        assert "whole number of hours" in errors["close_after_hours"]


def test_admins_set_when_sessions_close_by_themselves_and_bad_values_are_refused_inline(
    slack: SlackDriver, container: Container, fake_slack: FakeSlackApi
) -> None:
    known_person(container, fake_slack, "UADMIN", is_admin=True)
    good = _values(_form(tracker_kind=None, new_webhook_secret=False))
    good[TriageIds.CLOSE_AFTER_BLOCK] = {
        TriageIds.CLOSE_AFTER_INPUT: {"type": "plain_text_input", "value": "36"}
    }
    bad = {
        **good,
        TriageIds.CLOSE_AFTER_BLOCK: {
            TriageIds.CLOSE_AFTER_INPUT: {"type": "plain_text_input", "value": "soon"}
        },
    }

    refused = slack.send(
        slack.requests.view_submission(TriageIds.SETTINGS_MODAL.value, bad, user_id="UADMIN")
    )
    refused_value = container.services.triage.settings(team_id=TEAM_ID).close_after_hours
    saved = slack.send(
        slack.requests.view_submission(TriageIds.SETTINGS_MODAL.value, good, user_id="UADMIN")
    )

    assert body_json(refused)["response_action"] == "errors"
    assert "whole number of hours" in body_json(refused)["errors"][TriageIds.CLOSE_AFTER_BLOCK]
    assert refused_value is None
    assert saved.status_code == 200
    assert container.services.triage.settings(team_id=TEAM_ID).close_after_hours == 36
