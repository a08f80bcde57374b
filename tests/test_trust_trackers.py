"""A stored tracker token goes only where it should: vendor hosts over https (or hosts the
operator allows), never a private address, and never to a new place without being typed again."""

from __future__ import annotations

import pytest

from bot.integrations.tracker_policy import TrackerPolicy
from bot.integrations.tracker_types import TrackerConfig, TrackerError, TrackerKind
from bot.rituals.triage.ids import TriageIds
from bot.rituals.triage.setup import RETYPE_TOKEN
from bot.wiring import Container
from tests.support.driver import SlackDriver, body_json
from tests.support.fake_slack import TEAM_ID, FakeSlackApi
from tests.support.people import known_person
from tests.test_triage_settings import _form, _values


def _public(host: str) -> list[str]:
    return ["104.192.141.1"]


def _private(host: str) -> list[str]:
    return ["10.0.0.7"]


@pytest.mark.parametrize(
    ("kind", "url", "why"),
    [
        (TrackerKind.JIRA, "http://acme.atlassian.net", "https"),
        (TrackerKind.JIRA, "https://evil.example", "only sends tracker tokens"),
        (TrackerKind.GITHUB, "https://acme.atlassian.net", "only sends tracker tokens"),
        (TrackerKind.LINEAR, "https://127.0.0.1", "only sends tracker tokens"),
        (TrackerKind.JIRA, "https://", "https://"),
    ],
)
def test_a_token_is_refused_for_the_wrong_host_or_scheme(
    kind: TrackerKind, url: str, why: str
) -> None:
    problem = TrackerPolicy(resolver=_public).problem(kind, url)

    assert problem is not None
    assert why in problem


def test_vendor_hosts_and_operator_allowed_hosts_are_accepted() -> None:
    policy = TrackerPolicy.from_setting(["jira.acme.corp", "http://127.0.0.1"], resolver=_public)

    assert policy.problem(TrackerKind.JIRA, "https://acme.atlassian.net") is None
    assert policy.problem(TrackerKind.GITHUB, "") is None
    assert policy.problem(TrackerKind.LINEAR, "https://api.linear.app") is None
    assert policy.problem(TrackerKind.JIRA, "https://jira.acme.corp") is None
    assert policy.problem(TrackerKind.JIRA, "http://127.0.0.1:8080") is None
    assert policy.problem(TrackerKind.JIRA, "http://jira.acme.corp") is not None


def test_a_vendor_name_that_resolves_to_a_private_address_is_refused() -> None:
    problem = TrackerPolicy(resolver=_private).problem(
        TrackerKind.JIRA, "https://acme.atlassian.net"
    )

    assert problem is not None
    assert "private network" in problem


def test_a_stored_config_pointing_elsewhere_is_refused_before_any_request() -> None:
    config = TrackerConfig(
        kind=TrackerKind.JIRA, project="OPS", token="tok", base_url="http://10.0.0.7"
    )

    with pytest.raises(TrackerError, match="not allowed"):
        TrackerPolicy(resolver=_public).approved(config)


def test_changing_only_the_tracker_url_needs_the_token_typed_again(
    slack: SlackDriver, container: Container, fake_slack: FakeSlackApi
) -> None:
    known_person(container, fake_slack, "UADMIN", is_admin=True)
    first = slack.send(
        slack.requests.view_submission(
            TriageIds.SETTINGS_MODAL.value,
            _values(_form(tracker_url="http://127.0.0.1:9", tracker_token="tok-1")),
            user_id="UADMIN",
        )
    )
    assert first.status_code == 200

    moved = slack.send(
        slack.requests.view_submission(
            TriageIds.SETTINGS_MODAL.value,
            _values(_form(tracker_url="http://127.0.0.1:10", tracker_token="")),
            user_id="UADMIN",
        )
    )

    answer = body_json(moved)
    assert answer["errors"] == {TriageIds.TRACKER_TOKEN_BLOCK: RETYPE_TOKEN}
    stored = container.services.triage.settings(team_id=TEAM_ID).tracker
    assert stored is not None
    assert stored.base_url == "http://127.0.0.1:9"


def test_an_admin_cannot_point_the_tracker_at_a_host_that_is_not_allowed(
    slack: SlackDriver, container: Container, fake_slack: FakeSlackApi
) -> None:
    known_person(container, fake_slack, "UADMIN", is_admin=True)

    refused = slack.send(
        slack.requests.view_submission(
            TriageIds.SETTINGS_MODAL.value,
            _values(_form(tracker_url="http://intranet.acme.corp", tracker_token="tok-1")),
            user_id="UADMIN",
        )
    )

    assert TriageIds.TRACKER_URL_BLOCK in body_json(refused)["errors"]
    assert container.services.triage.settings(team_id=TEAM_ID).tracker is None
