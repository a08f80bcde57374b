"""A local GitHub Issues endpoint, so triage's "bug" can be filed without leaving the machine.

The app's own GitHub tracker (bot/integrations/github.py) calls it like GitHub's REST API:
`POST {url}/repos/{owner}/{repo}/issues` with a bearer token, answered with the new issue's
`number` and `html_url`. It is used only when a workspace's triage tracker points at
`<playground>/github` (as /ops settings or the seed sets it); anything else sent here is a
notice, as GitHub's 404.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from bot.playground.workspace import Workspace


@dataclass(frozen=True)
class Issue:
    repo: str
    number: int
    title: str
    body: str
    labels: tuple[str, ...]
    url: str

    def as_json(self) -> dict[str, Any]:
        return {
            "key": f"{self.repo}#{self.number}",
            "repo": self.repo,
            "number": self.number,
            "title": self.title,
            "body": self.body,
            "labels": list(self.labels),
            "url": self.url,
        }


class LocalGitHub:
    def __init__(self, workspace: Workspace, *, base_url: str) -> None:
        self._ws = workspace
        self._base = base_url
        self._lock = threading.Lock()
        self.issues: list[Issue] = []

    def create_issue(
        self, *, repo: str, token: str, payload: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        """(HTTP status, body) as GitHub answers `POST /repos/{repo}/issues`."""
        if not token:
            return 401, {"message": "Requires authentication"}
        title = str(payload.get("title") or "").strip()
        if not title:
            return 422, {"message": "Validation Failed", "errors": [{"field": "title"}]}
        labels = tuple(str(label) for label in payload.get("labels") or [])
        with self._lock:
            number = 1 + sum(1 for issue in self.issues if issue.repo == repo)
            issue = Issue(
                repo=repo,
                number=number,
                title=title,
                body=str(payload.get("body") or ""),
                labels=labels,
                url=f"{self._base}playground/github/{repo}/issues/{number}",
            )
            self.issues.append(issue)
        self._ws.touch()
        return 201, {"number": issue.number, "html_url": issue.url, "title": issue.title}

    def find(self, repo: str, number: int) -> Issue | None:
        with self._lock:
            return next((i for i in self.issues if i.repo == repo and i.number == number), None)

    def listed(self) -> list[dict[str, Any]]:
        with self._lock:
            return [issue.as_json() for issue in self.issues]
