"""When seeded things "happened": moments in the month before `now`, on people's working hours.

The seed data names its moments as "n days ago at 10:30 in Priya's zone" so the month reads like
a real one (captures in working hours, calls at sensible local times) whatever `now` is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class SeedClock:
    now: datetime  # aware UTC: the end of the seeded month
    time_zone: str  # the workspace's zone

    def days_ago(self, days: float) -> datetime:
        return self.now - timedelta(days=days)

    def at(self, days_ago: int, hour: int, minute: int = 0, *, zone: str | None = None) -> datetime:
        """`days_ago` days before today (in `zone`, default the workspace's), at that local
        time, in UTC; never later than a minute before `now`, so nothing is in the future."""
        tz = ZoneInfo(zone or self.time_zone)
        day = self.now.astimezone(tz).date() - timedelta(days=days_ago)
        moment = datetime.combine(day, time(hour, minute), tzinfo=tz).astimezone(UTC)
        return min(moment, self.now - timedelta(minutes=1))

    def ahead(self, days: int, hour: int, minute: int = 0, *, zone: str | None = None) -> datetime:
        """`days` days after today at that local time, in UTC (calls still to come)."""
        tz = ZoneInfo(zone or self.time_zone)
        day = self.now.astimezone(tz).date() + timedelta(days=days)
        return datetime.combine(day, time(hour, minute), tzinfo=tz).astimezone(UTC)
