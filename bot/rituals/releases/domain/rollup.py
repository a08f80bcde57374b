"""The monthly roll-up of releases: what it holds and the month it covers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class RollupRelease:
    release_id: int
    title: str
    version: str
    tier: int
    published_at: datetime


@dataclass(frozen=True)
class Rollup:
    month: str  # "2026-11"
    channel_id: str
    releases: list[RollupRelease]
    by_tier: dict[int, int]
    feedback_closed: int
    accounts_told: int
    acknowledged: int
    to_acknowledge: int
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ack_rate(self) -> float | None:
        return self.acknowledged / self.to_acknowledge if self.to_acknowledge else None


def month_window(period: str) -> tuple[datetime, datetime]:
    """`2026-11` → [Nov 1, Dec 1) in UTC."""
    year, month = (int(p) for p in period.split("-")[:2])
    start = datetime(year, month, 1, tzinfo=ZoneInfo("UTC"))
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=ZoneInfo("UTC"))
    return start, end


def previous_month(now: datetime) -> str:
    first = now.replace(day=1)
    last = first - timedelta(days=1)
    return f"{last:%Y-%m}"
