"""The rows of bench/digest.py: N feedback items generated in the database, the same on SQLite
and Postgres, and the databases that hold them (SQLite files cached between runs, Postgres
databases reused when they already hold the rows).

Seeding is one INSERT ... SELECT per workspace (a recursive CTE on SQLite, generate_series on
Postgres) with deterministic pseudo-random values, loaded with feedback_items' plain indexes
dropped and built afterwards: ~45 s for 1.1M rows on a busy machine instead of minutes.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url

from bot.db import MIGRATIONS_DIR, make_engine, normalise_url, upgrade_database

TEAM = "TBENCH"
NOISE_TEAM = "TNOISE"
NOW = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
SPAN_SECONDS = 730 * 86400  # items spread over two years: ~1 % of them in any one week
ACCOUNTS = 2000
DATA_VERSION = 4  # bump when the generated rows change, so cached SQLite files are rebuilt


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
