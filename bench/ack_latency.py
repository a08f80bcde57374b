"""Ack latency of the real opsbot app against a bare Bolt app that only acks, side by side.

Both run behind the same production server (waitress) on 127.0.0.1 port 0, each against the same
local Web API stand-in, and are hit with the same signed slash commands at a fixed concurrency for
a fixed count. Rounds alternate between the two apps so machine noise hits both alike.

    .venv/bin/python -m bench.ack_latency [--requests 2000] [--concurrency 16]

Target (DESIGN.md): our p99 within 1.5x of bare Bolt, and far inside Slack's 3 s.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.config import load_settings
from bot.db import upgrade_database
from bot.web.server import make_server
from bot.wiring import build_container
from tests.support.fake_slack import FakeSlackApi
from tests.support.slack_requests import SlackRequests

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-token"


def bare_bolt_app(api_url: str) -> App:
    app = App(client=WebClient(token=TOKEN, base_url=api_url), signing_secret=SECRET)

    @app.command("/ops")
    def only_ack(ack: Ack) -> None:
        ack()

    return app


def bare_wsgi(app: App) -> Callable[..., Any]:
    from slack_bolt.adapter.wsgi import SlackRequestHandler

    return SlackRequestHandler(app)


def serve(wsgi_app: Any) -> tuple[str, Callable[[], None]]:
    server = make_server(wsgi_app, host="127.0.0.1", port=0, threads=16)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()

    def stop() -> None:
        server.close()
        thread.join(timeout=5)

    return f"http://127.0.0.1:{server.effective_port}/slack/events", stop


def hit(url: str, requests: SlackRequests, count: int, concurrency: int) -> list[float]:
    latencies: list[float] = []
    lock = threading.Lock()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    with httpx.Client(limits=limits, timeout=10) as client:

        def one(i: int) -> None:
            signed = requests.command("/ops", "help", user_id=f"U{i % 50}")
            started = time.perf_counter()
            response = client.post(url, content=signed.body, headers=signed.headers)
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                raise RuntimeError(f"HTTP {response.status_code}: {response.text[:200]}")
            with lock:
                latencies.append(elapsed)

        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            list(pool.map(one, range(count)))
    return latencies


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()

    fake = FakeSlackApi().start()
    requests = SlackRequests(SECRET, response_url=fake.response_url())
    with tempfile.TemporaryDirectory() as tmp:
        database_url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade_database(database_url)
        settings = load_settings(
            _env_file=None,
            slack_bot_token=TOKEN,
            slack_signing_secret=SECRET,
            slack_api_url=fake.api_url,
            database_url=database_url,
        )
        container = build_container(settings)
        ours_url, stop_ours = serve(container.web)
        bare_url, stop_bare = serve(bare_wsgi(bare_bolt_app(fake.api_url)))
        per_round = max(1, args.requests // args.rounds)
        hit(ours_url, requests, 50, args.concurrency)  # warm-up
        hit(bare_url, requests, 50, args.concurrency)
        ours: list[float] = []
        bare: list[float] = []
        for _ in range(args.rounds):
            ours += hit(ours_url, requests, per_round, args.concurrency)
            bare += hit(bare_url, requests, per_round, args.concurrency)
        stop_ours()
        stop_bare()
        container.close()
    fake.stop()

    print(f"ack latency: {len(ours)} signed /ops commands each, concurrency {args.concurrency}")
    print(f"{'app':<10} {'p50 ms':>8} {'p99 ms':>8} {'mean ms':>8}")
    for name, values in (("bare bolt", bare), ("opsbot", ours)):
        p50, p99 = percentile(values, 0.5) * 1000, percentile(values, 0.99) * 1000
        print(f"{name:<10} {p50:8.2f} {p99:8.2f} {statistics.fmean(values) * 1000:8.2f}")
    ratio = percentile(ours, 0.99) / percentile(bare, 0.99)
    print(f"p99 ratio opsbot / bare bolt: {ratio:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
