"""Acknowledgements (counts, and when a reminder may reach someone) and the outbox periods
under which a release's posts are made once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class AckSummary:
    acknowledged: int
    total: int

    @property
    def text(self) -> str:
        return f"{self.acknowledged} of {self.total} acknowledged"

    @property
    def rate(self) -> float | None:
        return self.acknowledged / self.total if self.total else None


def in_working_hours(now: datetime, zone: str | None, *, start: int, end: int) -> bool:
    """Monday to Friday between `start` and `end` o'clock in the person's own zone."""
    try:
        local = now.astimezone(ZoneInfo(zone or "UTC"))
    except (KeyError, ValueError):
        local = now
    return local.weekday() < 5 and start <= local.hour < end


def publish_period(release_id: int) -> str:
    """The outbox period of a release's posts: each post is made once, whoever publishes."""
    return f"release:{release_id}"


def release_id_of(period: str) -> int | None:
    head, _, rest = period.partition(":")
    number = rest.split(":")[0]
    return int(number) if head == "release" and number.isdigit() else None
