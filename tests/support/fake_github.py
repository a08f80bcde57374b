"""A local stand-in for GitHub's REST API (releases only), bound to port 0.

`add_release` makes a release answer; `rate_limit()` makes the next requests answer 403 with
`x-ratelimit-remaining: 0` (or 429); anything unknown answers 404 like GitHub does.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlparse


@dataclass
class FakeGitHub:
    releases: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    limited: int | None = None  # status to answer while rate limited (403 or 429)
    _server: ThreadingHTTPServer | None = None
    base_url: str = ""

    def start(self) -> FakeGitHub:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake._handle(self)

            def log_message(self, *_args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def add_release(
        self, repo: str, tag: str, *, name: str = "", body: str = "", latest: bool = True
    ) -> None:
        owner, _, name_ = repo.partition("/")
        entry = {
            "tag_name": tag,
            "name": name or tag,
            "body": body,
            "html_url": f"https://github.com/{repo}/releases/tag/{tag}",
            "published_at": "2026-11-20T10:00:00Z",
            "latest": latest,
        }
        self.releases.setdefault((owner, name_), []).append(entry)

    def rate_limit(self, status: int = 403) -> None:
        self.limited = status

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        path = urlparse(request.path).path
        self.requests.append((path, {k.lower(): v for k, v in request.headers.items()}))
        if self.limited is not None:
            headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1795000000"}
            if self.limited == 429:
                headers = {"retry-after": "60"}
            self._send(request, self.limited, {"message": "API rate limit exceeded"}, headers)
            return
        parts = [unquote(p) for p in path.strip("/").split("/")]
        found: dict[str, Any] | None = None
        if len(parts) >= 5 and parts[0] == "repos" and parts[3] == "releases":
            entries = self.releases.get((parts[1], parts[2]), [])
            if parts[4] == "latest":
                found = next((e for e in reversed(entries) if e["latest"]), None)
            elif parts[4] == "tags" and len(parts) == 6:
                found = next((e for e in entries if e["tag_name"] == parts[5]), None)
        if found is None:
            self._send(request, 404, {"message": "Not Found"}, {})
            return
        self._send(request, 200, found, {"x-ratelimit-remaining": "59"})

    @staticmethod
    def _send(
        request: BaseHTTPRequestHandler, status: int, body: dict[str, Any], headers: dict[str, str]
    ) -> None:
        raw = json.dumps(body).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(raw)))
        for key, value in headers.items():
            request.send_header(key, value)
        request.end_headers()
        request.wfile.write(raw)
