"""What the ack benchmarks share: settings, a fresh database per run, a durable throwaway
Postgres, the production server on a thread, percentiles and the summary table."""

from __future__ import annotations

import statistics
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.config import load_settings
from bot.db import upgrade_database
from bot.web.server import make_server

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-token"
ROOT = Path(__file__).resolve().parent.parent
GOAL = "p99 <= 1.2x bare Bolt for every request kind, SQLite and Postgres (DESIGN.md)"


def settings(api_url: str, database_url: str) -> Any:
    return load_settings(
        _env_file=None,
        slack_bot_token=TOKEN,
        slack_signing_secret=SECRET,
        slack_api_url=api_url,
        database_url=database_url,
    )


def fresh_database(base_url: str | None, tmp: Path, run: int) -> str:
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


def _environ() -> dict[str, str]:
    import os

    return dict(os.environ)


def serve(wsgi_app: Any, threads: int = 16) -> tuple[str, Callable[[], None]]:
    """The production server (bot/web/server.py) on 127.0.0.1, port 0, on a thread."""
    server = make_server(wsgi_app, host="127.0.0.1", port=0, threads=threads)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()

    def stop() -> None:
        server.close()
        thread.join(timeout=5)

    return f"http://127.0.0.1:{server.effective_port}/slack/events", stop


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summarise(title: str, runs: list[dict[str, float]]) -> None:
    print(title)
    print(f"{'':<34} {'median':>10} {'min':>10} {'max':>10}   per run")
    for key in runs[0]:
        values = [run[key] for run in runs]
        each = " ".join(f"{v:.2f}" for v in values)
        print(
            f"{key:<34} {statistics.median(values):10.2f} {min(values):10.2f} "
            f"{max(values):10.2f}   {each}"
        )
