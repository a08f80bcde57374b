"""Ack latency of the real opsbot app: against a bare Bolt app, and under a slow Slack.

Normal mode: opsbot and a bare Bolt app that only acks run behind the same production server
(waitress) on 127.0.0.1 port 0, each against the same local Web API stand-in, and are hit with
the same signed slash commands at a fixed concurrency for a fixed count. Rounds alternate
between the two apps so machine noise hits both alike. Target: p99 ratio opsbot / bare <= 1.2.

Slow-Slack mode (`--slow-slack`): the stand-in answers views.open and users.info after 5 s.
200 slash commands that open a modal and 200 `/ops help` arrive at once (a fresh connection
each, as Slack sends them); printed: the share acknowledged (HTTP 200) within Slack's 3 s,
p50/p99 of the acks, and how many modals Slack was asked to open. `--modal` picks the command:
`/ops settings` (after-ack helper) or `/feedback` (the feedback ritual's listener, as it is).

Every mode runs `--runs` times (fresh app and database each) and prints the median and the
spread (min-max) of each number. `--database-url` runs on Postgres instead of a SQLite file.

    .venv/bin/python -m bench.ack_latency [--runs 3] [--requests 2000] [--concurrency 16]
    .venv/bin/python -m bench.ack_latency --slow-slack [--modal ops-settings|feedback] [--runs 3]
    .venv/bin/python -m bench.ack_latency --isolated [--runs 3]   # CPU per ack, low noise
"""

from __future__ import annotations

import argparse
import signal
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
from bot.web.slack_endpoint import SlackEndpoint
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


def _settings(fake: FakeSlackApi, database_url: str) -> Any:
    return load_settings(
        _env_file=None,
        slack_bot_token=TOKEN,
        slack_signing_secret=SECRET,
        slack_api_url=fake.api_url,
        database_url=database_url,
    )


def _fresh_database(base_url: str | None, tmp: Path, run: int) -> str:
    """A migrated, empty database: a SQLite file, or the Postgres one emptied."""
    if base_url is None:
        url = f"sqlite:///{tmp / f'bench-{run}.db'}"
        upgrade_database(url)
        return url
    from sqlalchemy import text

    from bot.db import make_engine
    from bot.models_registry import metadata

    upgrade_database(base_url)
    engine = make_engine(base_url)
    tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return base_url


def normal_run(args: argparse.Namespace, database_url: str) -> dict[str, float]:
    fake = FakeSlackApi().start()
    requests = SlackRequests(SECRET, response_url=fake.response_url())
    container = build_container(_settings(fake, database_url))
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
    return {
        "bare p50 ms": percentile(bare, 0.5) * 1000,
        "bare p99 ms": percentile(bare, 0.99) * 1000,
        "opsbot p50 ms": percentile(ours, 0.5) * 1000,
        "opsbot p99 ms": percentile(ours, 0.99) * 1000,
        "p99 ratio opsbot/bare": percentile(ours, 0.99) / percentile(bare, 0.99),
    }


def isolated_run(args: argparse.Namespace, database_url: str) -> dict[str, float]:
    """No server, no client, one thread: the CPU an ack costs in each app, without the noise of
    a shared machine. opsbot's endpoint (verification, shape check, Bolt dispatch) against a
    bare Bolt `dispatch`; both include Bolt's own 10 ms ack polling."""
    from slack_bolt import BoltRequest

    fake = FakeSlackApi().start()
    requests = SlackRequests(SECRET, response_url=fake.response_url())
    container = build_container(_settings(fake, database_url))
    container.identity.check()
    endpoint = SlackEndpoint(app=container.bolt, signing_secret=SECRET, metrics=container.metrics)
    bare = bare_bolt_app(fake.api_url)
    signed = [
        (r.body, {k.lower(): v for k, v in r.headers.items()})
        for r in (requests.command("/ops", "help", user_id=f"U{i % 50}") for i in range(600))
    ]

    def ours() -> None:
        for body, headers in signed:
            endpoint.handle(body=body, headers=headers, query="")

    def bare_bolt() -> None:
        for body, headers in signed:
            bare.dispatch(BoltRequest(body=body.decode(), headers=headers))

    ours()  # warm-up
    bare_bolt()
    timings: dict[str, list[float]] = {"ours": [], "bare": []}
    for _ in range(args.rounds):
        for name, run in (("ours", ours), ("bare", bare_bolt)):
            started = time.perf_counter()
            run()
            timings[name].append((time.perf_counter() - started) / len(signed) * 1000)
    container.close()
    fake.stop()
    ours_ms, bare_ms = statistics.median(timings["ours"]), statistics.median(timings["bare"])
    return {
        "bare ms/ack": bare_ms,
        "opsbot ms/ack": ours_ms,
        "ratio opsbot/bare": ours_ms / bare_ms,
    }


SLOW_SECONDS = 5.0
MODAL_COMMANDS = {"ops-settings": ("/ops", "settings"), "feedback": ("/feedback", "")}


