"""Pairing as an optimal assignment (pure): every sales rep gets one PM.

The problem is a rectangular assignment: reps are rows; each PM is `ceil(reps / PMs)` columns
(its slots), so no PM can get more than that fair load. scipy's `linear_sum_assignment` (a
modified Jonker-Volgenant solver) finds the cheapest assignment of every row, where the cost of
rep r on slot k of PM p is

    REPEAT_COST  if (r, p) were paired in the last N cycles   (only when avoidable: it always is
                                                              cheaper to use a fresh PM)
  - shared working hours of r and p (9-17 in each one's own zone, 0..8)
  + SLOT_COST * k                                              (spread the load before doubling up)

Ties (many: costs depend on zones) are broken by a seeded shuffle of the rows and columns rather
than by random noise in the costs: the solver is deterministic for a given input order, and
exact ties keep it fast (unique noisy costs made it about five times slower at 5,000 people).

Cross-group only by construction (rows are reps, columns are PMs). Snoozed and departed people
are left out by the caller. Deterministic for a given seed.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import numpy as np
from scipy.optimize import linear_sum_assignment

from bot.rituals.buddies.domain import fair_load

WORK_START = time(9, 0)
WORK_END = time(17, 0)
REPEAT_COST = 1_000.0
SLOT_COST = 1.0


@dataclass(frozen=True)
class Person:
    user_id: str
    time_zone: str


@dataclass(frozen=True)
class Pairing:
    rep_user_id: str
    pm_user_id: str
    shared_hours: float
    repeat: bool


@cache
def _working_window(time_zone: str, on: date) -> tuple[float, float]:
    zone = ZoneInfo(time_zone)
    start = datetime.combine(on, WORK_START, tzinfo=zone).timestamp()
    end = datetime.combine(on, WORK_END, tzinfo=zone).timestamp()
    return start, end


@cache
def shared_hours(zone_a: str, zone_b: str, on: date) -> float:
    """Hours both people are in their 9-17 working day on `on` (each in their own zone, so a
    DST change counts on the day it happens); the best of the day before, of and after, since
    a 9-17 day far east overlaps the previous calendar day further west."""
    a_start, a_end = _working_window(zone_a, on)
    best = 0.0
    for shift in (-1, 0, 1):
        b_start, b_end = _working_window(zone_b, on + timedelta(days=shift))
        best = max(best, min(a_end, b_end) - max(a_start, b_start))
    return round(max(0.0, best) / 3600.0, 2)


def pair(
    reps: Sequence[Person],
    pms: Sequence[Person],
    *,
    recent: Collection[tuple[str, str]],
    seed: int,
    on: date,
) -> list[Pairing]:
    """Assigns every rep one PM. `recent` holds (rep, pm) pairs of the last N cycles."""
    if not reps or not pms:
        return []
    rng = np.random.default_rng(seed)
    reps = _shuffled(sorted(reps, key=lambda p: p.user_id), rng)
    pms = _shuffled(sorted(pms, key=lambda p: p.user_id), rng)
    load = fair_load(len(reps), len(pms))
    zones = sorted({p.time_zone for p in (*reps, *pms)})
    index = {zone: i for i, zone in enumerate(zones)}
    overlap = np.array([[shared_hours(a, b, on) for b in zones] for a in zones])
    rep_zone = np.array([index[p.time_zone] for p in reps])
    pm_zone = np.array([index[p.time_zone] for p in pms])
    base = -overlap[np.ix_(rep_zone, pm_zone)]  # reps x pms
    if recent:
        rep_at = {p.user_id: i for i, p in enumerate(reps)}
        pm_at = {p.user_id: j for j, p in enumerate(pms)}
        hits = [(rep_at[r], pm_at[p]) for r, p in recent if r in rep_at and p in pm_at]
        if hits:
            rows, cols = zip(*hits, strict=True)
            base[list(rows), list(cols)] += REPEAT_COST
    # Slot k of every PM costs k * SLOT_COST more: columns are [all PMs' slot 0, slot 1, ...].
    cost = np.concatenate([base + SLOT_COST * k for k in range(load)], axis=1)
    rows, cols = linear_sum_assignment(cost)
    pairs: list[Pairing] = []
    for row, col in zip(rows.tolist(), cols.tolist(), strict=True):
        rep, pm = reps[row], pms[col % len(pms)]
        pairs.append(
            Pairing(
                rep_user_id=rep.user_id,
                pm_user_id=pm.user_id,
                shared_hours=float(overlap[rep_zone[row], pm_zone[col % len(pms)]]),
                repeat=(rep.user_id, pm.user_id) in recent,
            )
        )
    return sorted(pairs, key=lambda p: p.rep_user_id)


def _shuffled(people: list[Person], rng: np.random.Generator) -> list[Person]:
    return [people[i] for i in rng.permutation(len(people))]


def seed_for(team_id: str, cycle: str) -> int:
    """A stable seed per workspace and cycle (Python's own `hash` changes between runs)."""
    import zlib

    return zlib.crc32(f"{team_id}:{cycle}".encode())
