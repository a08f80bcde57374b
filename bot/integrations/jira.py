"""Jira Cloud: REST API v3 `POST /rest/api/3/issue`, basic auth with email and API token."""

from __future__ import annotations

import base64
from typing import Any

import httpx

from bot.integrations.tracker_http import send
from bot.integrations.tracker_types import CreatedIssue, NewIssue, TrackerConfig, TrackerError


class JiraCloud:
    def __init__(self, http: httpx.Client, config: TrackerConfig) -> None:
        self._http = http
        self._config = config

    def create_issue(self, issue: NewIssue) -> CreatedIssue:
        site = self._config.base_url.rstrip("/")
        fields: dict[str, Any] = {
            "project": {"key": self._config.project},
            "summary": issue.title,
            "issuetype": {"name": "Bug"},
            "description": _document(issue.body),
        }
        if issue.labels:
            fields["labels"] = list(issue.labels)
        request = self._http.build_request(
            "POST",
            f"{site}/rest/api/3/issue",
            json={"fields": fields},
            headers={"Accept": "application/json", "Authorization": self._basic_auth()},
        )
        data = send(self._http, "Jira", request)
        key = data.get("key")
        if not isinstance(key, str):
            raise TrackerError("Jira answered without an issue key")
        return CreatedIssue(key=key, url=f"{site}/browse/{key}")

    def _basic_auth(self) -> str:
        pair = f"{self._config.user}:{self._config.token}".encode()
        return "Basic " + base64.b64encode(pair).decode("ascii")


def _document(text: str) -> dict[str, Any]:
    """Jira v3 wants Atlassian Document Format: one paragraph per line."""
    paragraphs = [
        {"type": "paragraph", "content": [{"type": "text", "text": line}]}
        for line in text.splitlines()
        if line.strip()
    ]
    return {"type": "doc", "version": 1, "content": paragraphs}
