"""A local stand-in for the Slack Web API, reached over real HTTP (bound to port 0).

It records every call with its arguments, answers like Slack does for the methods opsbot uses,
and can be told to answer 429 with Retry-After (per method and channel, or by enforcing Slack's
one-message-per-second-per-channel rule and a workspace-wide cap), to fail with 5xx, to return
Slack errors such as `channel_not_found`, or to stall past the client's timeout.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlparse

from bot.playground.server import slack_params

BOT_USER_ID = "U0BOT"
TEAM_ID = "T0001"


@dataclass
class RecordedCall:
    method: str
    params: dict[str, Any]
    status: int
    at: float
    authorized: bool
    ok: bool
    token: str = ""  # the bearer token the call carried (which workspace it acted for)

    @property
    def channel(self) -> str | None:
        value = self.params.get("channel")
        return str(value) if value is not None else None


@dataclass
class UploadedFile:
    """One file of Slack's external upload flow: announced (files.getUploadURLExternal), its
    bytes POSTed to the upload URL, then shared (files.completeUploadExternal)."""

    file_id: str
    filename: str
    length: int
    content: bytes | None = None
    title: str | None = None
    channel_id: str | None = None
    thread_ts: str | None = None
    completed: bool = False


@dataclass
class _Rule:
    method: str
    channel: str | None
    times: int | None  # None: forever
    status: int = 200
    body: dict[str, Any] | None = None
    retry_after: int | None = None
    delay: float = 0.0

    def matches(self, method: str, channel: str | None) -> bool:
        return self.method == method and (self.channel is None or self.channel == channel)


@dataclass
class _ChannelRate:
    min_interval: float
    retry_after: int
    last_post: dict[str, float] = field(default_factory=dict)


@dataclass
class _WorkspaceRate:
    """A token bucket over every chat.postMessage the workspace accepts: `per_second` tokens a
    second, at most `burst` saved up (Slack allows short bursts; how large it does not say)."""

    per_second: float
    burst: float
    retry_after: int
    tokens: float = 0.0
    refilled: float | None = None
    refused: int = 0

    def allow(self, now: float) -> bool:
        if self.refilled is None:
            self.tokens = self.burst
        else:
            self.tokens = min(self.burst, self.tokens + (now - self.refilled) * self.per_second)
        self.refilled = now
        if self.tokens < 1.0:
            self.refused += 1
            return False
        self.tokens -= 1.0
        return True


class FakeSlackApi:
    def __init__(self) -> None:
        self.calls: list[RecordedCall] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.oauth_grants: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}
        self.uploads: list[bytes] = []
        self.files: dict[str, UploadedFile] = {}
        self.usergroups: dict[str, list[str]] = {}
        self.channel_members: dict[str, list[str]] = {}
        self.responses: list[tuple[str, dict[str, Any]]] = []
        self._rules: list[_Rule] = []
        self._channel_rate: _ChannelRate | None = None
        self._workspace_rate: _WorkspaceRate | None = None
        self._cond = threading.Condition()
        self._ts = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self.base_url = ""
        self.socket_mode_url = ""  # what apps.connections.open hands out (Socket Mode tests)

    # ---- lifecycle --------------------------------------------------------------------------
    def start(self) -> FakeSlackApi:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                fake._handle(self)

            def log_message(self, *_args: Any) -> None:
                return

        class Server(ThreadingHTTPServer):
            request_queue_size = 128  # many Web API calls start at once in the slow-Slack tests

            def handle_error(self, request: Any, client_address: Any) -> None:
                # A client that gave up on a stalled call (its timeout) is not an error here.
                return

        self._server = Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        port = self._server.server_address[1]
        self.base_url = f"http://127.0.0.1:{port}/"
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    @property
    def api_url(self) -> str:
        return self.base_url + "api/"

    def response_url(self, name: str = "r1") -> str:
        return self.base_url + f"respond/{name}"

    # ---- behaviours -------------------------------------------------------------------------
    def rate_limit(
        self, method: str, *, channel: str | None = None, times: int = 1, retry_after: int = 1
    ) -> None:
        body = {"ok": False, "error": "ratelimited"}
        self._add(_Rule(method, channel, times, 429, body, retry_after))

    def fail(
        self, method: str, *, status: int = 500, channel: str | None = None, times: int | None = 1
    ) -> None:
        self._add(_Rule(method, channel, times, status, {"ok": False, "error": "internal_error"}))

    def error(
        self, method: str, error: str, *, channel: str | None = None, times: int | None = None
    ) -> None:
        self._add(_Rule(method, channel, times, 200, {"ok": False, "error": error}))

    def stall(self, method: str, seconds: float, *, times: int | None = 1) -> None:
        self._add(_Rule(method, None, times, delay=seconds))

    def enforce_channel_rate(self, *, per_second: float = 1.0, retry_after: int = 1) -> None:
        """chat.postMessage answers 429 when a channel got a post less than 1/rate ago."""
        self._channel_rate = _ChannelRate(1.0 / per_second, retry_after)

    def enforce_workspace_rate(
        self, *, per_second: float, burst: float | None = None, retry_after: int = 1
    ) -> None:
        """chat.postMessage answers 429 when the workspace's total posting is beyond
        `per_second` (a token bucket holding `burst`, default a tenth of a second's worth),
        whatever the channel: Slack's unpublished workspace-wide cap."""
        saved = max(1.0, per_second / 10) if burst is None else burst
        self._workspace_rate = _WorkspaceRate(per_second, saved, retry_after)

    @property
    def workspace_refusals(self) -> int:
        """How many posts the workspace-wide rule refused."""
        with self._cond:
            return self._workspace_rate.refused if self._workspace_rate else 0

    def grant_install(self, code: str, *, team_id: str, bot_token: str) -> None:
        """What `oauth.v2.access` answers for `code` (an install of opsbot into `team_id`)."""
        self.oauth_grants[code] = {
            "ok": True,
            "app_id": "A0OPSBOT",
            "authed_user": {"id": "UINSTALLER"},
            "scope": "commands,chat:write",
            "token_type": "bot",
            "access_token": bot_token,
            "bot_user_id": f"UBOT{team_id}",
            "team": {"id": team_id, "name": f"Team {team_id}"},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    def add_user(
        self, user_id: str, *, name: str = "", tz: str = "UTC", is_admin: bool = False
    ) -> None:
        self.users[user_id] = {
            "id": user_id,
            "name": name or user_id.lower(),
            "real_name": name or user_id,
            "tz": tz,
            "is_admin": is_admin,
            "profile": {"display_name": name},
        }

    def add_channel(
        self, channel_id: str, *, is_member: bool = True, is_ext_shared: bool = False
    ) -> None:
        self.channels[channel_id] = {
            "id": channel_id,
            "name": channel_id.lower(),
            "is_member": is_member,
            "is_ext_shared": is_ext_shared,
            "is_archived": False,
        }

    def _add(self, rule: _Rule) -> None:
        with self._cond:
            self._rules.append(rule)

    # ---- queries ----------------------------------------------------------------------------
    def calls_to(self, method: str) -> list[RecordedCall]:
        with self._cond:
            return [c for c in self.calls if c.method == method and c.ok]

    def attempts_to(self, method: str) -> list[RecordedCall]:
        with self._cond:
            return [c for c in self.calls if c.method == method]

    def wait_for(
        self, method: str, count: int = 1, timeout: float = 5.0, *, include_failed: bool = False
    ) -> list[RecordedCall]:
        """Waits for `count` successful calls (or any attempts, with include_failed)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [c for c in self.calls if c.method == method and (c.ok or include_failed)]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"expected {count} call(s) to {method}, got {len(found)}")
                self._cond.wait(remaining)

    def shared_files(self) -> list[UploadedFile]:
        """Files whose upload was completed (shared), in the order they were announced."""
        with self._cond:
            return [f for f in self.files.values() if f.completed]

    def wait_for_response(
        self, count: int = 1, timeout: float = 5.0
    ) -> list[tuple[str, dict[str, Any]]]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.responses) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"expected {count} response_url post(s), got {len(self.responses)}"
                    )
                self._cond.wait(remaining)
            return list(self.responses)

    # ---- HTTP -------------------------------------------------------------------------------
    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        path = urlparse(request.path).path
        length = int(request.headers.get("content-length") or 0)
        raw = request.rfile.read(length)
        if path.startswith("/respond/"):
            with self._cond:
                self.responses.append((path.removeprefix("/respond/"), json.loads(raw or b"{}")))
                self._cond.notify_all()
            _send(request, 200, "ok", {})
            return
        if path.startswith("/upload/"):
            with self._cond:
                self.uploads.append(raw)
                announced = self.files.get(path.removeprefix("/upload/"))
                if announced is not None:
                    announced.content = raw
                self._cond.notify_all()
            _send(request, 200, "OK", {})
            return
        method = path.removeprefix("/api/")
        params = slack_params(
            raw, request.headers.get("content-type", ""), urlparse(request.path).query
        )
        bearer = request.headers.get("authorization") or ""
        authorized = bearer.startswith("Bearer ")
        status, body, headers, delay = self._answer(method, params)
        if delay:
            time.sleep(delay)
        with self._cond:
            self.calls.append(
                RecordedCall(
                    method,
                    params,
                    status,
                    time.monotonic(),
                    authorized,
                    bool(body.get("ok")),
                    bearer.removeprefix("Bearer "),
                )
            )
            self._cond.notify_all()
        _send(request, status, json.dumps(body), headers)

    def _answer(
        self, method: str, params: dict[str, Any]
    ) -> tuple[int, dict[str, Any], dict[str, str], float]:
        channel = params.get("channel")
        with self._cond:
            for rule in self._rules:
                if rule.matches(method, channel) and (rule.times is None or rule.times > 0):
                    if rule.times is not None:
                        rule.times -= 1
                    headers = {"Retry-After": str(rule.retry_after)} if rule.retry_after else {}
                    if rule.body is None:
                        return 200, self._default(method, params), headers, rule.delay
                    return rule.status, rule.body, headers, rule.delay
            if method == "chat.postMessage" and self._channel_rate and channel:
                now = time.monotonic()
                last = self._channel_rate.last_post.get(channel)
                if last is not None and now - last < self._channel_rate.min_interval:
                    retry = {"Retry-After": str(self._channel_rate.retry_after)}
                    return 429, {"ok": False, "error": "ratelimited"}, retry, 0.0
            workspace = self._workspace_rate
            if method == "chat.postMessage" and workspace and not workspace.allow(time.monotonic()):
                retry = {"Retry-After": str(workspace.retry_after)}
                return 429, {"ok": False, "error": "ratelimited"}, retry, 0.0
            if method == "chat.postMessage" and self._channel_rate and channel:
                self._channel_rate.last_post[channel] = time.monotonic()
            return 200, self._default(method, params), {}, 0.0

    def _default(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        channel = params.get("channel")
        if method == "auth.test":
            return {
                "ok": True,
                "team": "Acme",
                "team_id": TEAM_ID,
                "user": "opsbot",
                "user_id": BOT_USER_ID,
                "bot_id": "B0BOT",
                "url": "https://acme.slack.com/",
            }
        if method in {"chat.postMessage", "chat.update"}:
            ts = params.get("ts") or f"{1700000000 + next(self._ts)}.000100"
            message = {
                "ts": ts,
                "text": params.get("text"),
                "blocks": params.get("blocks"),
                "thread_ts": params.get("thread_ts"),
                "metadata": params.get("metadata"),
            }
            self.messages[(str(channel), ts)] = message
            return {"ok": True, "channel": channel, "ts": ts, "message": message}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"{1700000000 + next(self._ts)}.000200"}
        if method in {"views.open", "views.push", "views.update", "views.publish"}:
            return {
                "ok": True,
                "view": {"id": f"V{next(self._ts):05d}", **(params.get("view") or {})},
            }
        if method == "users.info":
            user_id = params.get("user", "")
            user = self.users.get(user_id) or {
                "id": user_id,
                "name": user_id.lower(),
                "tz": "UTC",
                "profile": {},
            }
            return {"ok": True, "user": user}
        if method == "conversations.info":
            info = self.channels.get(str(channel)) or {
                "id": channel,
                "is_member": True,
                "is_ext_shared": False,
                "is_archived": False,
            }
            return {"ok": True, "channel": info}
        if method == "conversations.open":
            users = str(params.get("users", "")).split(",")
            if len(users) > 1:  # a group DM: one per set of people
                return {"ok": True, "channel": {"id": "G" + "".join(sorted(users))}}
            return {"ok": True, "channel": {"id": "D" + users[0]}}
        if method == "users.list":
            return {"ok": True, "members": list(self.users.values()), "response_metadata": {}}
        if method == "usergroups.users.list":
            return {"ok": True, "users": self.usergroups.get(str(params.get("usergroup")), [])}
        if method == "conversations.members":
            return {"ok": True, "members": self.channel_members.get(str(channel), [])}
        if method == "apps.connections.open":
            return {"ok": True, "url": self.socket_mode_url}
        if method == "chat.getPermalink":
            ts = str(params.get("message_ts", "")).replace(".", "")
            return {"ok": True, "permalink": f"https://acme.slack.com/archives/{channel}/p{ts}"}
        if method == "conversations.history" and not params.get("latest"):
            recent = [m for (posted_in, _), m in self.messages.items() if posted_in == str(channel)]
            limit = int(params.get("limit") or 100)
            return {"ok": True, "messages": list(reversed(recent))[:limit]}
        if method == "conversations.history":
            latest = params.get("latest")
            found = self.messages.get((str(channel), str(latest)))
            return {"ok": True, "messages": [found] if found else []}
        if method == "oauth.v2.access":
            return self.oauth_grants.get(
                str(params.get("code")), {"ok": False, "error": "invalid_code"}
            )
        if method == "files.getUploadURLExternal":
            file_id = f"F{len(self.files) + 1:04d}"
            self.files[file_id] = UploadedFile(
                file_id, str(params.get("filename", "")), int(params.get("length") or 0)
            )
            return {
                "ok": True,
                "upload_url": self.base_url + f"upload/{file_id}",
                "file_id": file_id,
            }
        if method == "files.completeUploadExternal":
            shared = []
            for entry in params.get("files") or []:
                announced = self.files.get(str(entry.get("id")))
                if announced is None or announced.content is None:
                    return {"ok": False, "error": "file_not_found"}
                announced.title = entry.get("title")
                announced.channel_id = params.get("channel_id")
                announced.thread_ts = params.get("thread_ts")
                announced.completed = True
                shared.append({"id": announced.file_id, "title": announced.title})
            return {"ok": True, "files": shared}
        return {"ok": True}


def _send(request: BaseHTTPRequestHandler, status: int, body: str, headers: dict[str, str]) -> None:
    payload = body.encode("utf-8")
    request.send_response(status)
    request.send_header("content-type", "application/json; charset=utf-8")
    request.send_header("content-length", str(len(payload)))
    for key, value in headers.items():
        request.send_header(key, value)
    request.end_headers()
    request.wfile.write(payload)
