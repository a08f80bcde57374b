"""Serves `/slack/events` ahead of Flask's routing and request context.

Every Slack request waits for an ack within 3 s, and under load the ack time is CPU time:
Flask's per-request machinery was about a quarter of opsbot's overhead over a bare Bolt app
(bench/ack_latency.py). Health, metrics and webhooks still go through Flask.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from bot.web.slack_endpoint import SlackEndpoint

SLACK_PATH = "/slack/events"
MAX_BODY = 2 * 1024 * 1024

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def _answer(
    start_response: StartResponse, status: int, body: str, headers: dict[str, str]
) -> list[bytes]:
    payload = body.encode("utf-8")
    header_list = [(k, v) for k, v in headers.items() if k.lower() != "content-length"]
    header_list.append(("Content-Length", str(len(payload))))
    start_response(f"{status} {HTTPStatus(status).phrase}", header_list)
    return [payload]


def _error(start_response: StartResponse, status: int, reason: str, **extra: str) -> list[bytes]:
    headers = {"Content-Type": "application/json", **extra}
    return _answer(start_response, status, json.dumps({"error": reason}), headers)


class SlackFastPath:
    def __init__(self, wrapped: WsgiApp, endpoint: SlackEndpoint) -> None:
        self._wrapped = wrapped
        self._endpoint = endpoint

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != SLACK_PATH:
            return self._wrapped(environ, start_response)
        if environ.get("REQUEST_METHOD") != "POST":
            return _error(start_response, 405, "use POST", Allow="POST")
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _error(start_response, 400, "invalid Content-Length")
        if length > MAX_BODY:
            return _error(start_response, 413, "body too large for a Slack payload")
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        headers = {
            key[5:].replace("_", "-").lower(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        answer = self._endpoint.handle(
            body=body, headers=headers, query=environ.get("QUERY_STRING", "")
        )
        return _answer(start_response, answer.status, answer.body, answer.headers)
