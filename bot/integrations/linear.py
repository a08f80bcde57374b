"""Linear: the GraphQL `issueCreate` mutation, authenticated with a personal API key."""

from __future__ import annotations

import httpx

from bot.integrations.tracker_http import send
from bot.integrations.tracker_types import CreatedIssue, NewIssue, TrackerConfig, TrackerError

DEFAULT_URL = "https://api.linear.app"

_CREATE = """
mutation IssueCreate($input: IssueCreateInput!) {
  issueCreate(input: $input) { success issue { identifier url } }
}
"""


class Linear:
    def __init__(self, http: httpx.Client, config: TrackerConfig) -> None:
        self._http = http
        self._config = config

    def create_issue(self, issue: NewIssue) -> CreatedIssue:
        root = (self._config.base_url or DEFAULT_URL).rstrip("/")
        request = self._http.build_request(
            "POST",
            f"{root}/graphql",
            json={
                "query": _CREATE,
                "variables": {
                    "input": {
                        "teamId": self._config.project,
                        "title": issue.title,
                        "description": issue.body,
                    }
                },
            },
            headers={"Authorization": self._config.token},
        )
        data = send(self._http, "Linear", request)
        if data.get("errors"):
            message = str((data["errors"][0] or {}).get("message", "unknown error"))
            raise TrackerError(f"Linear rejected the new issue: {message[:200]}")
        created = ((data.get("data") or {}).get("issueCreate") or {}).get("issue") or {}
        key, url = created.get("identifier"), created.get("url")
        if not isinstance(key, str) or not isinstance(url, str):
            raise TrackerError("Linear answered without the new issue")
        return CreatedIssue(key=key, url=url)
