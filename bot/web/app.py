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
    slack_status: Callable[[], str] = lambda: "unchecked",
    extra_routes: list[Route] | None = None,
) -> Flask:
    web = Flask("opsbot")
    web.config["MAX_CONTENT_LENGTH"] = MAX_BODY

    web.wsgi_app = SlackFastPath(web.wsgi_app, endpoint)  # type: ignore[method-assign]

    @web.get("/healthz")
    def healthz() -> tuple[Response, int]:
        """503 only when the database is down: that replica cannot serve anyone. Slack being
        unreachable is reported (`degraded`) but stays 200, so an orchestrator does not restart
        every web replica over an outage on Slack's side (README, Production)."""
        slack = slack_status()
        if not database_is_up(engine):
            return jsonify(status="unavailable", database="down", slack=slack), 503
        status = "ok" if slack in {"ok", "unchecked"} else "degraded"
        return jsonify(status=status, database="up", slack=slack), 200

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
