"""The two ack benchmarks besides the side-by-side one (bench/ack_latency.py runs them):

- slow Slack (`--slow-slack`): the stand-in answers views.open and users.info after 5 s; 200
  slash commands that open a modal and 200 `/ops help` arrive at once (a fresh connection each,
  as Slack sends them) at `opsbot serve` in its own process; printed: the share acknowledged
  (HTTP 200) within Slack's 3 s, p50/p99 of the acks, and how many modals Slack was asked to
  open. `--modal` picks the command: `/ops settings` or `/feedback` (opens the form).
- isolated (`--isolated`): no server, no client, one thread: the CPU an ack costs.
"""

from __future__ import annotations

import argparse
import signal
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from bench.ack_common import SECRET, TOKEN, percentile, settings
from bench.ack_kinds import bare_bolt_app
from bot.web.slack_endpoint import SlackEndpoint
from bot.wiring import build_container
from tests.support.fake_slack import FakeSlackApi
from tests.support.slack_requests import SlackRequests


def isolated_run(args: argparse.Namespace, database_url: str) -> dict[str, float]:
    """No server, no client, one thread: the CPU an ack costs in each app, without the noise of
    a shared machine. opsbot's endpoint (verification, shape check, Bolt dispatch) against a
    bare Bolt `dispatch`; both include Bolt's own 10 ms ack polling."""
    from slack_bolt import BoltRequest

    fake = FakeSlackApi().start()
    requests = SlackRequests(SECRET, response_url=fake.response_url())
    container = build_container(settings(fake.api_url, database_url))
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
    seeding = build_container(settings(fake.api_url, database_url))
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
