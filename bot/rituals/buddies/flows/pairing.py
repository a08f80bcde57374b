"""Pairing a cycle once (retries and a second scheduler get the stored pairs), introducing
it, and which cycles are due."""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from bot.outbox import queries as outbox_queries
from bot.rituals.buddies import queries
from bot.rituals.buddies.domain import Group, default_cycle
from bot.rituals.buddies.flows.base import BuddyCore
from bot.rituals.buddies.ids import BuddyRitual
from bot.rituals.buddies.models import BuddyPair
from bot.rituals.buddies.pairing import Person, pair, seed_for
from bot.rituals.buddies.views import PairingResult, PairIntro

logger = logging.getLogger(__name__)


class PairingFlow(BuddyCore):
    def pair_cycle(
        self, *, team_id: str, cycle: str, now: datetime, seed: int | None = None
    ) -> PairingResult:
        """Pairs every available rep with a PM for `cycle`, once: a second run for the same
        cycle (another scheduler, a retry) returns the stored pairs. First re-reads people whose
        record is stale, so those who left Slack leave the pool. Side effects: pair rows,
        member rows of people who left."""
        with self._sessions() as session:
            existing = queries.pairs_of_cycle(session, team_id, cycle)
            if existing:
                return PairingResult(cycle, [_intro(p) for p in existing], created=False)
        departed = self._refresh_stale_members(team_id, now)
        today = now.date()
        with self._sessions() as session:
            members = [m for m in queries.members(session, team_id) if m.available(today)]
            cycles = queries.recent_cycles(session, team_id, self._options.avoid_cycles)
            recent = {(r, p) for r, p, _ in queries.pairs_in_cycles(session, team_id, cycles)}
        reps = [Person(m.user_id, m.time_zone) for m in members if m.group is Group.SALES]
        pms = [Person(m.user_id, m.time_zone) for m in members if m.group is Group.PM]
        started = time.perf_counter()
        pairings = pair(
            reps,
            pms,
            recent=recent,
            seed=seed_for(team_id, cycle) if seed is None else seed,
            on=today,
        )
        self._metrics.pairing_seconds.observe(time.perf_counter() - started)
        try:
            with self._sessions.begin() as session:
                rows = [
                    {
                        "team_id": team_id,
                        "cycle": cycle,
                        "rep_user_id": pairing.rep_user_id,
                        "pm_user_id": pairing.pm_user_id,
                        "shared_hours": pairing.shared_hours,
                        "created_at": now,
                    }
                    for pairing in pairings
                ]
                if rows:  # one executemany, not one ORM object per pair
                    session.execute(insert(BuddyPair), rows)
                met_before = queries.earlier_cycles_of(session, team_id, cycle)
                stored = queries.pairs_of_cycle(session, team_id, cycle)
                for row in stored:
                    row.last_together = met_before.get((row.rep_user_id, row.pm_user_id))
                intros = [_intro(row) for row in stored]
        except IntegrityError:
            # Another scheduler paired this cycle at the same moment: theirs stands.
            with self._sessions() as session:
                stored = queries.pairs_of_cycle(session, team_id, cycle)
            return PairingResult(cycle, [_intro(p) for p in stored], False, departed)
        repeats = sum(1 for p in pairings if p.repeat)
        self._metrics.pairs.labels("new").inc(len(pairings) - repeats)
        self._metrics.pairs.labels("repeat").inc(repeats)
        logger.info(
            "buddy pairing: team=%s cycle=%s pairs=%s repeats=%s",
            team_id,
            cycle,
            len(intros),
            repeats,
        )
        return PairingResult(cycle, intros, True, departed)

    def intro_state(self, *, team_id: str, cycle: str) -> tuple[list[PairIntro], set[str]]:
        """The cycle's pairs, and the group DMs whose introduction is already in the outbox."""
        with self._sessions() as session:
            pairs = [_intro(p) for p in queries.pairs_of_cycle(session, team_id, cycle)]
            known = [p.channel_id for p in pairs if p.channel_id]
            done = outbox_queries.channels_with_rows(
                session,
                team_id=team_id,
                ritual=BuddyRitual.PAIRING.value,
                period=cycle,
                channel_ids=known,
            )
        return pairs, done

    def remember_channel(self, *, team_id: str, pair_id: int, channel_id: str) -> None:
        with self._sessions.begin() as session:
            row = queries.pair(session, team_id, pair_id)
            if row is not None:
                row.channel_id = channel_id

    def recent_cycles(self, *, now: datetime) -> list[tuple[str, str]]:
        """(team, newest cycle) for workspaces paired in the last month: intros still due."""
        with self._sessions() as session:
            return queries.newest_cycles_since(session, now - timedelta(days=31))

    def default_cycles(self, *, now: datetime) -> list[tuple[str, str]]:
        """(team, cycle) for workspaces with members that scheduled no `buddy-pairing`: the
        default monthly cycle (`2026-11`), paired once by the sweep."""
        with self._sessions() as session:
            teams = [
                team_id
                for team_id in queries.team_ids(session)
                if not queries.has_schedule(session, team_id, BuddyRitual.PAIRING.value)
            ]
        due = [
            (team_id, default_cycle(now, self._workspaces.time_zone(team_id=team_id)))
            for team_id in teams
        ]
        return [(team_id, cycle) for team_id, cycle in due if cycle is not None]


def _intro(row: BuddyPair) -> PairIntro:
    return PairIntro(
        cycle=row.cycle,
        rep_user_id=row.rep_user_id,
        pm_user_id=row.pm_user_id,
        shared_hours=row.shared_hours,
        last_together=row.last_together,
        pair_id=row.id,
        channel_id=row.channel_id,
    )
