"""A local stand-in for Slack's Socket Mode server: a WebSocket that sends envelopes and
collects the app's acks (`{"envelope_id": ..., "payload": ...}`), as Slack does."""

from __future__ import annotations

import itertools
import json
import threading
import time
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve


class FakeSocketMode:
    def __init__(self) -> None:
        self.acks: dict[str, dict[str, Any]] = {}
        self._connection: ServerConnection | None = None
        self._connected = threading.Event()
        self._cond = threading.Condition()
        self._ids = itertools.count(1)
        self._server: Server | None = None
        self.url = ""

    def start(self) -> FakeSocketMode:
        # Compression off: slack_sdk's built-in client does not negotiate it.
        self._server = serve(self._handle, "127.0.0.1", 0, compression=None)
        port = self._server.socket.getsockname()[1]
        self.url = f"ws://127.0.0.1:{port}/link"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()

    def _handle(self, connection: ServerConnection) -> None:
        connection.send(json.dumps({"type": "hello", "num_connections": 1}))
        self._connection = connection
        self._connected.set()
        try:
            for message in connection:
                data = json.loads(message)
                if "envelope_id" in data:
                    with self._cond:
                        self.acks[data["envelope_id"]] = data.get("payload") or {}
                        self._cond.notify_all()
        except ConnectionClosed:
            return

    def wait_connected(self, timeout: float = 30.0) -> None:
        if not self._connected.wait(timeout):
            raise AssertionError("the app never opened a Socket Mode connection")

    def send(self, kind: str, payload: dict[str, Any]) -> str:
        """Sends one envelope (`slash_commands`, `interactive`, `events_api`); its id."""
        assert self._connection is not None
        envelope_id = f"env-{next(self._ids)}"
        self._connection.send(
            json.dumps(
                {
                    "envelope_id": envelope_id,
                    "type": kind,
                    "payload": payload,
                    "accepts_response_payload": kind != "events_api",
                    "retry_attempt": 0,
                    "retry_reason": "",
                }
            )
        )
        return envelope_id

    def wait_ack(self, envelope_id: str, timeout: float = 10.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while envelope_id not in self.acks:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"no ack for {envelope_id}")
                self._cond.wait(remaining)
            return self.acks[envelope_id]
