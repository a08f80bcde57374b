"""Serves the WSGI app with waitress, and stops it cleanly on request.

One process with threads suits a Slack bot (I/O bound) and lets the embedded scheduler share
the process; scale out with more replicas behind a load balancer and one `opsbot scheduler`.

Why not `server.run()` + `server.close()`: closing waitress's sockets from a signal handler
while its loop sits in `select()` ends in `OSError: [Errno 9] Bad file descriptor` (and lost
responses). Here the loop runs in short steps and checks a stop flag; on stop it closes the
listening socket first (no new connections), asks clients to close their keep-alive
connections, keeps stepping until every request already received has been answered and
flushed (or the grace period ends), then closes the rest. (A client that sends a request on an
idle keep-alive connection at the very moment it is closed sees a reset: the usual keep-alive
race, which HTTP clients and Slack's retries cover.)
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from waitress import wasyncore
from waitress.server import create_server

logger = logging.getLogger(__name__)

STEP = 0.2  # seconds per loop step: how quickly a stop request is noticed
QUIET = 0.25  # seconds without traffic after which an open connection counts as idle


class GracefulServer:
    def __init__(self, wsgi_app: Any, *, host: str, port: int, threads: int) -> None:
        """Binds at once (port 0 picks a free port: read `effective_port`)."""
        self._server: Any = create_server(
            wsgi_app,
            host=host,
            port=port,
            threads=threads,
            ident="opsbot",
            connection_limit=1000,
            channel_timeout=30,
            clear_untrusted_proxy_headers=True,
        )
        self._stopping = threading.Event()
        self.stopped = threading.Event()

    @property
    def effective_port(self) -> int:
        return int(self._server.effective_port)

    def request_stop(self) -> None:
        """Safe from a signal handler or another thread: only sets a flag."""
        self._stopping.set()

    def serve(self, *, grace: float) -> bool:
        """Serves until `request_stop`, then drains for at most `grace` seconds. True when every
        request received before the stop was answered."""
        socket_map = self._server._map
        try:
            while not self._stopping.is_set():
                wasyncore.loop(timeout=STEP, map=socket_map, count=1)
            self._accept_backlog()
            self._server.accepting = False
            self._server.del_channel()
            self._server.socket.close()
            deadline = time.monotonic() + grace
            while time.monotonic() < deadline:
                self._ask_clients_to_close()
                if not self._busy_channels() and not self._recently_active(QUIET):
                    break
                wasyncore.loop(timeout=0.02, map=socket_map, count=1)
            left = self._busy_channels()
            if left:
                logger.warning("stopping with %d request(s) still unanswered", left)
            self._server.task_dispatcher.shutdown(cancel_pending=True, timeout=1)
            return left == 0
        finally:
            wasyncore.close_all(socket_map)
            self.stopped.set()

    def run(self) -> None:
        """`serve` with a 5 s grace, for a thread of its own (tests, benchmarks)."""
        self.serve(grace=5.0)

    def close(self, timeout: float = 10.0) -> None:
        """Stops a server that runs on another thread and waits until it has."""
        self.request_stop()
        self.stopped.wait(timeout)

    def _accept_backlog(self) -> None:
        """Connections the kernel already accepted (the listen backlog) are clients waiting
        for an answer: take them in before closing the listening socket."""
        socket_map = self._server._map
        for _ in range(self._server.adj.backlog):
            before = len(socket_map)
            self._server.handle_accept()
            if len(socket_map) == before:
                return

    def _ask_clients_to_close(self) -> None:
        """Answers still to come say `Connection: close`, so that no client sends another
        request on a connection about to go away."""
        for channel in list(self._server._map.values()):
            requests = getattr(channel, "requests", None)
            if requests is None:  # the listening socket or the trigger
                continue
            for request in list(requests):
                request.headers["CONNECTION"] = "close"

    def _recently_active(self, seconds: float) -> bool:
        """A connection that just opened (or just sent a request) may be mid-request."""
        now = time.time()  # waitress stamps channels with time.time()
        return any(
            now - getattr(channel, "last_activity", 0.0) < seconds
            for channel in list(self._server._map.values())
            if getattr(channel, "requests", None) is not None
        )

    def _busy_channels(self) -> int:
        return sum(
            1
            for channel in list(self._server._map.values())
            if getattr(channel, "requests", None) or getattr(channel, "total_outbufs_len", 0)
        )


def make_server(wsgi_app: Any, *, host: str, port: int, threads: int) -> GracefulServer:
    return GracefulServer(wsgi_app, host=host, port=port, threads=threads)
