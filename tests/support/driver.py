"""Sends signed requests through the real WSGI + Bolt stack, as Slack would."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Flask
from werkzeug.test import TestResponse

from tests.support.slack_requests import SignedRequest, SlackRequests


class SlackDriver:
    def __init__(
        self, web: Flask, requests: SlackRequests, clock: Callable[[], datetime] | None = None
    ) -> None:
        self.http = web.test_client()
        self.requests = requests
        self.clock = clock  # the app's clock, for requests signed with its time (webhooks)

    def send(self, request: SignedRequest, path: str = "/slack/events") -> TestResponse:
        return self.http.post(path, data=request.body, headers=request.headers)

    def command(self, command: str, text: str = "", **kwargs: Any) -> TestResponse:
        return self.send(self.requests.command(command, text, **kwargs))

    def event(self, event: dict[str, Any], **kwargs: Any) -> TestResponse:
        return self.send(self.requests.event(event, **kwargs))


def body_json(response: TestResponse) -> dict[str, Any]:
    return dict(json.loads(response.get_data(as_text=True)))


def all_text(blocks: list[dict[str, Any]]) -> str:
    """Every piece of text in a list of blocks, for asserting on what a person would read."""
    return json.dumps(blocks, ensure_ascii=False)
