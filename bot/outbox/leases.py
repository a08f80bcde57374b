"""The database side of delivery, in batches: a sender takes whole channels (a lease on every
pending row of each), and then one transaction per turn of its loop records every outcome that
came back and marks every row it is about to post.

- **Channels, not rows, are taken**, so two senders never post to one channel at once (each
  paces its own channels) and a channel's rows go out in order. Taking is serialized (SQLite's
  write lock; a transaction-level advisory lock on Postgres) so two senders cannot split a
  channel. A channel is free when no live sender holds a row of it: its leases expired, or
  their owner is known to be dead (`presence`).
- **Exactly once**: a row is marked (attempts + 1) in the same transaction that records the
  outcome of its channel's previous post, before it is posted. A row that a dead sender had
  marked but not recorded may have reached Slack: it is `uncertain`, and the sender that takes
  it over looks for it in the channel before posting it again (`posting.find_posted`). The
  schedule starts a channel's next post only after the previous outcome came back, so at most
  one row per channel is ever uncertain.

No Slack here: the sender posts what `sync` hands it and brings back the answers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from bot.db import Sessions
from bot.outbox import queries
from bot.outbox.domain import CHANNEL_ERRORS, DeliveryState
from bot.outbox.models import Delivery
from bot.outbox.pacing import ChannelKey
from bot.outbox.posting import payload_for
from bot.outbox.presence import LOCK_NAMESPACE

logger = logging.getLogger(__name__)

TAKE_LOCK = (LOCK_NAMESPACE + 1, 0)  # serializes taking channels on Postgres


@dataclass(frozen=True)
class Held:
    """A row this sender took with its channel."""

    row_id: int
    team_id: str
    channel_id: str
    ritual: str
    period: str
    uncertain: bool  # a dead sender marked it and never recorded how it ended

    @property
    def group(self) -> queries.GroupKey:
        return (self.team_id, self.ritual, self.period, self.channel_id)


@dataclass(frozen=True)
class Taken:
    rows: list[Held]
    # Channels taken over from another sender: when it last posted there (or may have), so
    # the first post here keeps Slack's per-channel spacing.
    last_posted: dict[ChannelKey, datetime]
    blockers: set[str]  # live senders holding channels with pending rows


@dataclass(frozen=True)
class Claimed:
    """A row marked and ready to post."""

    row_id: int
    ritual: str
    payload: dict[str, Any]
    uncertain: bool
    team_id: str = ""  # whose token posts it (multi-workspace)


class Result(StrEnum):
    SENT = "sent"
    AGAIN = "again"  # not sent; the row stays ours and is tried again
    FAILED = "failed"


@dataclass(frozen=True)
class Finished:
    """How one post ended, to record."""

    row_id: int
    result: Result
    ts: str | None = None
    error: str | None = None
    at: datetime | None = None  # when Slack answered: a sender taking the channel over waits


@dataclass(frozen=True)
class GroupSent:
    """Every post of one (team, ritual, period, channel) is sent: the ritual may follow up."""

    team_id: str
    ritual: str
    period: str
    channel_id: str
    sent: dict[str, str]  # part -> ts


@dataclass(frozen=True)
class Failed:
    """A row failed for good; `count` includes the rows of its run failed with it."""

    team_id: str
    ritual: str
    channel_id: str
    admins: list[str]
    count: int
    error: str


@dataclass
class Synced:
    claimed: list[Claimed] = field(default_factory=list)
    later: list[int] = field(default_factory=list)  # a reply whose parent is not sent yet
    gone: list[int] = field(default_factory=list)  # not ours, or not pending, any more
    parent_failed: list[int] = field(default_factory=list)  # failed: its parent never went
    groups: list[GroupSent] = field(default_factory=list)
    failures: list[Failed] = field(default_factory=list)
    dropped: list[int] = field(default_factory=list)  # failed with the rest of their run


class Leases:
    def __init__(self, *, sessions: Sessions, owner: str, lease: timedelta) -> None:
        self._sessions = sessions
        self.owner = owner
        self._lease = lease

    def take(self, *, now: datetime, gone: Callable[[str], bool]) -> Taken:
        """Takes every channel with pending rows that no live sender holds (one transaction)."""
        with self._sessions.begin() as session:
            if session.get_bind().dialect.name == "postgresql":
                namespace, lock = TAKE_LOCK
                session.execute(
                    text("SELECT pg_advisory_xact_lock(:ns, :key)"), {"ns": namespace, "key": lock}
                )
            rows = queries.pending_not_held_by(session, owner=self.owner)
            alive: dict[str, bool] = {}
            blocked: set[ChannelKey] = set()
            for row in rows:
                if row.lease_owner is None or row.lease_until is None or row.lease_until < now:
                    continue
                if row.lease_owner not in alive:
                    alive[row.lease_owner] = not gone(row.lease_owner)
                if alive[row.lease_owner]:
                    blocked.add((row.team_id, row.channel_id))
            wanted = [r for r in rows if (r.team_id, r.channel_id) not in blocked]
            dead = [owner for owner, living in alive.items() if not living]
            taken = set(
                queries.take(
                    session,
                    ids=[r.id for r in wanted],
                    owner=self.owner,
                    now=now,
                    until=now + self._lease,
                    gone_owners=dead,
                )
            )
            # Channels taken over from another sender: it may have posted there a moment ago.
            taken_over = {
                (r.team_id, r.channel_id)
                for r in wanted
                if r.id in taken and r.lease_owner not in (None, self.owner)
            }
            last_posted = queries.last_sent(session, sorted(taken_over))
        held: list[Held] = []
        for row in wanted:
            if row.id not in taken:
                continue
            uncertain = row.attempts > 0 and row.lease_owner not in (None, self.owner)
            held.append(
                Held(row.id, row.team_id, row.channel_id, row.ritual, row.period, uncertain)
            )
            if uncertain:  # marked just before it was posted, if it was
                key = (row.team_id, row.channel_id)
                last_posted[key] = max(row.updated_at, last_posted.get(key, row.updated_at))
        return Taken(held, last_posted, {owner for owner, living in alive.items() if living})

    def sync(
        self,
        *,
        finished: Sequence[Finished],
        start: Sequence[int],
        uncertain: set[int],
        check_groups: Sequence[queries.GroupKey],
        renew: bool,
        now: datetime,
    ) -> Synced:
        """One transaction: records `finished`, reports the `check_groups` now fully sent, and
        marks the `start` rows (those still ours) and builds their posts."""
        synced = Synced()
        until = now + self._lease
        with self._sessions.begin() as session:
            queries.mark_sent(
                session,
                sent=[
                    (f.row_id, f.ts or "", f.at or now) for f in finished if f.result is Result.SENT
                ],
                now=now,
            )
            queries.note_errors(
                session,
                errors=[(f.row_id, f.error or "") for f in finished if f.result is Result.AGAIN],
                now=now,
            )
            for done in finished:
                if done.result is Result.FAILED:
                    self._fail(session, done, now, synced)
            for group, parts in queries.complete_groups(session, check_groups).items():
                synced.groups.append(GroupSent(*group, sent=parts))
            if start:
                self._start(session, start, uncertain, now, until, synced)
            if renew:
                queries.renew(session, owner=self.owner, until=until)
        return synced

    def let_go(self, *, now: datetime) -> None:
        """Gives back every pending row this sender holds (it stops; nothing is in flight)."""
        with self._sessions.begin() as session:
            queries.let_go(session, owner=self.owner, now=now)

    # ---- inside -------------------------------------------------------------------------------
    def _start(
        self,
        session: Session,
        start: Sequence[int],
        uncertain: set[int],
        now: datetime,
        until: datetime,
        synced: Synced,
    ) -> None:
        rows = queries.held_rows(session, ids=start, owner=self.owner)
        found = {row.id for row in rows}
        synced.gone.extend(row_id for row_id in start if row_id not in found)
        parents = queries.parts_state(
            session,
            [
                (r.team_id, r.ritual, r.period, r.channel_id, r.reply_to_part)
                for r in rows
                if r.reply_to_part
            ],
        )
        ready: list[int] = []
        for row in rows:
            thread_ts: str | None = None
            if row.reply_to_part:
                key = (row.team_id, row.ritual, row.period, row.channel_id, row.reply_to_part)
                state, ts = parents.get(key, (None, None))
                if state == DeliveryState.PENDING.value:
                    synced.later.append(row.id)  # the parent goes first
                    continue
                if state != DeliveryState.SENT.value:
                    row.state = DeliveryState.FAILED.value
                    row.error = "parent_not_sent"
                    row.updated_at = now
                    row.lease_owner = None
                    row.lease_until = None
                    synced.parent_failed.append(row.id)
                    continue
                thread_ts = ts
            ready.append(row.id)
            payload = payload_for(
                row_id=row.id,
                channel_id=row.channel_id,
                text=row.text,
                blocks=row.blocks,
                thread_ts=thread_ts,
            )
            synced.claimed.append(
                Claimed(row.id, row.ritual, payload, row.id in uncertain, row.team_id)
            )
        session.flush()
        queries.mark_attempted(session, ids=ready, now=now, until=until)

    def _fail(self, session: Session, done: Finished, now: datetime, synced: Synced) -> None:
        row = session.get(Delivery, done.row_id)
        if row is None or row.state != DeliveryState.PENDING.value:
            return
        error = (done.error or "unknown_error")[:255]
        row.state = DeliveryState.FAILED.value
        row.error = error
        row.updated_at = now
        row.lease_until = None
        row.lease_owner = None
        count = 1
        if error in CHANNEL_ERRORS:
            session.flush()
            dropped = queries.fail_pending_in_group(session, row=row, error=error, now=now)
            synced.dropped.extend(dropped)
            count += len(dropped)
        admins = queries.admin_user_ids(session, team_id=row.team_id)
        logger.warning(
            "delivery failed for good: team=%s ritual=%s period=%s channel=%s error=%s",
            row.team_id,
            row.ritual,
            row.period,
            row.channel_id,
            error,
        )
        synced.failures.append(
            Failed(row.team_id, row.ritual, row.channel_id, admins, count, error)
        )
