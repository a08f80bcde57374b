"""Every request is verified: signature, 5-minute window; bodies that are no payload are refused."""

from __future__ import annotations

import time

from tests.conftest import SIGNING_SECRET
from tests.support.driver import SlackDriver, body_json
from tests.support.fake_slack import FakeSlackApi
from tests.support.slack_requests import SignedRequest, SlackRequests, sign


def test_request_with_wrong_signature_is_refused_and_dispatches_nothing(
    slack: SlackDriver, slack_requests: SlackRequests, fake_slack: FakeSlackApi
) -> None:
    good = slack_requests.command("/ops", "help")
    forged = SignedRequest(good.body, {**good.headers, "X-Slack-Signature": "v0=" + "0" * 64})

    response = slack.send(forged)

    assert response.status_code == 401
    assert body_json(response)["error"] == "invalid or expired signature"
    assert "opsbot runs" not in response.get_data(as_text=True)


def test_request_without_signature_headers_is_refused(slack: SlackDriver) -> None:
    response = slack.http.post("/slack/events", data=b"command=%2Fops&text=help")

    assert response.status_code == 401


def test_request_signed_more_than_five_minutes_ago_is_refused(
    slack: SlackDriver, slack_requests: SlackRequests
) -> None:
    stale = slack_requests.command("/ops", "help", timestamp=int(time.time()) - 301)

    response = slack.send(stale)

    assert response.status_code == 401


def test_request_signed_with_another_secret_is_refused(slack: SlackDriver) -> None:
    other = SlackRequests("someone-elses-secret", response_url="http://127.0.0.1:9/")

    response = slack.send(other.command("/ops", "help"))

    assert response.status_code == 401


def test_validly_signed_body_that_is_no_slack_payload_gets_400(slack: SlackDriver) -> None:
    body = b'{"hello": "world"}'
    headers = {"Content-Type": "application/json", **sign(SIGNING_SECRET, body)}

    response = slack.send(SignedRequest(body, headers))

    assert response.status_code == 400
    assert "not a Slack payload" in body_json(response)["error"]


def test_validly_signed_broken_json_gets_400(slack: SlackDriver) -> None:
    body = b'{"type": "event_callback", '
    headers = {"Content-Type": "application/json", **sign(SIGNING_SECRET, body)}

    response = slack.send(SignedRequest(body, headers))

    assert response.status_code == 400


def test_unknown_path_gets_404_with_a_reason(slack: SlackDriver) -> None:
    response = slack.http.get("/nope")

    assert response.status_code == 404
    assert body_json(response)["error"]


def test_get_on_the_slack_endpoint_is_not_allowed(slack: SlackDriver) -> None:
    response = slack.http.get("/slack/events")

    assert response.status_code == 405


def test_url_verification_challenge_is_answered(slack: SlackDriver) -> None:
    body = b'{"type": "url_verification", "challenge": "c-123", "token": "t"}'
    headers = {"Content-Type": "application/json", **sign(SIGNING_SECRET, body)}

    response = slack.send(SignedRequest(body, headers))

    assert response.status_code == 200
    assert "c-123" in response.get_data(as_text=True)


def test_oversized_body_is_refused_before_anything_reads_it(slack: SlackDriver) -> None:
    response = slack.http.post("/slack/events", data=b"x" * (2 * 1024 * 1024 + 1))

    assert response.status_code == 413
    assert "too large" in body_json(response)["error"]
