"""Digest maths: the week's window, accounts weighted by ARR, trends and ages in words; and the
export's columns."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.rituals.feedback.domain.values import Status


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime

    @classmethod
    def week_ending(cls, end: datetime) -> Window:
        return cls(end - timedelta(days=7), end)

    def previous(self) -> Window:
        return Window(self.start - (self.end - self.start), self.start)


@dataclass(frozen=True)
class AccountTally:
    name: str
    items: int
    arr: int | None

    @property
    def weight(self) -> int:
        """Items weighted by ARR: the revenue asking this week. Accounts without a known ARR
        count as 1, so they follow every account with one, ordered by their item count."""
        return self.items * max(self.arr or 0, 1)


@dataclass(frozen=True)
class DigestItem:
    item_id: int
    text: str
    account_name: str | None
    area: str | None
    status: Status
    request_count: int
    captured_at: datetime
    permalink: str | None


@dataclass(frozen=True)
class Digest:
    area: str | None
    window: Window
    new_this_week: int
    new_last_week: int
    by_area: list[tuple[str, int]]
    top_accounts: list[AccountTally]
    most_requested: list[DigestItem]
    awaiting_review: list[DigestItem]
    awaiting_review_total: int
    median_time_to_review: timedelta | None
    new_items: list[DigestItem] = field(default_factory=list)


def rank_accounts(tallies: Iterable[AccountTally], limit: int = 5) -> list[AccountTally]:
    return sorted(tallies, key=lambda t: (-t.weight, -t.items, t.name.casefold()))[:limit]


def describe_age(age: timedelta) -> str:
    days = age.days
    if days >= 1:
        return f"{days} day{'s' if days != 1 else ''}"
    hours = int(age.total_seconds() // 3600)
    return f"{hours} hour{'s' if hours != 1 else ''}" if hours else "under an hour"


def trend(this_week: int, last_week: int) -> str:
    if last_week == 0:
        return "new this week" if this_week else "no change"
    change = round((this_week - last_week) * 100 / last_week)
    return f"{'+' if change >= 0 else ''}{change}% vs last week"


EXPORT_COLUMNS = (
    "id",
    "captured_at",
    "text",
    "account",
    "area",
    "source",
    "importance",
    "status",
    "requests",
    "submitted_by",
    "on_behalf_of",
    "link",
    "status_link",
    "decline_reason",
    "permalink",
    "merged_into",
)