def slow_slack_run(args: argparse.Namespace, database_url: str) -> dict[str, float]:
    """opsbot runs as its own process (`opsbot serve`, as in production), so the 400 client
    threads of this benchmark do not share its interpreter lock."""
    from bot.workspace.service import SlackUser
    from tests.support.process import OpsbotProcess, clean_env, free_port

    fake = FakeSlackApi().start()
    fake.stall("views.open", SLOW_SECONDS, times=None)
    fake.stall("users.info", SLOW_SECONDS, times=None)
    requests = SlackRequests(SECRET, response_url=fake.response_url())
    seeding = build_container(_settings(fake, database_url))
    for i in range(50):  # people seen before, admins (for /ops settings)
        user = SlackUser(user_id=f"U{i}", display_name=f"u{i}", time_zone="UTC", is_admin=True)
        seeding.services.workspaces.remember_person(team_id="T0001", user=user, now=seeding.clock())
    seeding.close()
    with tempfile.TemporaryDirectory() as cwd:
        server = OpsbotProcess(
            ["serve", "--no-scheduler"],
            env=clean_env(
                SLACK_SIGNING_SECRET=SECRET,
                SLACK_BOT_TOKEN=TOKEN,
                SLACK_API_URL=fake.api_url,
                DATABASE_URL=database_url,
                PORT=str(free_port()),
                OPSBOT_HOST="127.0.0.1",
                OPSBOT_LOG_LEVEL="WARNING",
            ),
            cwd=Path(cwd),
        )
        server.wait_healthy()
        url = server.base + "/slack/events"
        command, text = MODAL_COMMANDS[args.modal]
        signed = [requests.command(command, text, user_id=f"U{i % 50}") for i in range(args.modals)]
        signed += [
            requests.command("/ops", "help", user_id=f"U{i % 50}") for i in range(args.helps)
        ]
        results: list[tuple[int, float]] = []
        lock = threading.Lock()
        start_together = threading.Barrier(len(signed))

        def one(request: Any) -> None:
            with httpx.Client(timeout=40.0) as client:  # built before the clock starts
                start_together.wait()
                started = time.perf_counter()
                try:
                    response = client.post(
                        url,
                        content=request.body,
                        headers={**request.headers, "Connection": "close"},
                    )
                    status = response.status_code
                except httpx.HTTPError:
                    status = 0
                elapsed = time.perf_counter() - started
            with lock:
                results.append((status, elapsed))

        with ThreadPoolExecutor(max_workers=len(signed)) as pool:
            list(pool.map(one, signed))
        time.sleep(SLOW_SECONDS + 1)  # let the stalled calls finish before counting
        server.signal(signal.SIGTERM)
        server.finish(timeout=30)
    fake.stop()
    acked = [elapsed for status, elapsed in results if status == 200]
    every = [elapsed for _, elapsed in results]
    return {
        "acks < 3 s %": 100.0 * sum(1 for e in acked if e < 3.0) / len(signed),
        "ack p50 ms": percentile(every, 0.5) * 1000,
        "ack p99 ms": percentile(every, 0.99) * 1000,
        "non-200 answers": float(len(signed) - len(acked)),
        "views.open asked": float(len(fake.attempts_to("views.open"))),
    }


def summarise(title: str, runs: list[dict[str, float]]) -> None:
    print(title)
    print(f"{'':<24} {'median':>10} {'min':>10} {'max':>10}   per run")
    for key in runs[0]:
        values = [run[key] for run in runs]
        each = " ".join(f"{v:.2f}" for v in values)
        print(
            f"{key:<24} {statistics.median(values):10.2f} {min(values):10.2f} "
            f"{max(values):10.2f}   {each}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", help="Postgres URL (default: a SQLite file per run)")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--slow-slack", action="store_true")
    parser.add_argument(
        "--isolated", action="store_true", help="CPU per ack, one thread, no server (low noise)"
    )
    parser.add_argument("--modal", choices=sorted(MODAL_COMMANDS), default="ops-settings")
    parser.add_argument("--modals", type=int, default=200)
    parser.add_argument("--helps", type=int, default=200)
    args = parser.parse_args()

    backend = "postgres" if args.database_url else "sqlite"
    runs: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            database_url = _fresh_database(args.database_url, Path(tmp), run)
            if args.slow_slack:
                runs.append(slow_slack_run(args, database_url))
            elif args.isolated:
                runs.append(isolated_run(args, database_url))
            else:
                runs.append(normal_run(args, database_url))
    if args.slow_slack:
        command, text = MODAL_COMMANDS[args.modal]
        summarise(
            f"slow Slack ({SLOW_SECONDS:.0f} s views.open/users.info), {backend}: "
            f"{args.modals} x `{command} {text}`".rstrip()
            + f" + {args.helps} x `/ops help` at once, {args.runs} run(s); target 100% acks < 3 s",
            runs,
        )
    elif args.isolated:
        summarise(
            f"isolated, {backend}: 600 signed `/ops help` per app and round, one thread, "
            f"{args.rounds} rounds, {args.runs} run(s); target ratio <= 1.2",
            runs,
        )
    else:
        summarise(
            f"normal Slack, {backend}: {args.requests} signed /ops commands per app, "
            f"concurrency {args.concurrency}, {args.runs} run(s); target p99 ratio <= 1.2",
            runs,
        )


if __name__ == "__main__":
    main()
