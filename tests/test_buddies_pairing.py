"""The pairing rules on plain values: optimal assignment over fairness, recency and overlap."""

from __future__ import annotations

import math
from collections import Counter
from datetime import date

from bot.rituals.buddies.domain import Group, MemberView
from bot.rituals.buddies.pairing import Person, pair, shared_hours

DAY = date(2026, 11, 2)


def _people(prefix: str, count: int, zone: str = "Europe/Berlin") -> list[Person]:
    return [Person(f"{prefix}{i}", zone) for i in range(count)]


def test_every_rep_gets_exactly_one_pm_and_pairs_are_cross_group() -> None:
    reps, pms = _people("R", 7), _people("P", 3)

    pairs = pair(reps, pms, recent=set(), seed=1, on=DAY)

    assert sorted(p.rep_user_id for p in pairs) == sorted(r.user_id for r in reps)
    assert {p.pm_user_id for p in pairs} <= {p.user_id for p in pms}


def test_no_pm_gets_more_than_the_ceiling_of_reps_over_pms() -> None:
    reps, pms = _people("R", 11), _people("P", 4)

    pairs = pair(reps, pms, recent=set(), seed=7, on=DAY)

    loads = Counter(p.pm_user_id for p in pairs)
    assert max(loads.values()) <= math.ceil(11 / 4)
    assert len(loads) == 4  # spread before doubling up


def test_recent_pairs_are_not_repeated_when_avoidable() -> None:
    reps, pms = _people("R", 4), _people("P", 4)
    recent = {("R0", "P0"), ("R1", "P1"), ("R2", "P2"), ("R3", "P3")}

    pairs = pair(reps, pms, recent=recent, seed=3, on=DAY)

    assert not any(p.repeat for p in pairs)
    assert not {(p.rep_user_id, p.pm_user_id) for p in pairs} & recent


def test_a_repeat_is_accepted_only_when_unavoidable() -> None:
    pairs = pair(
        [Person("R0", "UTC")], [Person("P0", "UTC")], recent={("R0", "P0")}, seed=1, on=DAY
    )

    assert [(p.rep_user_id, p.pm_user_id, p.repeat) for p in pairs] == [("R0", "P0", True)]


def test_overlapping_working_hours_are_preferred() -> None:
    reps = [Person("R-ber", "Europe/Berlin"), Person("R-la", "America/Los_Angeles")]
    pms = [Person("P-la", "America/Los_Angeles"), Person("P-ber", "Europe/Berlin")]

    pairs = pair(reps, pms, recent=set(), seed=5, on=DAY)

    assert {(p.rep_user_id, p.pm_user_id) for p in pairs} == {("R-ber", "P-ber"), ("R-la", "P-la")}
    assert all(p.shared_hours == 8 for p in pairs)


def test_pairing_is_deterministic_for_a_seed_and_varies_with_it() -> None:
    reps, pms = _people("R", 30), _people("P", 30)

    first = pair(reps, pms, recent=set(), seed=11, on=DAY)
    again = pair(list(reversed(reps)), pms, recent=set(), seed=11, on=DAY)
    other = pair(reps, pms, recent=set(), seed=12, on=DAY)

    assert first == again
    assert first != other


def test_shared_hours_follow_each_zone_and_its_daylight_saving() -> None:
    # New York left DST on 1 Nov 2026, Berlin on 25 Oct: 6 h apart from then, 5 h in between.
    assert shared_hours("Europe/Berlin", "America/New_York", date(2026, 11, 2)) == 2
    assert shared_hours("Europe/Berlin", "America/New_York", date(2026, 10, 28)) == 3
    assert shared_hours("Asia/Tokyo", "America/Los_Angeles", date(2026, 11, 2)) == 1
    assert shared_hours("Asia/Kolkata", "America/Los_Angeles", date(2026, 11, 2)) == 0
    assert shared_hours("Europe/London", "UTC", date(2026, 11, 2)) == 8


def test_snoozed_and_departed_members_are_not_available() -> None:
    def member(**kwargs: object) -> MemberView:
        values: dict[str, object] = {
            "user_id": "U1",
            "group": Group.PM,
            "active": True,
            "snoozed_until": None,
            "departed": False,
            "time_zone": "UTC",
        }
        values.update(kwargs)
        return MemberView(**values)  # type: ignore[arg-type]

    assert member().available(DAY)
    assert not member(snoozed_until=date(2026, 11, 30)).available(DAY)
    assert member(snoozed_until=date(2026, 11, 1)).available(DAY)
    assert not member(departed=True).available(DAY)
    assert not member(active=False).available(DAY)


def test_nobody_to_pair_gives_no_pairs() -> None:
    assert pair(_people("R", 3), [], recent=set(), seed=1, on=DAY) == []
    assert pair([], _people("P", 3), recent=set(), seed=1, on=DAY) == []
