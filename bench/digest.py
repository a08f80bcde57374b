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
import hashlib
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url

from bot.config import load_settings
from bot.db import MIGRATIONS_DIR, make_engine, normalise_url, upgrade_database
from bot.rituals.feedback.ids import FeedbackRituals
from bot.wiring import build_container
from tests.support.fake_slack import FakeSlackApi

ROOT = Path(__file__).resolve().parent.parent
GOAL_SECONDS = 0.5
TEAM = "TBENCH"
NOISE_TEAM = "TNOISE"
NOW = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
SPAN_SECONDS = 730 * 86400  # items spread over two years: ~1 % of them in any one week
ACCOUNTS = 2000
DATA_VERSION = 4  # bump when the generated rows change, so cached SQLite files are rebuilt
AREA = "Reporting"

# Deterministic pseudo-random numbers in [0, 1) from the row number, one stream per k: integer
# arithmetic that SQLite and Postgres compute alike (n times a stream's own large multiplier,
# modulo a prime; different multipliers keep the streams from moving together).
PRIME = 4294967291
MULTIPLIERS = (
    1897563745, 1050056535, 3239039017, 1155376653, 1678659465,
    2026282361, 1072501891, 1236000775, 3926378845, 1632426865,
)  # fmt: skip


def _u(k: int, real: str) -> str:
    return f"(CAST((n * {MULTIPLIERS[k - 1]} + {k}) % {PRIME} AS {real}) / {PRIME})"


def _rows_sql(dialect: str, team: str, first_id: int, count: int, with_accounts: bool) -> str:
    """One INSERT ... SELECT of `count` items with ids from `first_id`, in the order they were
    captured (as a running bot stores them: ids and the table's pages follow time).

    Shape: captured uniformly over two years; in the last 28 days 60% still new, otherwise
    statuses new 1/7, reviewed 2/7, planned, shipped 1/7 each, declined 2/7; reviewed within
    up to 14 days (mostly quickly); 60% with one of 2,000 accounts; six areas (one empty);
    request counts mostly 1, a long tail up to 45; 1% merged into the item before."""
    if dialect == "sqlite":
        series = (
            f"WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq "  # noqa: S608
            f"WHERE n < {count}), base AS (SELECT n, "
        )
        stamp = "strftime('%Y-%m-%d %H:%M:%S', {0}, 'unixepoch') || '.000000'"
        user = "'U' || printf('%04d', n % 300)"
        integer = "CAST({0} AS INTEGER)"
        least = "min({0}, {1})"
        source = "FROM seq"
        real = "REAL"
    else:
        series = "WITH base AS (SELECT n, "
        stamp = "to_timestamp({0})"
        user = "'U' || lpad((n % 300)::text, 4, '0')"
        integer = "CAST(floor({0}) AS BIGINT)"
        least = "least({0}, {1})"
        source = f"FROM generate_series(CAST(1 AS BIGINT), {count}) AS seq(n)"
        real = "DOUBLE PRECISION"

    def u(k: int) -> str:
        return _u(k, real)

    now = int(NOW.timestamp())
    age = integer.format(f"{u(1)} * {SPAN_SECONDS}")
    account = (
        f"CASE WHEN {u(5)} < 0.6 THEN 1 + {integer.format(f'{u(6)} * {ACCOUNTS}')} END"
        if with_accounts
        else "CAST(NULL AS INTEGER)"
    )
    areas = ["Onboarding", "Reporting", "Integrations", "Billing", "Mobile"]
    area = (
        f"CASE {integer.format(f'{u(7)} * 6')} "
        + " ".join(f"WHEN {i} THEN '{name}'" for i, name in enumerate(areas))
        + " END"
    )
    statuses = ["new", "reviewed", "reviewed", "planned", "shipped", "declined", "declined"]
    status = (
        f"CASE WHEN age < {28 * 86400} AND {u(2)} < 0.6 THEN 'new' ELSE "
        f"CASE {integer.format(f'{u(3)} * 7')} "
        + " ".join(f"WHEN {i} THEN '{name}'" for i, name in enumerate(statuses))
        + " END END"
    )
    requests = (
        f"CASE WHEN {u(8)} < 0.7 THEN 1 WHEN {u(8)} < 0.9 THEN 2 "
        f"WHEN {u(8)} < 0.97 THEN 3 + {integer.format(f'{u(9)} * 3')} "
        f"ELSE 6 + {integer.format(f'{u(9)} * 40')} END"
    )
    review_after = integer.format(f"{u(4)} * {u(4)} * {14 * 86400}")
    reviewed = stamp.format(least.format(str(now), "captured + review_after"))
    return (
        # S608: every piece is a constant of this file, nothing comes from outside
        "INSERT INTO feedback_items (id, team_id, text, account_id, area, source, importance, "  # noqa: S608
        "submitted_by, on_behalf_of, status, request_count, merged_into_id, permalink, "
        "captured_at, reviewed_at, status_changed_at) "
        f"{series}{age} AS age, {account} AS account_id, {area} AS area, "
        f"{requests} AS request_count, {u(10)} < 0.01 AS merged, "
        f"{review_after} AS review_after {source}), "
        f"typed AS (SELECT base.*, {status} AS status, {now} - age AS captured FROM base), "
        "ordered AS (SELECT typed.*, row_number() OVER (ORDER BY captured, n) AS r FROM typed) "
        f"SELECT r + {first_id - 1}, '{team}', "
        "'Customer feedback ' || r || ': export to CSV is slow for report ' || (r % 977), "
        "account_id, area, 'call', 'important', "
        f"{user}, {user}, status, request_count, "
        f"CASE WHEN merged AND r > 1 THEN r + {first_id - 2} END, "
        "'https://acme.slack.com/archives/C1/p' || r, "
        f"{stamp.format('captured')}, "
        f"CASE WHEN status <> 'new' THEN {reviewed} END, "
        f"{stamp.format('captured')} "
        "FROM ordered ORDER BY r"
    )


