"""The tracker vocabulary (pure: no HTTP): what a ritual's domain and builders may import."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol


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
