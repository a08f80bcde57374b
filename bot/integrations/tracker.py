"""Issue trackers (Jira Cloud, Linear, GitHub Issues) behind one Protocol.

Each client wraps an injected `httpx.Client` (built with explicit timeouts in bot/wiring.py),
returns a `CreatedIssue` and turns every failure into a `TrackerError` whose message can be shown
to the person who clicked: the tracker being down, refusing the credentials or the request.
"""

from __future__ import annotations

from typing import Any

import httpx

from bot.integrations.tracker_types import (
    CreatedIssue,
    IssueTracker,
    NewIssue,
    TrackerAuthError,
    TrackerConfig,
    TrackerError,
    TrackerKind,
    TrackerUnavailable,
)

__all__ = [
    "CreatedIssue",
    "IssueTracker",
    "NewIssue",
    "TrackerAuthError",
    "TrackerConfig",
    "TrackerError",
    "TrackerKind",
    "TrackerUnavailable",
    "make_http_client",
    "make_tracker",
    "send",
]


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