def _stored(moment: datetime, dialect: str) -> datetime | str:
    """A time as bot.db.UTCDateTime stores it (plain SQL here, without the ORM's types)."""
    return moment if dialect != "sqlite" else f"{moment:%Y-%m-%d %H:%M:%S.%f}"


def _plain_indexes(connection: Connection) -> list[tuple[str, str]]:
    """feedback_items' indexes that no constraint owns: (name, CREATE statement)."""
    if connection.dialect.name == "sqlite":
        query = (
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
            "AND tbl_name = 'feedback_items' AND sql IS NOT NULL"
        )
    else:
        query = (
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'feedback_items' "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)"
        )
    return [(row[0], row[1]) for row in connection.execute(text(query))]


def seed(engine: Engine, size: int) -> float:
    """Loads the rows with feedback_items' plain indexes dropped and builds them afterwards
    (minutes faster than keeping 8 indexes up to date row by row); on Postgres as superuser
    without the per-row foreign-key triggers too (the generated keys are valid)."""
    started = time.perf_counter()
    dialect = engine.dialect.name
    noise = max(1000, size // 10)
    with engine.begin() as connection:
        for team in (TEAM, NOISE_TEAM):
            connection.execute(
                text(
                    "INSERT INTO workspaces (team_id, name, time_zone, created_at) "
                    "VALUES (:team, :team, 'UTC', :now)"
                ),
                {"team": team, "now": _stored(NOW, dialect)},
            )
        connection.execute(
            text(
                "INSERT INTO feedback_accounts (id, team_id, name, name_key, arr, created_at) "
                "VALUES (:id, :team, :name, :key, :arr, :now)"
            ),
            [
                {
                    "id": a,
                    "team": TEAM,
                    "name": f"Account {a}",
                    "key": f"account {a}",
                    "arr": (a * 7919) % 2_000_000,
                    "now": _stored(NOW, dialect),
                }
                for a in range(1, ACCOUNTS + 1)
            ],
        )
        indexes = _plain_indexes(connection)
        for name, _ in indexes:
            connection.execute(text(f'DROP INDEX "{name}"'))
        if (
            dialect == "postgresql"
            and connection.execute(
                text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            ).scalar()
        ):
            connection.execute(text("SET LOCAL session_replication_role = replica"))
        connection.execute(text(_rows_sql(dialect, TEAM, 1, size, True)))
        connection.execute(text(_rows_sql(dialect, NOISE_TEAM, size + 1, noise, False)))
        for _, create in indexes:
            connection.execute(text(create))
        if dialect == "postgresql":
            for table in ("feedback_items", "feedback_accounts"):
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
    # What a running database would have: on Postgres autovacuum's statistics and visibility
    # map after a bulk load; on SQLite nothing, as opsbot never runs ANALYZE there.
    if dialect == "postgresql":
        with engine.execution_options(isolation_level="AUTOCOMMIT").connect() as connection:
            connection.execute(text("VACUUM ANALYZE"))
    return time.perf_counter() - started


def item_count(engine: Engine) -> int:
    with engine.connect() as connection:
        value = connection.execute(
            text("SELECT count(*) FROM feedback_items WHERE team_id = :team"), {"team": TEAM}
        ).scalar()
    return int(value or 0)


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


def postgres_database(
    server_url: str, name: str, size: int, reseed: bool
) -> tuple[str, float | None]:
    """The URL of database `name` holding `size` items: reused when it does, else built."""
    admin = create_engine(normalise_url(server_url), isolation_level="AUTOCOMMIT")
    url = make_url(normalise_url(server_url)).set(database=name).render_as_string(False)
    try:
        with admin.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).scalar()
        if exists and not reseed:
            engine = make_engine(url)
            try:
                if item_count(engine) == size:
                    return url, None
            finally:
                engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    upgrade_database(url)
    engine = make_engine(url)
    try:
        return url, seed(engine, size)
    finally:
        engine.dispose()


def cache_key(size: int) -> str:
    migrations = sorted(p.name for p in (MIGRATIONS_DIR / "versions").glob("*.py"))
    digest = hashlib.sha256(f"{DATA_VERSION}:{size}:{migrations}".encode()).hexdigest()[:12]
    return f"digest-{size}-{digest}.sqlite"


def sqlite_database(cache_dir: Path, size: int, reseed: bool) -> tuple[str, float | None]:
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / cache_key(size)
    if path.exists() and not reseed:
        return f"sqlite:///{path}", None
    building = path.with_suffix(".building")
    for leftover in cache_dir.glob(f"{building.name}*"):
        leftover.unlink()
    url = f"sqlite:///{building}"
    upgrade_database(url)
    engine = make_engine(url)
    try:
        seconds = seed(engine, size)
    finally:
        engine.dispose()
    # Everything into the main file (no -wal beside it), so the cache is one file to move.
    connection = sqlite3.connect(building)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.execute("PRAGMA journal_mode=DELETE")
    connection.close()
    shutil.move(building, path)
    return f"sqlite:///{path}", seconds


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
