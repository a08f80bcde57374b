"""Stats as plain values: periods, metrics, trends and their one-line readings (pure).

A metric's value is None when there is nothing to measure (no item reviewed in the period, no
survey answered): it is shown as "no data", never as a zero that pretends to be a number.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from bot.errors import UserFacingError


class StatsPeriod(StrEnum):
    WEEK = "7d"
    MONTH = "30d"
    QUARTER = "quarter"

    @property
    def days(self) -> int:
        return _DAYS[self]

    @property
    def label(self) -> str:
        return _LABELS[self]


_DAYS = {StatsPeriod.WEEK: 7, StatsPeriod.MONTH: 30, StatsPeriod.QUARTER: 91}
_LABELS = {
    StatsPeriod.WEEK: "last 7 days",
    StatsPeriod.MONTH: "last 30 days",
    StatsPeriod.QUARTER: "last quarter (13 weeks)",
}
_ALIASES = {"7d": StatsPeriod.WEEK, "week": StatsPeriod.WEEK, "30d": StatsPeriod.MONTH,
            "month": StatsPeriod.MONTH, "quarter": StatsPeriod.QUARTER, "90d": StatsPeriod.QUARTER,
            "q": StatsPeriod.QUARTER}  # fmt: skip
DEFAULT_PERIOD = StatsPeriod.MONTH
PERIOD_CHOICES = tuple(p.value for p in StatsPeriod)


class UnknownPeriodError(UserFacingError):
    def __init__(self, given: str) -> None:
        self.given = given
        super().__init__(
            f"`{given[:20]}` is not a period I know. Use `/ops stats 7d`, `/ops stats 30d` "
            "or `/ops stats quarter`."
        )


def parse_period(text: str | None) -> StatsPeriod:
    """`7d`, `30d`, `quarter` (and `week`, `month`, `90d`); nothing given is 30 days."""
    word = (text or "").strip().lower()
    if not word:
        return DEFAULT_PERIOD
    found = _ALIASES.get(word)
    if found is None:
        raise UnknownPeriodError(word)
    return found


@dataclass(frozen=True)
class Window:
    """[start, end): the period measured; `previous` is the same length just before it."""

    start: datetime
    end: datetime

    @classmethod
    def ending(cls, end: datetime, period: StatsPeriod) -> Window:
        return cls(end - timedelta(days=period.days), end)

    def previous(self) -> Window:
        return Window(self.start - (self.end - self.start), self.start)

    @property
    def weeks(self) -> float:
        return (self.end - self.start) / timedelta(days=7)


def weekly_windows(end: datetime, weeks: int = 13) -> list[Window]:
    """The `weeks` whole weeks ending at `end`, oldest first (the report's chart buckets)."""
    return [
        Window(end - timedelta(days=7 * (n + 1)), end - timedelta(days=7 * n))
        for n in reversed(range(weeks))
    ]


class Unit(StrEnum):
    COUNT = "count"
    PER_WEEK = "per-week"
    DURATION = "duration"  # seconds
    SHARE = "share"  # 0..1
    SCORE = "score"  # 1..5


class Better(StrEnum):
    """Which way is good news: a reading says "better" or "worse" only where it is clear."""

    HIGHER = "higher"
    LOWER = "lower"
    NEUTRAL = "neutral"


class Group(StrEnum):
    INSIGHT = "Time to insight"
    ROADMAP = "Feedback on the roadmap"
    SESSIONS = "Sessions facilitated"
    ADHERENCE = "Adherence to the rituals"
    SUPPORT = "Support"
    REACH = "Reach"
    SATISFACTION = "Satisfaction (pulse survey)"


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    group: Group
    unit: Unit
    value: float | None
    previous: float | None
    better: Better = Better.NEUTRAL
    detail: str = ""
    missing: str = "nothing to measure in this period"

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    def reading(self) -> str:
        """One line: what the number says against the previous period."""
        if self.value is None:
            return self.missing
        if self.previous is None:
            return "no data for the previous period to compare with"
        change = self.change or 0.0
        if _same(self.unit, change, self.value, self.previous):
            return "about the same as the previous period"
        up = change > 0
        if self.better is Better.NEUTRAL:
            return "up on the previous period" if up else "down on the previous period"
        good = up == (self.better is Better.HIGHER)
        if self.unit is Unit.DURATION:
            return "faster than the previous period" if good else "slower than the previous period"
        return "better than the previous period" if good else "worse than the previous period"


def _same(unit: Unit, change: float, value: float, previous: float) -> bool:
    if unit is Unit.SHARE:
        return abs(change) < 0.01
    if unit is Unit.SCORE:
        return abs(change) < 0.05
    if unit is Unit.DURATION:
        return abs(change) < max(60.0, 0.05 * max(abs(value), abs(previous)))
    return abs(change) < 1e-9


def format_value(unit: Unit, value: float | None) -> str:
    if value is None:
        return "no data"
    if unit is Unit.DURATION:
        return format_duration(value)
    if unit is Unit.SHARE:
        return f"{value * 100:.0f}%"
    if unit is Unit.SCORE:
        return f"{value:.1f} / 5"
    if unit is Unit.PER_WEEK:
        return f"{value:.1f} a week"
    return f"{value:,.0f}"


def format_change(unit: Unit, change: float | None) -> str:
    if change is None:
        return ""
    if change == 0:
        return "="
    arrow = "▲" if change > 0 else "▼"
    size = abs(change)
    if unit is Unit.DURATION:
        text = format_duration(size)
    elif unit is Unit.SHARE:
        text = f"{size * 100:.0f} pts"
    elif unit in {Unit.SCORE, Unit.PER_WEEK}:
        text = f"{size:.1f}"
    else:
        text = f"{size:,.0f}"
    return f"{arrow} {text}"


def format_duration(seconds: float) -> str:
    if seconds < 3600:
        return f"{max(0, math.floor(seconds / 60))} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


@dataclass(frozen=True)
class Percentiles:
    """Median and 90th percentile of durations in seconds (None when there were none)."""

    count: int
    median: float | None
    p90: float | None


def interpolate(values: Sequence[float], fraction: float, count: int, low_index: int) -> float:
    """Linear interpolation between the sorted values at `low_index` and the next one, as
    Postgres's `percentile_cont` does: position = fraction * (count - 1)."""
    position = fraction * (count - 1)
    weight = position - low_index
    if len(values) == 1 or weight == 0:
        return float(values[0])
    return float(values[0]) + (float(values[1]) - float(values[0])) * weight


def low_index(fraction: float, count: int) -> int:
    return math.floor(fraction * (count - 1))


@dataclass(frozen=True)
class PulseTally:
    invited: int
    answers: int
    relevance_avg: float | None
    support_avg: float | None
    relevance_count: int
    support_count: int


MIN_ANSWERS_FOR_AVERAGE = 5


def shown_average(average: float | None, answers: int) -> float | None:
    """No average is shown below 5 answers: with fewer, people could tell who said what."""
    if average is None or answers < MIN_ANSWERS_FOR_AVERAGE:
        return None
    return average


@dataclass(frozen=True)
class StatsReport:
    team_id: str
    period: StatsPeriod
    window: Window
    previous_window: Window
    metrics: tuple[Metric, ...]
    has_data: bool
    not_available: tuple[str, ...] = field(default=())

    def metric(self, key: str) -> Metric:
        for metric in self.metrics:
            if metric.key == key:
                return metric
        raise KeyError(key)

    def by_group(self) -> list[tuple[Group, list[Metric]]]:
        groups: dict[Group, list[Metric]] = {}
        for metric in self.metrics:
            groups.setdefault(metric.group, []).append(metric)
        return list(groups.items())


NO_DATA_EXPLANATION = (
    "There is nothing to measure yet: this workspace has no feedback, tickets, triage sessions, "
    "scheduled rituals or survey answers. Capture feedback with `/feedback`, send tickets with "
    "`/triage` and schedule the rituals with `/ops settings`; the numbers appear as soon as "
    "the rituals run."
)

BUDDIES_NOT_AVAILABLE = (
    "Buddy calls joined and PMs at their call target: not available (the buddy ritual is not "
    "installed in this opsbot)."
)


def period_target(monthly: int, days: int) -> int:
    """A monthly per-PM call target scaled to a period: 2 a month is 1 a week, 6 a quarter."""
    return max(1, round(monthly * days / 30))


def share(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide by (no data, not 0%)."""
    return part / whole if whole else None
