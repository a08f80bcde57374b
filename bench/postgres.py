"""The benchmarks' PostgreSQL: a durable throwaway cluster, and a fresh database on it."""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.db import normalise_url

ROOT = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def durable_postgres(url: str | None) -> Iterator[str]:
    """`url` as given, or a throwaway cluster with production durability (fsync and
    synchronous commit on: `OPSBOT_PG_DURABLE=1 scripts/pg-throwaway`), stopped afterwards."""
    if url:
        yield url
        return
    with tempfile.TemporaryDirectory(prefix="opsbot-bench-pg-") as parent:
        Path(parent).chmod(0o755)  # as root, the script runs Postgres as its own user
        directory = str(Path(parent) / "pg")
        script = str(ROOT / "scripts" / "pg-throwaway")
        env = {**os.environ, "OPSBOT_PG_DURABLE": "1"}
        started = subprocess.run(
            [script, "start", directory], env=env, capture_output=True, text=True, check=True
        )
        try:
            yield started.stdout.strip().splitlines()[-1]
        finally:
            subprocess.run([script, "stop", directory], env=env, capture_output=True, check=False)


def fresh_database(server_url: str, name: str) -> str:
    """The URL of database `name` on `server_url`, dropped and created empty."""
    admin = create_engine(normalise_url(server_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return (
        make_url(normalise_url(server_url)).set(database=name).render_as_string(hide_password=False)
    )
