"""Pure stats rules: periods, the percentile interpolation both backends share, readings,
formatting and the builders' Block Kit validity."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime

import numpy as np
import pytest

from bot.stats.blocks import build_period_help, build_stats_blocks
from bot.stats.domain import (
    Better,
    Group,
    Metric,
    StatsPeriod,
    StatsReport,
    Unit,
    UnknownPeriodError,
    Window,
    format_change,
    format_value,
    interpolate,
    low_index,
    parse_period,
    shown_average,
    weekly_windows,
)

NOW = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "period"),
    [("", StatsPeriod.MONTH), ("7d", StatsPeriod.WEEK), ("30D", StatsPeriod.MONTH),
     ("quarter", StatsPeriod.QUARTER), ("week", StatsPeriod.WEEK)],
)  # fmt: skip
def test_periods_are_parsed_with_30_days_by_default(text: str, period: StatsPeriod) -> None:
    assert parse_period(text) is period


def test_an_unknown_period_is_refused_with_the_known_ones() -> None:
    with pytest.raises(UnknownPeriodError, match="`/ops stats quarter`"):
        parse_period("fortnight")


def test_the_previous_window_has_the_same_length_just_before() -> None:
    window = Window.ending(NOW, StatsPeriod.QUARTER)

    assert window.previous() == Window(window.start - (NOW - window.start), window.start)
    assert window.weeks == 13


def test_weekly_windows_cover_the_quarter_oldest_first_without_gaps() -> None:
    weeks = weekly_windows(NOW, 13)

    assert weeks[-1].end == NOW
    assert all(a.end == b.start for a, b in itertools.pairwise(weeks))
    assert len(weeks) == 13


@pytest.mark.parametrize("count", [1, 2, 3, 10, 101])
@pytest.mark.parametrize("fraction", [0.5, 0.9])
def test_the_interpolation_matches_percentile_cont(count: int, fraction: float) -> None:
    values = sorted(random.Random(count).uniform(0, 1e6) for _ in range(count))
    low = low_index(fraction, count)

    found = interpolate(values[low : low + 2], fraction, count, low)

    assert found == pytest.approx(float(np.percentile(values, fraction * 100)))


def test_no_average_is_shown_below_five_answers() -> None:
    assert shown_average(4.5, 4) is None
    assert shown_average(4.5, 5) == 4.5
    assert shown_average(None, 9) is None


def test_values_and_changes_read_as_people_say_them() -> None:
    assert format_value(Unit.DURATION, 1800) == "30 min"
    assert format_value(Unit.DURATION, 36 * 3600) == "36.0 h"
    assert format_value(Unit.DURATION, 3 * 86400) == "3.0 d"
    assert format_value(Unit.SHARE, 0.456) == "46%"
    assert format_value(Unit.COUNT, None) == "no data"
    assert format_change(Unit.SHARE, -0.25) == "▼ 25 pts"
    assert format_change(Unit.COUNT, 0) == "="


def _metric(value: float | None, previous: float | None, better: Better) -> Metric:
    return Metric("k", "Label", Group.SUPPORT, Unit.DURATION, value, previous, better)


def test_a_reading_says_faster_or_slower_only_against_a_previous_value() -> None:
    assert _metric(100.0, 10000.0, Better.LOWER).reading() == "faster than the previous period"
    assert _metric(10000.0, 100.0, Better.LOWER).reading() == "slower than the previous period"
    assert _metric(10000.0, 10010.0, Better.LOWER).reading().startswith("about the same")
    assert _metric(5.0, None, Better.LOWER).reading().startswith("no data for the previous")
    assert _metric(None, 5.0, Better.LOWER).reading() == "nothing to measure in this period"


def test_the_stats_blocks_are_valid_block_kit_within_limits() -> None:
    window = Window.ending(NOW, StatsPeriod.MONTH)
    metrics = tuple(_metric(float(n * 3600), float(n), Better.LOWER) for n in range(60))
    report = StatsReport("T1", StatsPeriod.MONTH, window, window.previous(), metrics, True)

    blocks = [block.to_dict() for block in build_stats_blocks(report)]
    help_blocks = [block.to_dict() for block in build_period_help("`x` is unknown")]

    assert 3 <= len(blocks) <= 50
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in blocks)
    assert help_blocks[0]["type"] == "section"
