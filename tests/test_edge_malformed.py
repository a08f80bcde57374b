"""Every malformed request is a 4xx with one WARNING line: no 500, no traceback in the log."""

from __future__ import annotations

import json
import logging
import time
from urllib.parse import urlencode

import pytest

from tests.conftest import SIGNING_SECRET
from tests.support.driver import SlackDriver
from tests.support.slack_requests import sign


def _form(payload: object) -> bytes:
    return urlencode({"payload": json.dumps(payload)}).encode()


def _raw_form(payload: str) -> bytes:
    return urlencode({"payload": payload}).encode()


SIGNED = {
    "not UTF-8, signed": b"\xff\xfe\xfa",
    "a JSON list": b"[1, 2]",
    "a JSON string": b'"hello"',
    "broken JSON": b"{not json",
    "payload=null": _raw_form("null"),
    "payload is a list": _raw_form("[1]"),
    "payload is broken JSON": _raw_form("{junk"),
    "payload is a string": _raw_form('"x"'),
    "block_actions without a user": _form({"type": "block_actions", "team": {"id": "T0001"}}),
    "view_submission without a view": _form(
        {"type": "view_submission", "team": {"id": "T0001"}, "user": {"id": "U1"}}
    ),
    "view_submission whose view is a list": _form(
        {"type": "view_submission", "team": {"id": "T0001"}, "user": {"id": "U1"}, "view": [1]}
    ),
    "team given as a string": _form(
        {"type": "block_actions", "team": "T1", "user": {"id": "U1"}, "actions": []}
    ),
    "an event that is a list": json.dumps(
        {"type": "event_callback", "team_id": "T0001", "event_id": "Ev1", "event": [1]}
    ).encode(),
    "an event_callback without an event": json.dumps(
        {"type": "event_callback", "team_id": "T0001", "event_id": "Ev2"}
    ).encode(),
    "a team_id that is a list": json.dumps(
        {
            "type": "event_callback",
            "team_id": ["T"],
            "event_id": "Ev3",
            "event": {"type": "app_home_opened", "user": "U1"},
        }
    ).encode(),
    "a command without a user": urlencode({"command": "/ops", "team_id": "T0001"}).encode(),
    "url_verification without a challenge": json.dumps({"type": "url_verification"}).encode(),
    "an empty body": b"",
    "form garbage": b"%%%&&&==",
}


@pytest.mark.parametrize("name", sorted(SIGNED))
def test_a_signed_malformed_body_is_a_400_with_one_warning_and_no_traceback(
    name: str, slack: SlackDriver, caplog: pytest.LogCaptureFixture
) -> None:
    body = SIGNED[name]
    kind = "application/json" if body[:1] in (b"[", b"{", b'"') else "x-www-form-urlencoded"
    headers = {**sign(SIGNING_SECRET, body), "Content-Type": kind}

    with caplog.at_level(logging.INFO):
        response = slack.http.post("/slack/events", data=body, headers=headers)

    assert response.status_code == 400
    assert "not a Slack payload" in response.get_json()["error"]
    assert [r.levelname for r in caplog.records if r.levelno >= logging.WARNING] == ["WARNING"]
    assert [r for r in caplog.records if r.exc_info] == []


def test_a_non_utf8_body_with_a_junk_signature_is_a_4xx_without_a_traceback(
    slack: SlackDriver, caplog: pytest.LogCaptureFixture
) -> None:
    headers = {
        "X-Slack-Request-Timestamp": str(int(time.time())),
        "X-Slack-Signature": "v0=" + "ab" * 32,
        "Content-Type": "application/x-www-form-urlencoded",
    }

    response = slack.http.post("/slack/events", data=b"\xff\xfe\x00\xc3(", headers=headers)

    assert 400 <= response.status_code < 500
    assert [r.levelname for r in caplog.records if r.levelno >= logging.WARNING] == ["WARNING"]
    assert [r for r in caplog.records if r.exc_info] == []
