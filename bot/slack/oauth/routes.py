"""`GET /slack/install` and `GET /slack/oauth_redirect`, served by Bolt's OAuth flow."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, request
from slack_bolt import App
from slack_bolt.adapter.flask import SlackRequestHandler

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"


def make_oauth_routes(bolt: Callable[[], App]) -> Callable[[Flask], None]:
    def add_routes(web: Flask) -> None:
        @web.get(INSTALL_PATH)
        @web.get(REDIRECT_PATH)
        def oauth() -> Response:
            handled: Response = SlackRequestHandler(bolt()).handle(request)
            return handled

    return add_routes
