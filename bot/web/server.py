"""Serves the WSGI app with waitress: a production server, multi-threaded, no C build needed.

One process with threads suits a Slack bot (I/O bound) and lets the embedded scheduler share
the process; scale out with more replicas behind a load balancer and one `opsbot scheduler`.
"""

from __future__ import annotations

from typing import Any

from waitress.server import create_server


def make_server(wsgi_app: Any, *, host: str, port: int, threads: int) -> Any:
    """Binds at once (port 0 picks a free port: read `server.effective_port`)."""
    return create_server(
        wsgi_app,
        host=host,
        port=port,
        threads=threads,
        ident="opsbot",
        connection_limit=1000,
        channel_timeout=30,
        clear_untrusted_proxy_headers=True,
    )
