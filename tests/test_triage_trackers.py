"""Tracker clients against a local stand-in over real HTTP: issues created, failures classified."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from bot.integrations.tracker import (
    NewIssue,
    TrackerAuthError,
    TrackerConfig,
    TrackerKind,
    TrackerUnavailable,
    make_tracker,
)
from tests.support.fake_tracker import JIRA_USER, TOKEN, FakeTracker

ISSUE = NewIssue(title="Export times out", body="Steps:\nexport 50k rows", labels=("support",))


@pytest.fixture
def tracker() -> Iterator[FakeTracker]:
    fake = FakeTracker().start()
    yield fake
    fake.stop()


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    client = httpx.Client(timeout=httpx.Timeout(0.5, connect=0.5))
    yield client
    client.close()


def _config(kind: TrackerKind, tracker: FakeTracker, token: str = TOKEN) -> TrackerConfig:
    project = {
        TrackerKind.JIRA: "OPS",
        TrackerKind.LINEAR: "team-1",
        TrackerKind.GITHUB: "acme/app",
    }
    return TrackerConfig(
        kind=kind, project=project[kind], token=token, base_url=tracker.base_url, user=JIRA_USER
    )


def test_jira_creates_a_bug_in_the_project_and_links_to_it(
    tracker: FakeTracker, http: httpx.Client
) -> None:
    created = make_tracker(_config(TrackerKind.JIRA, tracker), http).create_issue(ISSUE)

    assert created.key == "OPS-1"
    assert created.url == f"{tracker.base_url}/browse/OPS-1"
    fields = tracker.created[0].body["fields"]
    assert (fields["summary"], fields["issuetype"], fields["labels"]) == (
        "Export times out",
        {"name": "Bug"},
        ["support"],
    )
    assert fields["description"]["content"][1]["content"][0]["text"] == "export 50k rows"


def test_linear_creates_an_issue_in_the_team(tracker: FakeTracker, http: httpx.Client) -> None:
    created = make_tracker(_config(TrackerKind.LINEAR, tracker), http).create_issue(ISSUE)

    assert (created.key, created.url) == ("ENG-1", "https://linear.app/acme/issue/ENG-1")
    assert tracker.created[0].body["variables"]["input"]["teamId"] == "team-1"


def test_github_creates_an_issue_in_the_repository(
    tracker: FakeTracker, http: httpx.Client
) -> None:
    created = make_tracker(_config(TrackerKind.GITHUB, tracker), http).create_issue(ISSUE)

    assert (created.key, created.url) == ("acme/app#1", "https://github.com/acme/app/issues/1")
    assert tracker.created[0].path == "/repos/acme/app/issues"


@pytest.mark.parametrize("kind", list(TrackerKind))
def test_refused_credentials_are_an_auth_error(
    kind: TrackerKind, tracker: FakeTracker, http: httpx.Client
) -> None:
    client = make_tracker(_config(kind, tracker, token="wrong"), http)

    with pytest.raises(TrackerAuthError, match="refused opsbot's credentials"):
        client.create_issue(ISSUE)
    assert tracker.created == []


@pytest.mark.parametrize("kind", list(TrackerKind))
def test_a_tracker_that_is_down_is_unavailable(
    kind: TrackerKind, tracker: FakeTracker, http: httpx.Client
) -> None:
    tracker.go_down()

    with pytest.raises(TrackerUnavailable, match="HTTP 503"):
        make_tracker(_config(kind, tracker), http).create_issue(ISSUE)


def test_a_tracker_that_stalls_times_out(tracker: FakeTracker, http: httpx.Client) -> None:
    tracker.stall(1.0)

    with pytest.raises(TrackerUnavailable, match="did not answer in time"):
        make_tracker(_config(TrackerKind.GITHUB, tracker), http).create_issue(ISSUE)


def test_an_unreachable_tracker_is_unavailable(http: httpx.Client) -> None:
    config = TrackerConfig(
        kind=TrackerKind.GITHUB, project="a/b", token=TOKEN, base_url="http://127.0.0.1:9"
    )

    with pytest.raises(TrackerUnavailable, match="could not be reached"):
        make_tracker(config, http).create_issue(ISSUE)


def test_the_token_never_shows_in_the_config_repr(tracker: FakeTracker) -> None:
    assert TOKEN not in repr(_config(TrackerKind.JIRA, tracker))
