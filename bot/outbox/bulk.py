"""Many delivery rows in few statements: INSERT ... ON CONFLICT DO NOTHING RETURNING id, one
statement per `BATCH` rows (a 5,000-ticket triage thread is 11 statements, not 5,001).

Each backend gets the form its driver handles best, measured with bench/triage.py:
- SQLite: a cached statement run with executemany, which SQLAlchemy sends as multi-row VALUES
  pages ("insertmanyvalues"); building the VALUES with `.values(rows)` instead compiled a fresh
  6,000-parameter statement per batch, which was most of the time.
- Postgres: psycopg re-parses every multi-row VALUES statement in Python (it caches only short
  ones), about 50 ms per 500 rows; so the varying columns of a batch go in as one JSON
  parameter, expanded by `json_to_recordset`, and the columns every row shares as scalars.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, cast

from sqlalchemy import JSON, String, Table, Text, bindparam, column, func, literal, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.outbox.domain import DeliveryState, OutgoingPost
from bot.outbox.models import Delivery
from bot.slack.limits import MESSAGE_BLOCKS, MESSAGE_TEXT, clip

BATCH = 500
DELIVERIES = cast(Table, Delivery.__table__)
# What differs from row to row of one enqueue; every other column is the same for all.
VARYING = ("part", "reply_to_part", "text", "blocks")


def shared_columns(
    *, team_id: str, ritual: str, period: str, channel_id: str, now: datetime
) -> dict[str, Any]:
    """The columns every row of one run (team, ritual, period, channel) has in common."""
    return {
        "team_id": team_id,
        "ritual": str(ritual),
        "period": period,
        "channel_id": channel_id,
        "state": DeliveryState.PENDING.value,
        "attempts": 0,
        "created_at": now,
        "updated_at": now,
    }


def varying_columns(post: OutgoingPost) -> dict[str, Any]:
    """One post's own columns, cut to Slack's limits (`VARYING`)."""
    return {
        "part": post.part,
        "reply_to_part": post.reply_to_part,
        "text": clip(post.text, MESSAGE_TEXT),
        "blocks": list(post.blocks)[:MESSAGE_BLOCKS],
    }


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused for a bulk job (composing and enqueueing a
    5,000-ticket thread). Such a job allocates a few hundred thousand dicts and lists that live
    until it ends, which sets off full collections of the whole process's heap: in a process
    holding the bot, ~60% of the thread's render time and ~150 ms bursts in its enqueue
    (bench/triage.py). Nothing these jobs build forms reference cycles, and the collector is
    back on (unless it was off before) as soon as the job is done."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def insert_deliveries(
    session: Session, *, shared: dict[str, Any], varying: Sequence[dict[str, Any]]
) -> int:
    """Inserts one row per `varying` item (its `VARYING` columns) with the `shared` columns;
    rows whose key exists already are left alone. Returns how many were new."""
    if not varying:
        return 0
    with collector_paused():
        if session.get_bind().dialect.name == "postgresql":
            return _insert_postgres(session, shared, varying)
        return _insert_sqlite(session, shared, varying)


def _insert_sqlite(
    session: Session, shared: dict[str, Any], varying: Sequence[dict[str, Any]]
) -> int:
    statement = (
        sqlite_insert(DELIVERIES)
        .on_conflict_do_nothing()
        .returning(DELIVERIES.c.id)
        .execution_options(insertmanyvalues_page_size=BATCH)
    )
    return len(session.execute(statement, [{**shared, **row} for row in varying]).all())


def _insert_postgres(
    session: Session, shared: dict[str, Any], varying: Sequence[dict[str, Any]]
) -> int:
    records = (
        func.json_to_recordset(bindparam("rows", type_=JSON))
        .table_valued(
            column("part", String),
            column("reply_to_part", String),
            column("text", Text),
            column("blocks", JSON),
        )
        .render_derived(name="r", with_types=True)
    )
    names = [*shared, *VARYING]
    values = [literal(value, DELIVERIES.c[name].type) for name, value in shared.items()]
    statement = (
        pg_insert(DELIVERIES)
        .from_select(names, select(*values, *(records.c[name] for name in VARYING)))
        .on_conflict_do_nothing()
        .returning(DELIVERIES.c.id)
    )
    created = 0
    for start in range(0, len(varying), BATCH):
        batch = [{k: row[k] for k in VARYING} for row in varying[start : start + BATCH]]
        created += len(session.execute(statement, {"rows": batch}).all())
    return created
