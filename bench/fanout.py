"""Fan-out benchmark: M posts across K channels against the Web API stand-in enforcing one post
per second per channel (429 + Retry-After beyond). Prints the achieved rate as a fraction of the
allowed rate (target >= 0.9), duplicates (target 0) and lost posts (target 0); then the
scheduler's wake-up lateness for 1,000 scheduled jobs (p50/p99).

    .venv/bin/python -m bench.fanout [--posts 200] [--channels 20] [--jobs 1000]
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path

from apscheduler.schedulers.background import BackgroundScheduler

from bot.config import load_settings
from bot.db import upgrade_database, utcnow
from bot.outbox.domain import OutgoingPost
from bot.wiring import build_container
from tests.support.fake_slack import TEAM_ID, FakeSlackApi


def _serve_fake(connection: Connection) -> None:
    """The Web API stand-in in its own process: Slack is not in our process, and sharing one
    GIL with the sender would measure the stand-in as much as the sender."""
    fake = FakeSlackApi().start()
    fake.enforce_channel_rate(per_second=1.0, retry_after=1)
    connection.send(fake.api_url)
    connection.recv()
    sent = [(c.channel, c.params["text"]) for c in fake.calls_to("chat.postMessage")]
    connection.send((sent, len(fake.attempts_to("chat.postMessage"))))
    fake.stop()


def fanout(posts: int, channels: int) -> None:
    parent, child = multiprocessing.get_context("spawn").Pipe()
    server = multiprocessing.get_context("spawn").Process(target=_serve_fake, args=(child,))
    server.start()
    api_url = parent.recv()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        upgrade_database(url)
        settings = load_settings(
            _env_file=None,
            slack_bot_token="xoxb-bench",
            slack_signing_secret="bench-signing-secret",
            slack_api_url=api_url,
            database_url=url,
        )
        container = build_container(settings)
        now = utcnow()
        container.services.workspaces.ensure_workspace(team_id=TEAM_ID, now=now)
        per_channel = posts // channels
        with container.sessions.begin() as session:
            for c in range(channels):
                container.outbox.enqueue(
                    session,
                    team_id=TEAM_ID,
                    ritual="feedback-digest",
                    period="bench",
                    channel_id=f"C{c:04d}",
                    posts=[
                        OutgoingPost(part=f"p{i}", text=f"post {i} in C{c:04d}", blocks=[])
                        for i in range(per_channel)
                    ],
                    now=now,
                )
        total = per_channel * channels
        started = time.monotonic()
        container.sender.drain()
        elapsed = time.monotonic() - started
        parent.send("report")
        sent, attempts = parent.recv()
        server.join(timeout=10)
        counts = Counter(sent)
        duplicates = sum(n - 1 for n in counts.values())
        lost = total - len(counts)
        # Allowed: 1 post/s per channel; the first post of each channel is free at t=0.
        allowed_seconds = per_channel - 1
        fraction = allowed_seconds / elapsed if elapsed else 0.0
        ratelimited = attempts - len(sent)
        print(f"fan-out: {total} posts across {channels} channels in {elapsed:.2f}s")
        print(f"  achieved rate / allowed rate: {fraction:.3f}  (target >= 0.9)")
        print(f"  duplicates: {duplicates}  lost: {lost}  429s received: {ratelimited}")
        container.close()


def lateness(jobs: int) -> None:
    scheduler = BackgroundScheduler(
        timezone=UTC, job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60}
    )
    late: list[float] = []
    lock = threading.Lock()
    done = threading.Event()

    def job(planned: datetime) -> None:
        with lock:
            late.append((datetime.now(UTC) - planned).total_seconds())
            if len(late) == jobs:
                done.set()

    scheduler.start()
    base = datetime.now(UTC) + timedelta(seconds=2)
    for i in range(jobs):
        planned = base + timedelta(milliseconds=5 * i)
        scheduler.add_job(
            job, "date", run_date=planned, args=(planned,), id=f"bench-{i}", replace_existing=True
        )
    done.wait(60)
    scheduler.shutdown(wait=False)
    ordered = sorted(late)
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[int(len(ordered) * 0.99) - 1] * 1000
    print(f"scheduler wake-up lateness for {len(ordered)} jobs: p50 {p50:.1f} ms, p99 {p99:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--channels", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=1000)
    args = parser.parse_args()
    fanout(args.posts, args.channels)
    lateness(args.jobs)


if __name__ == "__main__":
    main()
