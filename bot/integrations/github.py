"""GitHub Issues: `POST /repos/{owner}/{repo}/issues` with a fine-grained token."""

from __future__ import annotations

import httpx

from bot.integrations.tracker_http import send
from bot.integrations.tracker_types import CreatedIssue, NewIssue, TrackerConfig, TrackerError

DEFAULT_URL = "https://api.github.com"


class GitHubIssues:
    def __init__(self, http: httpx.Client, config: TrackerConfig) -> None:
        self._http = http
        self._config = config

    def create_issue(self, issue: NewIssue) -> CreatedIssue:
        root = (self._config.base_url or DEFAULT_URL).rstrip("/")
        payload: dict[str, object] = {"title": issue.title, "body": issue.body}
        if issue.labels:
            payload["labels"] = list(issue.labels)
        request = self._http.build_request(
            "POST",
            f"{root}/repos/{self._config.project}/issues",
            json=payload,
            headers={
                "Authorization": f"Bearer {self._config.token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
            },
        )
        data = send(self._http, "GitHub", request)
        number, url = data.get("number"), data.get("html_url")
        if not isinstance(number, int) or not isinstance(url, str):
            raise TrackerError("GitHub answered without the new issue")
        return CreatedIssue(key=f"{self._config.project}#{number}", url=url)
