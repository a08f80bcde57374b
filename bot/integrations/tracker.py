"""Issue trackers (Jira Cloud, Linear, GitHub Issues) behind one Protocol.

Each client wraps an injected `httpx.Client` (built with explicit timeouts in bot/wiring.py),
returns a `CreatedIssue` and turns every failure into a `TrackerError` whose message can be shown
to the person who clicked: the tracker being down, refusing the credentials or the request.
"""

from __future__ import annotations

import httpx

from bot.integrations.github import GitHubIssues
from bot.integrations.jira import JiraCloud
from bot.integrations.linear import Linear
from bot.integrations.tracker_http import make_http_client, send
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


def make_tracker(config: TrackerConfig, http: httpx.Client) -> IssueTracker:
    if config.kind is TrackerKind.JIRA:
        return JiraCloud(http, config)
    if config.kind is TrackerKind.LINEAR:
        return Linear(http, config)
    return GitHubIssues(http, config)
