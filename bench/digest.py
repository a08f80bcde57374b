"""The weekly feedback digest over a big table, cold and warm, on SQLite and Postgres (durable).

One workspace holds N feedback items (default 10,000 and 1,000,000) spread over two years, plus a
second workspace with N/10 as noise. The digest is composed the way a scheduled run composes it
(`FeedbackDigestRunner.compose` from `bot.wiring.build_container`: every SQL aggregation plus
the Block Kit builder), for all areas, and warm also for one area.

What cold and warm mean here (measured, not assumed):
- cold: the first digest of a new process with a new engine: no pooled connection, nothing in
  SQLAlchemy's statement cache, an empty SQLite page cache; on a Postgres cluster the benchmark
  started itself the server is also restarted first, so its shared buffers are empty. The
  operating system's file cache is not dropped (that needs root and would disturb every other
  process on the machine), so the table is in memory when the machine has room for it.
- warm: the same process composing again (`--repeat` times).
Each run is its own process (`--runs`, default 3); the report gives the median and min-max.

Memory: peak Python allocation while composing (tracemalloc, one extra compose) and the
process's peak RSS, at every size: both should stay flat from 10,000 to 1,000,000 rows.

Seeding is one INSERT ... SELECT per workspace generated in the database (a recursive CTE on
SQLite, generate_series on Postgres), with deterministic pseudo-random values, so both backends
hold the same rows. SQLite files are cached between runs in --cache-dir (keyed by size, data
version and migrations); Postgres databases are reused when --postgres-url is given and they
already hold the rows (--reseed to rebuild).

    .venv/bin/python -m bench.digest                      # both backends, 10k and 1M, 3 runs
    .venv/bin/python -m bench.digest --backends sqlite --sizes 1000000 --runs 5
    .venv/bin/python -m bench.digest --postgres-url postgresql://postgres@127.0.0.1:5432/postgres

Goal (DESIGN.md / issue 15): the weekly digest over 1,000,000 rows < 0.5 s, cold and warm, with
memory that does not grow with the rows.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

from bench.digest_data import DATA_VERSION, NOW, TEAM, postgres_database, sqlite_database
from bot.config import load_settings
from bot.rituals.feedback.ids import FeedbackRituals
from bot.wiring import build_container
from tests.support.fake_slack import FakeSlackApi

ROOT = Path(__file__).resolve().parent.parent
GOAL_SECONDS = 0.5
AREA = "Reporting"

# ---- one measured run: its own process ----------------------------------------------------


def child(url: str, repeat: int, api_url: str) -> dict[str, Any]:
    settings = load_settings(
        _env_file=None,
        slack_bot_token="xoxb-bench",
        slack_signing_secret="bench-signing-secret",
        slack_api_url=api_url,
        database_url=url,
    )
    container = build_container(settings, clock=lambda: NOW)
    runner = container.registry.get(FeedbackRituals.DIGEST.value)

    def compose(options: dict[str, Any]) -> int:
        posts = runner.compose(
            team_id=TEAM, channel_id="CDIGEST", period="bench", options=options, now=NOW
        )
        return len(posts[0].blocks)

    def timed(options: dict[str, Any]) -> float:
        started = time.perf_counter()
        compose(options)
        return time.perf_counter() - started

    try:
        cold = timed({})
        warm = [timed({}) for _ in range(repeat)]
        area = [timed({"area": AREA}) for _ in range(repeat)]
        tracemalloc.start()
        blocks = compose({})
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    finally:
        container.close()
    return {
        "cold": cold,
        "warm": warm,
        "area": area,
        "blocks": blocks,
        "peak_mib": peak / 2**20,
        "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def measure(url: str, repeat: int, api_url: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.digest", "--child", url, "--repeat", str(repeat),
         "--api-url", api_url],
        capture_output=True, text=True, check=True, cwd=ROOT,
    ).stdout  # fmt: skip
    return dict(json.loads(out.strip().splitlines()[-1]))


# ---- databases ---------------------------------------------------------------------------


class Cluster:
    """A throwaway durable Postgres (scripts/pg-throwaway), restartable to empty its caches."""

    def __init__(self) -> None:
        self.folder = tempfile.mkdtemp(prefix="opsbot-bench-pg.")
        self.url = subprocess.run(
            [str(ROOT / "scripts" / "pg-throwaway"), "start", self.folder],
            capture_output=True, text=True, check=True,
            env={**os.environ, "OPSBOT_PG_DURABLE": "1"},
        ).stdout.strip()  # fmt: skip

    def restart(self) -> None:
        pg_config = shutil.which("pg_config")
        bindir = (
            Path(
                subprocess.run(
                    [pg_config, "--bindir"], capture_output=True, text=True
                ).stdout.strip()
            )
            if pg_config
            else sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
        )
        if not (bindir / "pg_ctl").exists():
            bindir = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
        command = [str(bindir / "pg_ctl"), "-D", f"{self.folder}/data", "-w", "-m", "fast"]
        command += ["-l", f"{self.folder}/server.log", "restart"]
        if os.getuid() == 0:
            command = ["runuser", "-u", "opsbot-pg", "--", *command]
        subprocess.run(command, capture_output=True, check=True)

    def stop(self) -> None:
        subprocess.run([str(ROOT / "scripts" / "pg-throwaway"), "stop", self.folder], check=False)


# ---- report ------------------------------------------------------------------------------


def spread(values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return f"median {statistics.median(ms):6.1f} ms (min {min(ms):.1f} - max {max(ms):.1f})"


def report(backend: str, size: int, seeded: float | None, runs: list[dict[str, Any]]) -> bool:
    cold = [r["cold"] for r in runs]
    warm = [min(r["warm"]) for r in runs] if runs[0]["warm"] else cold
    warm_all = [w for r in runs for w in r["warm"]]
    area = [a for r in runs for a in r["area"]]
    worst = max(statistics.median(cold), statistics.median(warm_all or warm))
    met = worst < GOAL_SECONDS
    seed_note = "cached" if seeded is None else f"seeded in {seeded:.1f} s"
    print(
        f"{backend} {size:,} rows ({seed_note}), {len(runs)} processes, {runs[0]['blocks']} blocks"
    )
    print(f"  cold (first in a new process) {spread(cold)}")
    print(f"  warm (repeats, all runs)      {spread(warm_all or warm)}")
    if area:
        print(f"  warm, one area ({AREA})  {spread(area)}")
    print(
        f"  memory: peak Python allocation while composing "
        f"{max(r['peak_mib'] for r in runs):.2f} MiB, peak RSS "
        f"{max(r['rss_mib'] for r in runs):.0f} MiB"
    )
    print(f"  goal < {GOAL_SECONDS} s cold and warm: {'met' if met else 'MISSED'}", flush=True)
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--runs", type=int, default=3, help="processes per backend and size")
    parser.add_argument("--repeat", type=int, default=5, help="warm digests per process")
    parser.add_argument("--postgres-url", help="a server where the benchmark may create databases")
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "opsbot-bench-cache",
        help="where seeded SQLite files are kept between runs",
    )
    parser.add_argument("--reseed", action="store_true", help="rebuild cached databases")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.repeat, args.api_url)))
        return 0

    fake = FakeSlackApi().start()
    cluster: Cluster | None = None
    all_met = True
    try:
        for backend in args.backends:
            server = args.postgres_url
            if backend == "postgres" and server is None:
                cluster = Cluster()
                server = cluster.url
            for size in args.sizes:
                seeded: float | None = None
                if backend == "sqlite":
                    url, seeded = sqlite_database(args.cache_dir, size, args.reseed)
                else:
                    assert server is not None
                    url, seeded = postgres_database(
                        server, f"opsbot_digest_{size}_v{DATA_VERSION}", size, args.reseed
                    )
                runs = []
                for _ in range(args.runs):
                    if cluster is not None and backend == "postgres":
                        cluster.restart()
                    runs.append(measure(url, args.repeat, fake.api_url))
                all_met = report(backend, size, seeded, runs) and all_met
    finally:
        fake.stop()
        if cluster is not None:
            cluster.stop()
    return 0 if all_met else 1


if __name__ == "__main__":
    raise SystemExit(main())
