"""The WSGI app: Slack's endpoint, health, metrics; unknown paths answer 404 with a reason."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, jsonify
from sqlalchemy import Engine
from werkzeug.exceptions import HTTPException

from bot.db import database_is_up
from bot.metrics import Metrics
from bot.web.slack_endpoint import SlackEndpoint
from bot.web.slack_fast_path import MAX_BODY, SlackFastPath

Route = Callable[[Flask], None]


def create_web_app(
    *,
    endpoint: SlackEndpoint,
    engine: Engine,
    metrics: Metrics,
    extra_routes: list[Route] | None = None,
) -> Flask:
    web = Flask("opsbot")
    web.config["MAX_CONTENT_LENGTH"] = MAX_BODY

    web.wsgi_app = SlackFastPath(web.wsgi_app, endpoint)  # type: ignore[method-assign]

    @web.get("/healthz")
    def healthz() -> tuple[Response, int]:
        if database_is_up(engine):
            return jsonify(status="ok", database="up"), 200
        return jsonify(status="unavailable", database="down"), 503

    @web.get("/metrics")
    def prometheus_metrics() -> Response:
        return Response(metrics.render(), mimetype="text/plain; version=0.0.4")

    for add_route in extra_routes or []:
        add_route(web)

    @web.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[Response, int]:
        status = error.code or 500
        return jsonify(error=error.description or error.name), status

    return web
