"""Weekly feedback digest benchmark: seeds N feedback items for one workspace (plus a second
workspace as noise) and times composing that workspace's weekly digest, the way a scheduled run
does (`FeedbackDigestRunner.compose`: every SQL aggregation plus the Block Kit builder).

Prints, per backend and size: seed time, the digest's median and worst time over several runs,
and the peak Python memory allocated while composing (tracemalloc) — which should stay flat as
the table grows, because every aggregation is bounded by an index and by list lengths.
Targets (DESIGN.md): under 1 s at 1,000,000 rows; memory that does not grow with the rows.

    .venv/bin/python -m bench.digest [--sizes 10000 1000000] [--backends sqlite postgres]
        [--postgres-url postgresql://...]   # default: a throwaway cluster (scripts/pg-throwaway)
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.engine import make_url

from bot.config import load_settings
from bot.db import normalise_url, upgrade_database
from bot.rituals.feedback.ids import FeedbackRituals
from bot.rituals.feedback.models import FeedbackAccount, FeedbackItem
from bot.wiring import build_container
from bot.workspace.models import Workspace
from tests.support.fake_slack import FakeSlackApi

ROOT = Path(__file__).resolve().parent.parent
TEAM = "TBENCH"
NOISE_TEAM = "TNOISE"
NOW = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
SPAN = timedelta(days=730)  # items spread over two years: ~1.4 % of them in any one week
AREAS = ["Onboarding", "Reporting", "Integrations", "Billing", "Mobile", None]
ACCOUNTS = 2000
CHUNK = 20_000
RUNS = 7


def _items(team_id: str, count: int, seed: int) -> Iterator[list[dict[str, Any]]]:
    rng = random.Random(seed)
    chunk: list[dict[str, Any]] = []
    for n in range(count):
        age = timedelta(seconds=rng.random() * SPAN.total_seconds())
        captured = NOW - age
        recent = age < timedelta(days=28)
        status = (
            "new"
            if recent and rng.random() < 0.6
            else rng.choice(
                ["new", "reviewed", "reviewed", "planned", "shipped", "declined", "declined"]
            )
        )
        reviewed = None
        if status != "new":
            reviewed = min(NOW, captured + timedelta(hours=rng.expovariate(1 / 72)))
        chunk.append(
            {
                "team_id": team_id,
                "text": f"Customer feedback {n}: export to CSV is slow for report {n % 977}",
                "account_id": rng.randint(1, ACCOUNTS) if rng.random() < 0.6 else None,
                "area": rng.choice(AREAS),
                "source": "call",
                "importance": "important",
                "submitted_by": f"U{n % 300:04d}",
                "on_behalf_of": f"U{n % 300:04d}",
                "status": status,
                "request_count": 1 + int(rng.paretovariate(2.0)) - 1,
                "permalink": f"https://acme.slack.com/archives/C1/p{n}",
                "captured_at": captured,
                "reviewed_at": reviewed,
                "status_changed_at": reviewed or captured,
            }
        )
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def seed(container: Any, size: int) -> float:
    started = time.perf_counter()
    with container.engine.begin() as connection:
        for team in (TEAM, NOISE_TEAM):
            connection.execute(
                insert(Workspace),
                [{"team_id": team, "name": team, "time_zone": "UTC", "created_at": NOW}],
            )
        connection.execute(
            insert(FeedbackAccount),
            [
                {
                    "team_id": TEAM,
                    "name": f"Account {a}",
                    "name_key": f"account {a}",
                    "arr": (a * 7919) % 2_000_000,
                    "created_at": NOW,
                }
                for a in range(1, ACCOUNTS + 1)
            ],
        )
    for team, count, rng_seed in ((TEAM, size, 1), (NOISE_TEAM, max(1000, size // 10), 2)):
        for chunk in _items(team, count, rng_seed):
            with container.engine.begin() as connection:
                connection.execute(insert(FeedbackItem), chunk)
    # Fresh statistics (and on Postgres the visibility map), as autovacuum keeps them.
    if container.engine.dialect.name == "postgresql":
        autocommit = container.engine.execution_options(isolation_level="AUTOCOMMIT")
        with autocommit.connect() as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with container.engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    return time.perf_counter() - started


def time_digest(container: Any) -> tuple[float, float, float, int]:
    runner = container.registry.get(FeedbackRituals.DIGEST.value)

    def compose() -> int:
        posts = runner.compose(
            team_id=TEAM, channel_id="CDIGEST", period="bench", options={}, now=NOW
        )
        return len(posts[0].blocks)

    compose()  # warm caches and the connection pool, as a long-running process would be
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        blocks = compose()
        times.append(time.perf_counter() - started)
    tracemalloc.start()
    compose()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(times), max(times), peak / 1024 / 1024, blocks


def run(backend: str, url: str, size: int, fake: FakeSlackApi) -> None:
    upgrade_database(url)
    settings = load_settings(
        _env_file=None,
        slack_bot_token="xoxb-bench",
        slack_signing_secret="bench-signing-secret",
        slack_api_url=fake.api_url,
        database_url=url,
    )
    container = build_container(settings, clock=lambda: NOW)
    try:
        seeded = seed(container, size)
        median, worst, peak_mb, blocks = time_digest(container)
    finally:
        container.close()
    print(
        f"{backend:8} {size:>9,} rows  seed {seeded:7.1f} s  digest median {median * 1000:7.1f} ms"
        f"  worst {worst * 1000:7.1f} ms  peak memory {peak_mb:6.2f} MiB  ({blocks} blocks)",
        flush=True,
    )


def _postgres_database(server_url: str, name: str) -> str:
    from sqlalchemy import create_engine

    admin = create_engine(normalise_url(server_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return (
        make_url(normalise_url(server_url)).set(database=name).render_as_string(hide_password=False)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--postgres-url", help="a server where the benchmark may create databases")
    args = parser.parse_args()
    fake = FakeSlackApi().start()
    pg_dir = None
    try:
        with tempfile.TemporaryDirectory() as folder:
            for backend in args.backends:
                server = args.postgres_url
                if backend == "postgres" and server is None:
                    pg_dir = tempfile.mkdtemp(prefix="opsbot-bench-pg.")
                    server = subprocess.run(
                        [str(ROOT / "scripts" / "pg-throwaway"), "start", pg_dir],
                        capture_output=True, text=True, check=True,
                    ).stdout.strip()  # fmt: skip
                for size in args.sizes:
                    if backend == "sqlite":
                        url = f"sqlite:///{Path(folder) / f'digest-{size}.db'}"
                    else:
                        assert server is not None
                        url = _postgres_database(server, f"opsbot_bench_{size}")
                    run(backend, url, size, fake)
    finally:
        fake.stop()
        if pg_dir is not None:
            subprocess.run([str(ROOT / "scripts" / "pg-throwaway"), "stop", pg_dir], check=False)


if __name__ == "__main__":
    main()
