"""Schedule rules, triggers and period keys (pure: no Slack, database or HTTP).

A rule is a weekday + time, a day of the month + time, or a cron expression, always read in an
IANA time zone, so "Monday 09:00" stays 09:00 on the wall clock across DST changes. A firing is
named by its period ("2026-W47" weekly, "2026-11" monthly, "2026-11-21" daily), which is the
outbox key that makes a re-fired job harmless.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.errors import UserFacingError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# A digest missed while the bot was down is still posted this late; later, it is skipped.
DEFAULT_GRACE = timedelta(hours=6)


class ScheduleKind(StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    CRON = "cron"


class ScheduleInputError(UserFacingError):
    """Bad schedule input; `errors` maps a field (modal block id) to what is wrong with it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def parse_time_of_day(value: str | time) -> time:
    if isinstance(value, time):
        return value
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", value)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ValueError(f"'{value}' is not a time like 09:00")
    return time(int(match.group(1)), int(match.group(2)))


def parse_weekday(value: str | int) -> int:
    if isinstance(value, int) and 0 <= value <= 6:
        return value
    key = str(value).strip().lower()[:3]
    if key not in WEEKDAYS:
        raise ValueError(f"'{value}' is not a weekday")
    return WEEKDAYS.index(key)


def parse_time_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"'{name}' is not an IANA time zone (like Europe/Berlin)") from error


@dataclass(frozen=True)
class ScheduleRule:
    kind: ScheduleKind
    at: time | None = None
    weekday: int | None = None
    day_of_month: int | None = None  # 1..31; -1 is the last day of the month
    cron: str | None = None

    @classmethod
    def weekly(cls, weekday: str | int, at: str | time) -> ScheduleRule:
        return cls(ScheduleKind.WEEKLY, at=parse_time_of_day(at), weekday=parse_weekday(weekday))

    @classmethod
    def monthly(cls, day: int | str, at: str | time) -> ScheduleRule:
        day_number = -1 if str(day).strip().lower() == "last" else int(day)
        if not (day_number == -1 or 1 <= day_number <= 31):
            raise ValueError(f"'{day}' is not a day of the month (1-31 or last)")
        return cls(ScheduleKind.MONTHLY, at=parse_time_of_day(at), day_of_month=day_number)

    def period_for(self, fired_local: datetime) -> str:
        """The outbox period of a firing at this local time."""
        if self.kind is ScheduleKind.WEEKLY:
            year, week, _ = fired_local.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind is ScheduleKind.MONTHLY:
            return f"{fired_local:%Y-%m}"
        if self._fires_at_most_daily():
            return f"{fired_local:%Y-%m-%d}"
        return f"{fired_local:%Y-%m-%dT%H%M}"

    def _fires_at_most_daily(self) -> bool:
        minute, hour = (self.cron or "* *").split()[:2]
        return minute.isdigit() and hour.isdigit()

    def describe(self) -> str:
        if self.kind is ScheduleKind.WEEKLY:
            return f"every {WEEKDAY_NAMES[self.weekday or 0]} at {self.at or time(9):%H:%M}"
        if self.kind is ScheduleKind.MONTHLY:
            day = "last day" if self.day_of_month == -1 else f"day {self.day_of_month}"
            return f"monthly on the {day} at {self.at or time(9):%H:%M}"
        return f"cron `{self.cron}`"

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "at": self.at.strftime("%H:%M") if self.at else None,
            "weekday": self.weekday,
            "day_of_month": self.day_of_month,
            "cron": self.cron,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ScheduleRule:
        return cls(
            ScheduleKind(data["kind"]),
            at=parse_time_of_day(data["at"]) if data.get("at") else None,
            weekday=data.get("weekday"),
            day_of_month=data.get("day_of_month"),
            cron=data.get("cron"),
        )


def run_now_period(now: datetime) -> str:
    """A run-now's own period key, so it never blocks (or is blocked by) the scheduled run."""
    return f"now-{now:%Y%m%dT%H%M%S}"


@dataclass(frozen=True)
class ScheduleView:
    id: int
    team_id: str
    ritual: str
    key: str
    channel_ids: list[str]
    rule: ScheduleRule
    time_zone: str
    enabled: bool
    options: dict[str, Any]
    updated_at: datetime


@dataclass(frozen=True)
class ScheduleSettings:
    """What the settings modal shows; `next_runs` by schedule id, in each schedule's zone."""

    schedules: list[ScheduleView]
    workspace_zone: str
    ritual_names: tuple[str, ...] = ()
    next_runs: dict[int, datetime | None] = field(default_factory=dict)


@dataclass(frozen=True)
class RunResult:
    team_id: str
    ritual: str
    period: str
    enqueued: dict[str, int] = field(default_factory=dict)  # channel -> new rows
    skipped: list[str] = field(default_factory=list)  # channels already done for the period

    @property
    def posts(self) -> int:
        return sum(self.enqueued.values())
