"""Ack latency of the real opsbot app for every request kind, side by side with a bare Bolt app.

opsbot (the real wiring, `bot.wiring.build_container`) and a Bolt app that only acks run behind
the same production server (bot/web/server.py, waitress, 16 threads) in this process, against
the same Web API stand-in (bench/ack_stand_in.py, its own process: Slack's side of a call is not
opsbot's CPU). The load client runs in a process of its own (bench/ack_client.py). For each kind
(bench/ack_kinds.py: `/feedback <text>` that stores, the feedback form submitted, a triage button
that decides a ticket, account options, capture-emoji events with Slack's retries) every round
sends one batch to each app, alternating which goes first, with the same arrival pattern.

Load: by default open loop, as Slack sends: Poisson arrivals at `--rate` per second (50: a busy
workspace's peak of one kind), latency counted from each request's scheduled arrival.
`--rate 0 --concurrency 16` is the closed-loop saturation test of the earlier version.

After each opsbot batch the benchmark waits until opsbot's after-ack work is done, so that it
never lands in the bare app's batch (it does count against opsbot's own acks, as in
production). Each run starts from a fresh database (a SQLite file; Postgres with fsync and
synchronous commit on, a throwaway cluster unless `--postgres-url` is given) and ends by
checking that each request was stored exactly once (`stored - sent`, 0 for every kind).

Printed per backend: p50 and p99 per kind and app, the p99 ratio opsbot/bare per kind (median
and min-max over `--runs`), and the goal: p99 <= 1.2x bare for every kind, on both backends.

    .venv/bin/python -m bench.ack_latency [--runs 3] [--requests 120] [--rate 50]
        [--kinds command,modal,button,options,event] [--backends sqlite,postgres]
        [--postgres-url URL] [--rate 0 --concurrency 16]
    .venv/bin/python -m bench.ack_latency --slow-slack [--modal ops-settings|feedback] [--runs 3]
        [--postgres-url URL]   # SQLite unless a URL is given
    .venv/bin/python -m bench.ack_latency --isolated [--runs 3]   # CPU per ack, low noise
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from slack_bolt.adapter.wsgi import SlackRequestHandler

from bench.ack_common import (
    GOAL,
    ROOT,
    SECRET,
    fresh_database,
    percentile,
    serve,
    settings,
    summarise,
)
from bench.ack_kinds import KINDS, Workload, bare_bolt_app
from bench.ack_slow import MODAL_COMMANDS, SLOW_SECONDS, isolated_run, slow_slack_run
from bench.ack_stand_in import StandIn
from bench.postgres import durable_postgres
from bot.wiring import Container, build_container
from tests.support.slack_requests import SignedRequest, SlackRequests

DEFAULT_RATE = 50.0  # requests per second of one kind: a busy workspace's peak, below saturation
WARM_UP = 10  # requests per kind and app before measuring
TARGET = 1.2


class LoadClient:
    """bench/ack_client.py in its own process, one batch at a time."""

    def __init__(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "bench.ack_client"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )

    def send(
        self, url: str, requests: list[SignedRequest], *, rate: float, concurrency: int, seed: int
    ) -> list[float]:
        assert self._process.stdin is not None
        assert self._process.stdout is not None
        batch = {
            "url": url,
            "concurrency": concurrency,
            "rate": rate,
            "seed": seed,
            "requests": [{"body": r.body.decode(), "headers": r.headers} for r in requests],
        }
        self._process.stdin.write(json.dumps(batch) + "\n")
        self._process.stdin.flush()
        answer = json.loads(self._process.stdout.readline())
        failed = [s for s in answer["statuses"] if s != 200]
        if failed:
            raise RuntimeError(f"{len(failed)} of {len(requests)} not acked: statuses {failed[:5]}")
        return list(answer["latencies"])

    def close(self) -> None:
        assert self._process.stdin is not None
        self._process.stdin.close()
        self._process.wait(timeout=10)


def settle(container: Container, timeout: float = 30.0) -> None:
    """Waits until opsbot's work after the acks is done (after-ack pools, event ids written)."""
    deadline = time.monotonic() + timeout
    after_ack = container.after_ack
    quiet_since: float | None = None
    while time.monotonic() < deadline:
        busy = after_ack.pool.in_flight() + after_ack.background.in_flight()
        if busy:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > 0.1:  # listeners handing over work just now
            break
        time.sleep(0.01)
    container.events.flush()


