"""Many runs' delivery rows in one statement: what `Outbox.enqueue` does for one (team, ritual,
period, channel), for a whole chunk of scheduled runs at once.

The scheduler's batch (bot/scheduling/due.py) enqueues 1,000 workspaces' digests; one
`Outbox.enqueue` each is 1,000 INSERT statements, each compiled afresh (about 1 ms apiece,
most of the batch once the ritual has composed). Here a chunk is one INSERT ... ON CONFLICT DO
NOTHING per `BATCH` rows, with the same rows, limits and idempotency as `Outbox.enqueue`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.outbox.bulk import insert_deliveries, shared_columns, varying_columns
from bot.outbox.domain import OutgoingPost
from bot.outbox.models import Delivery

# Rows per statement: 12 columns each stays far below SQLite's bound-parameter limit.
BATCH = 500
# From this many posts a run is enqueued on its own through the bulk path.
BIG_RUN = 50

Key = tuple[str, str, str, str]


@dataclass(frozen=True)
class RunPosts:
    """One run's posts for one conversation, as `Outbox.enqueue` takes them."""

    team_id: str
    ritual: str
    period: str
    channel_id: str
    posts: Sequence[OutgoingPost]

    @property
    def key(self) -> Key:
        return (self.team_id, str(self.ritual), self.period, self.channel_id)


def enqueue_many(session: Session, runs: Sequence[RunPosts], *, now: datetime) -> list[int]:
    """Adds the delivery rows of every run in the caller's transaction; returns, per run, how
    many were new (0 when its key was enqueued before, or earlier in `runs`). An existing key
    is never re-created or changed, so a doubled batch still makes one row each.

    A big run (a 5,000-ticket triage thread) goes through `bulk.insert_deliveries`, whose
    statements SQLAlchemy and psycopg do not re-compile per batch; the many small runs of a
    scheduler batch (1,000 workspaces' digests) share multi-row statements here."""
    counts = [0] * len(runs)
    small: list[int] = []
    for index, run in enumerate(runs):
        if len(run.posts) < BIG_RUN:
            small.append(index)
            continue
        counts[index] = insert_deliveries(
            session,
            shared=shared_columns(
                team_id=run.team_id,
                ritual=run.ritual,
                period=run.period,
                channel_id=run.channel_id,
                now=now,
            ),
            varying=[varying_columns(post) for post in run.posts],
        )
    small_counts = _enqueue_small(session, [runs[i] for i in small], now=now)
    for index, count in zip(small, small_counts, strict=True):
        counts[index] = count
    return counts


def _enqueue_small(session: Session, runs: Sequence[RunPosts], *, now: datetime) -> list[int]:
    rows = [
        {
            **shared_columns(
                team_id=run.team_id,
                ritual=run.ritual,
                period=run.period,
                channel_id=run.channel_id,
                now=now,
            ),
            **varying_columns(post),
        }
        for run in runs
        for post in run.posts
    ]
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    created: Counter[Key] = Counter()
    for start in range(0, len(rows), BATCH):
        statement = (
            insert(Delivery)
            .values(rows[start : start + BATCH])
            .on_conflict_do_nothing()
            .returning(Delivery.team_id, Delivery.ritual, Delivery.period, Delivery.channel_id)
        )
        created.update((r[0], r[1], r[2], r[3]) for r in session.execute(statement))
    counts = []
    for run in runs:
        counts.append(created[run.key])
        created[run.key] = 0  # a key given twice counts once, for the first
    return counts
