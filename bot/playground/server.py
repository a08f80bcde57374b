"""The playground's one HTTP server: the page, the local Slack, and the real app side by side.

- `/`, `/static/...`: the page (bot/playground/static/).
- `/api/<method>`: the local Slack Web API (SLACK_API_URL points here).
- `/respond/<token>`, `/upload/<file>`: response_url posts and file upload bytes.
- `/playground/...`: the page's JSON (API.md).
- `/github/...`: where the app's GitHub calls land, so nothing leaves the machine: issues are
  filed in a local GitHub (github.py), anything else is GitHub's 404 and a notice.
- everything else (`/slack/events`, `/healthz`, ...): the app's own WSGI app, untouched.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from flask import Flask, Response, abort, jsonify, request, send_from_directory

from bot.playground.actions import PageError
from bot.playground.slack_side import post_to_response_url

STATIC = Path(__file__).resolve().parent / "static"
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
OWN_PREFIXES = ("/playground/", "/api/", "/respond/", "/upload/", "/static/", "/github/")

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class Router:
    """Sends the playground's own paths to its Flask app, the rest to opsbot's. The app is
    attached after the port is bound (its SLACK_API_URL needs the port)."""

    def __init__(self, playground: Flask) -> None:
        self._playground = playground
        self.app: WsgiApp | None = None

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        host = str(environ.get("HTTP_HOST") or "").rsplit(":", 1)[0]
        if host not in LOCAL_HOSTS:
            # Only this machine's browser: a web page elsewhere whose name resolves to
            # 127.0.0.1 (DNS rebinding) cannot drive the playground or read its state.
            start_response("403 Forbidden", [("Content-Type", "text/plain")])
            return [b"the playground answers only http://127.0.0.1 and http://localhost"]
        path = environ.get("PATH_INFO") or "/"
        if path == "/" or path.startswith(OWN_PREFIXES) or self.app is None:
            return self._playground.wsgi_app(environ, start_response)
        return self.app(environ, start_response)


def slack_params(raw: bytes, content_type: str, query: str) -> dict[str, Any]:
    """A Web API call's arguments: JSON body, form body or query string, as Slack accepts."""
    if "json" in content_type:
        found = json.loads(raw or b"{}")
        return dict(found) if isinstance(found, dict) else {}
    params: dict[str, Any] = {}
    for key, values in {**parse_qs(query), **parse_qs(raw.decode("utf-8"))}.items():
        value = values[-1]
        if value[:1] in "[{":
            try:
                params[key] = json.loads(value)
                continue
            except ValueError:
                pass
        params[key] = value
    return params


def create_playground_web(playground: Any) -> Flask:
    """`playground` is the running Playground (app.py): workspace, web_api, actions, rituals."""
    web = Flask("opsbot-playground", static_folder=None)

    @web.get("/")
    def page() -> Response:
        if not (STATIC / "index.html").is_file():
            return Response(
                "The playground page is not built yet (bot/playground/static/index.html).",
                status=503,
                mimetype="text/plain",
            )
        return send_from_directory(STATIC, "index.html")

    @web.get("/static/<path:name>")
    def static_file(name: str) -> Response:
        return send_from_directory(STATIC, name)

    @web.route("/api/<method>", methods=["GET", "POST"])
    def web_api(method: str) -> Response:
        params = slack_params(
            request.get_data(), request.content_type or "", request.query_string.decode()
        )
        token = (request.headers.get("Authorization") or "").removeprefix("Bearer ").strip()
        token = token or str(params.pop("token", "") or "")
        return jsonify(playground.web_api.call(method, params, token))

    @web.post("/respond/<token>")
    def respond(token: str) -> Response:
        try:
            payload = json.loads(request.get_data() or b"{}")
        except ValueError:
            return Response("invalid_payload", status=400, mimetype="text/plain")
        status, body = post_to_response_url(playground.workspace, token, payload)
        return Response(body, status=status, mimetype="text/plain")

    @web.post("/upload/<file_id>")
    def upload(file_id: str) -> Response:
        if not playground.web_api.receive_upload(file_id, request.get_data()):
            return Response("not_found", status=404, mimetype="text/plain")
        return Response("OK - uploaded", mimetype="text/plain")

    @web.get("/playground/files/<file_id>")
    def file_content(file_id: str) -> Response:
        announced = playground.workspace.uploads.get(file_id)
        if announced is None or announced["content"] is None:
            abort(404)
        return Response(
            announced["content"],
            mimetype="application/octet-stream",
            headers={"Content-Disposition": f'attachment; filename="{announced["name"]}"'},
        )

    @web.post("/github/repos/<owner>/<repo>/issues")
    def github_issue(owner: str, repo: str) -> tuple[Response, int]:
        token = (request.headers.get("Authorization") or "").removeprefix("Bearer ").strip()
        payload = request.get_json(silent=True)
        fields = payload if isinstance(payload, dict) else {}
        status, body = playground.github.create_issue(
            repo=f"{owner}/{repo}", token=token, payload=fields
        )
        return jsonify(body), status

    @web.get("/playground/github/<owner>/<repo>/issues/<int:number>")
    def github_issue_page(owner: str, repo: str, number: int) -> Response:
        issue = playground.github.find(f"{owner}/{repo}", number)
        if issue is None:
            abort(404)
        return jsonify(issue.as_json())

    @web.route("/github/<path:rest>", methods=["GET", "POST", "PATCH", "PUT", "DELETE"])
    def github(rest: str) -> tuple[Response, int]:
        playground.workspace.notice(
            f"opsbot called GitHub ({request.method} /{rest}); the playground has no GitHub",
            {"method": request.method, "path": rest},
        )
        return jsonify(message="Not Found (playground)"), 404

    @web.get("/playground/state")
    def state() -> Response:
        since = request.args.get("since")
        user = request.args.get("as") or playground.default_user
        return jsonify(playground.state(user, int(since) if since and since.isdigit() else None))

    # Looked up per request: the Playground builds its parts after this web app.
    routes = {
        "message": ("actions", "message"),
        "command": ("actions", "command"),
        "action": ("actions", "action"),
        "shortcut": ("actions", "shortcut"),
        "reaction": ("actions", "reaction"),
        "home": ("actions", "home"),
        "submit": ("views", "submit"),
        "close": ("views", "close"),
        "options": ("views", "options"),
        "run": (None, "run"),
        "clock": (None, "jump"),
    }

    @web.post("/playground/<what>")
    def page_post(what: str) -> tuple[Response, int]:
        route = routes.get(what)
        if route is None:
            return jsonify(ok=False, error=f"no such playground call: {what}"), 404
        owner = getattr(playground, route[0]) if route[0] else playground
        handler: Callable[[dict[str, Any]], dict[str, Any]] = getattr(owner, route[1])
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return jsonify(ok=False, error="the body must be a JSON object"), 400
        try:
            return jsonify(handler(body)), 200
        except (PageError, KeyError, ValueError) as error:
            return jsonify(ok=False, error=str(error)), 400

    return web