def side_by_side_run(
    args: argparse.Namespace, database_url: str, client: LoadClient
) -> tuple[dict[str, float], dict[str, tuple[int, int]]]:
    fake = StandIn()
    requests = SlackRequests(SECRET, response_url=fake.response_url)
    container = build_container(settings(fake.api_url, database_url))
    workload = Workload(requests)
    per_batch = max(1, args.requests // args.rounds)
    workload.seed(container, tickets=per_batch * args.rounds + WARM_UP)
    ours_url, stop_ours = serve(container.web)
    bare_url, stop_bare = serve(SlackRequestHandler(bare_bolt_app(fake.api_url)))
    apps = {"opsbot": ours_url, "bare": bare_url}
    latencies: dict[tuple[str, str], list[float]] = {
        (app, kind): [] for app in apps for kind in args.kinds
    }

    def batch(app: str, kind: str, count: int, seed: int) -> list[float]:
        signed = workload.build(kind, count, to_opsbot=app == "opsbot")
        took = client.send(
            apps[app], signed, rate=args.rate, concurrency=args.concurrency, seed=seed
        )
        if app == "opsbot":
            settle(container)
        return took

    try:
        for kind in args.kinds:
            for app in apps:
                batch(app, kind, WARM_UP, seed=0)
        for round_no in range(args.rounds):
            order = ("opsbot", "bare") if round_no % 2 == 0 else ("bare", "opsbot")
            for kind in args.kinds:
                for app in order:  # the same arrival pattern for both apps
                    seed = round_no * len(KINDS) + KINDS.index(kind) + 1
                    latencies[(app, kind)] += batch(app, kind, per_batch, seed)
        stored = workload.stored(container)
    finally:
        stop_ours()
        stop_bare()
        container.close()
        fake.stop()
    numbers: dict[str, float] = {}
    for kind in args.kinds:
        ours, bare = latencies[("opsbot", kind)], latencies[("bare", kind)]
        numbers[f"{kind}: bare p50 ms"] = percentile(bare, 0.5) * 1000
        numbers[f"{kind}: opsbot p50 ms"] = percentile(ours, 0.5) * 1000
        numbers[f"{kind}: bare p99 ms"] = percentile(bare, 0.99) * 1000
        numbers[f"{kind}: opsbot p99 ms"] = percentile(ours, 0.99) * 1000
        numbers[f"{kind}: p99 ratio opsbot/bare"] = percentile(ours, 0.99) / percentile(bare, 0.99)
    for kind, (expected, found) in stored.items():
        if kind not in args.kinds:
            continue
        numbers[f"{kind}: stored - sent (0 = once)"] = float(found - expected)
    return numbers, stored


def load(args: argparse.Namespace) -> str:
    if args.rate:
        return f"Poisson arrivals at {args.rate:g}/s (at most {args.concurrency} in flight)"
    return f"closed loop, {args.concurrency} in flight"


def side_by_side(args: argparse.Namespace, backend: str, base_url: str | None) -> list[str]:
    runs: list[dict[str, float]] = []
    client = LoadClient()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for run in range(args.runs):
                database_url = fresh_database(base_url, Path(tmp), run)
                numbers, _ = side_by_side_run(args, database_url, client)
                runs.append(numbers)
    finally:
        client.close()
    summarise(
        f"\n{backend}: {args.requests} signed requests per kind and app per run, {load(args)}, "
        f"{args.rounds} alternating rounds, {args.runs} run(s)",
        runs,
    )
    verdicts = []
    for kind in args.kinds:
        ratios = [run[f"{kind}: p99 ratio opsbot/bare"] for run in runs]
        median = statistics.median(ratios)
        verdict = "meets" if median <= TARGET else "MISSES"
        verdicts.append(
            f"{backend:<9} {kind:<8} p99 ratio {median:5.2f} "
            f"(min {min(ratios):.2f}, max {max(ratios):.2f})  {verdict} the goal (<= {TARGET})"
        )
    return verdicts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--postgres-url", "--database-url", dest="postgres_url")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--kinds", default=",".join(KINDS), help="a subset, comma-separated")
    parser.add_argument("--requests", type=int, default=120, help="per kind and app per run")
    parser.add_argument(
        "--rate",
        type=float,
        default=DEFAULT_RATE,
        help="requests per second, Poisson arrivals (open loop); 0: closed loop",
    )
    parser.add_argument(
        "--concurrency", type=int, default=64, help="most requests in flight (closed loop: all)"
    )
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--slow-slack", action="store_true")
    parser.add_argument(
        "--isolated", action="store_true", help="CPU per ack, one thread, no server (low noise)"
    )
    parser.add_argument("--modal", choices=sorted(MODAL_COMMANDS), default="ops-settings")
    parser.add_argument("--modals", type=int, default=200)
    parser.add_argument("--helps", type=int, default=200)
    args = parser.parse_args()
    args.kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    if unknown := set(args.kinds) - set(KINDS):
        parser.error(f"unknown kinds {sorted(unknown)}; known: {', '.join(KINDS)}")
    if args.slow_slack or args.isolated:
        other_modes(args)
        return
    verdicts: list[str] = []
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    for backend in backends:
        if backend == "sqlite":
            verdicts += side_by_side(args, "sqlite", None)
        elif backend == "postgres":
            with durable_postgres(args.postgres_url) as url:
                verdicts += side_by_side(args, "postgres", url)
        else:
            parser.error(f"unknown backend {backend!r}")
    print(f"\ngoal: {GOAL}")
    print("\n".join(verdicts))


def other_modes(args: argparse.Namespace) -> None:
    """`--slow-slack` and `--isolated` (bench/ack_slow.py), on SQLite or `--postgres-url`."""
    backend = "postgres" if args.postgres_url else "sqlite"
    runs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            database_url = fresh_database(args.postgres_url, Path(tmp), run)
            if args.slow_slack:
                runs.append(slow_slack_run(args, database_url))
            else:
                runs.append(isolated_run(args, database_url))
    if args.slow_slack:
        command, text = MODAL_COMMANDS[args.modal]
        summarise(
            f"slow Slack ({SLOW_SECONDS:.0f} s views.open/users.info), {backend}: "
            f"{args.modals} x `{command} {text}`".rstrip()
            + f" + {args.helps} x `/ops help` at once, {args.runs} run(s); target 100% acks < 3 s",
            runs,
        )
    else:
        summarise(
            f"isolated, {backend}: 600 signed `/ops help` per app and round, one thread, "
            f"{args.rounds} rounds, {args.runs} run(s); target ratio <= 1.2",
            runs,
        )


if __name__ == "__main__":
    main()
