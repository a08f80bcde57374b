"""Workspace isolation at the edge: one bot token serves only its own workspace."""

from __future__ import annotations

from tests.support.driver import SlackDriver
from tests.support.fake_slack import FakeSlackApi
from tests.support.slack_requests import SlackRequests


def test_a_signed_request_from_another_workspace_is_refused_in_single_workspace_mode(
    slack: SlackDriver, slack_requests: SlackRequests, fake_slack: FakeSlackApi
) -> None:
    other = SlackRequests(
        slack_requests.secret,
        response_url=fake_slack.response_url(),
        team_id="TOTHER",
    )

    refused = slack.send(other.command("/feedback", "Acme wants SSO"))
    served = slack.command("/ops", "help")

    assert refused.status_code == 403
    assert served.status_code == 200
    assert fake_slack.calls_to("views.open") == []
