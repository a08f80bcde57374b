"""Issue trackers (Jira Cloud, Linear, GitHub Issues) behind one Protocol.

Each client wraps an injected `httpx.Client` (built with explicit timeouts in bot/wiring.py),
returns a `CreatedIssue` and turns every failure into a `TrackerError` whose message can be shown
to the person who clicked: the tracker being down, refusing the credentials or the request.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

import httpx


class TrackerKind(StrEnum):
    JIRA = "jira"
    LINEAR = "linear"
    GITHUB = "github"


@dataclass(frozen=True)
class NewIssue:
    title: str
    body: str
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class CreatedIssue:
    key: str  # "OPS-12", "ENG-7", "acme/app#42"
    url: str


class TrackerError(Exception):
    """The issue was not created; `str(error)` says why in words a PM understands."""


class TrackerUnavailable(TrackerError):
    pass


class TrackerAuthError(TrackerError):
    pass


class IssueTracker(Protocol):
    def create_issue(self, issue: NewIssue) -> CreatedIssue: ...


@dataclass(frozen=True)
class TrackerConfig:
    """A workspace's tracker, stored in its `triage` setting.

    `project` is the Jira project key, the Linear team id, or `owner/repo` on GitHub.
    `base_url` is the Jira site (https://acme.atlassian.net), or the API root for Linear and
    GitHub (defaults to the public ones). `user` is the Jira account email (basic auth).
    """

    kind: TrackerKind
    project: str
    token: str
    base_url: str = ""
    user: str = ""

    @classmethod
    def from_setting(cls, value: dict[str, Any]) -> TrackerConfig:
        return cls(
            kind=TrackerKind(value["kind"]),
            project=str(value["project"]),
            token=str(value["token"]),
            base_url=str(value.get("base_url") or ""),
            user=str(value.get("user") or ""),
        )

    def __repr__(self) -> str:  # never show the token in logs or tracebacks
        return f"TrackerConfig(kind={self.kind!s}, project={self.project!r}, token='***')"


def send(http: httpx.Client, name: str, request: httpx.Request) -> dict[str, Any]:
    """Sends one request and classifies the failure modes every tracker shares."""
    try:
        response = http.send(request)
    except httpx.TimeoutException as error:
        raise TrackerUnavailable(f"{name} did not answer in time; try again later") from error
    except httpx.TransportError as error:
        raise TrackerUnavailable(f"{name} could not be reached; try again later") from error
    if response.status_code in {401, 403}:
        raise TrackerAuthError(
            f"{name} refused opsbot's credentials (HTTP {response.status_code}); "
            "ask an admin to update the tracker token"
        )
    if response.status_code == 429 or response.status_code >= 500:
        raise TrackerUnavailable(
            f"{name} is unavailable (HTTP {response.status_code}); try again later"
        )
    if response.status_code >= 400:
        raise TrackerError(
            f"{name} rejected the new issue (HTTP {response.status_code}); "
            "check the tracker project in the triage settings"
        )
    try:
        data = response.json()
    except ValueError as error:
        raise TrackerError(f"{name} answered with something that is not JSON") from error
    if not isinstance(data, dict):
        raise TrackerError(f"{name} answered with an unexpected body")
    return data


def make_tracker(config: TrackerConfig, http: httpx.Client) -> IssueTracker:
    from bot.integrations.github import GitHubIssues
    from bot.integrations.jira import JiraCloud
    from bot.integrations.linear import Linear

    if config.kind is TrackerKind.JIRA:
        return JiraCloud(http, config)
    if config.kind is TrackerKind.LINEAR:
        return Linear(http, config)
    return GitHubIssues(http, config)


def make_http_client() -> httpx.Client:
    """The one httpx client for trackers: explicit timeouts, no redirects to surprise hosts."""
    return httpx.Client(
        timeout=httpx.Timeout(10.0, connect=3.0),
        follow_redirects=False,
        headers={"User-Agent": "opsbot"},
    )
