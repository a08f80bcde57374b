"""A local stand-in for Jira Cloud, Linear and GitHub Issues over real HTTP (port 0).

It answers the one call each tracker client makes (create an issue) like the real API does,
checks the credentials it was given (a wrong token gets 401), records what it received, and can
be told to be down (503) or to stall past the client's timeout.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOKEN = "tracker-token-123"
JIRA_USER = "bot@acme.example"


@dataclass
class CreatedRecord:
    tracker: str
    path: str
    body: dict[str, Any]


class FakeTracker:
    def __init__(self, *, token: str = TOKEN) -> None:
        self.token = token
        self.created: list[CreatedRecord] = []
        self.attempts = 0
        self._down = False
        self._stall = 0.0
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self.base_url = ""

    def start(self) -> FakeTracker:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                fake._handle(self)

            def log_message(self, *_args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def go_down(self) -> None:
        self._down = True

    def come_back(self) -> None:
        self._down = False

    def stall(self, seconds: float) -> None:
        self._stall = seconds

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        raw = request.rfile.read(int(request.headers.get("content-length") or 0))
        with self._lock:
            self.attempts += 1
        if self._stall:
            time.sleep(self._stall)
        if self._down:
            _send(request, 503, {"message": "Service Unavailable"})
            return
        body = json.loads(raw or b"{}")
        auth = request.headers.get("authorization") or ""
        path = request.path
        if path == "/rest/api/3/issue":
            expected = "Basic " + base64.b64encode(f"{JIRA_USER}:{self.token}".encode()).decode()
            if auth != expected:
                _send(request, 401, {"errorMessages": ["Unauthorized"]})
                return
            number = self._record("jira", path, body)
            key = f"{body['fields']['project']['key']}-{number}"
            _send(request, 201, {"id": str(10000 + number), "key": key, "self": path})
            return
        github = re.fullmatch(r"/repos/([^/]+/[^/]+)/issues", path)
        if github:
            if auth != f"Bearer {self.token}":
                _send(request, 401, {"message": "Bad credentials"})
                return
            number = self._record("github", path, body)
            url = f"https://github.com/{github.group(1)}/issues/{number}"
            _send(request, 201, {"number": number, "html_url": url, "title": body["title"]})
            return
        if path == "/graphql":
            if auth != self.token:
                _send(request, 401, {"errors": [{"message": "Authentication required"}]})
                return
            number = self._record("linear", path, body)
            identifier = f"ENG-{number}"
            issue = {"identifier": identifier, "url": f"https://linear.app/acme/issue/{identifier}"}
            _send(request, 200, {"data": {"issueCreate": {"success": True, "issue": issue}}})
            return
        _send(request, 404, {"message": "Not Found"})

    def _record(self, tracker: str, path: str, body: dict[str, Any]) -> int:
        with self._lock:
            self.created.append(CreatedRecord(tracker, path, body))
            return next(self._numbers)


def _send(request: BaseHTTPRequestHandler, status: int, body: dict[str, Any]) -> None:
    payload = json.dumps(body).encode()
    request.send_response(status)
    request.send_header("content-type", "application/json")
    request.send_header("content-length", str(len(payload)))
    request.end_headers()
    request.wfile.write(payload)
