"""The feedback vocabulary: limits, statuses, sources, importance, form fields and the
summaries of stored items that every flow returns."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

TEXT_LIMIT = 3000  # Slack's multi-line input limit; stored text round-trips at this length
# An account name must survive a round trip through a select option's value (150 characters,
# less the "new:" prefix of a new account), or picking it would create a second account.
ACCOUNT_NAME_LIMIT = 146
EXTERNAL_ID_LIMIT = 128  # the column
SEGMENT_LIMIT = 64  # the column
ARR_MAX = 10**12  # a trillion a year: anything above is a typo, and BIGINT stays far away
LINK_LIMIT = 2000


class Status(StrEnum):
    NEW = "new"
    REVIEWED = "reviewed"
    PLANNED = "planned"
    SHIPPED = "shipped"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return self.value.capitalize()


OPEN_STATUSES = (Status.NEW, Status.REVIEWED, Status.PLANNED)


class Source(StrEnum):
    CALL = "call"
    SUPPORT = "support"
    SLACK = "slack"
    EMAIL = "email"
    SURVEY = "survey"
    INTERVIEW = "interview"
    OTHER = "other"

    @property
    def label(self) -> str:
        return "Slack" if self is Source.SLACK else self.value.capitalize()


class Importance(StrEnum):
    NICE_TO_HAVE = "nice-to-have"
    IMPORTANT = "important"
    BLOCKER = "blocker"

    @property
    def label(self) -> str:
        return self.value.replace("-", " ").capitalize()


class FeedbackField(StrEnum):
    """The fields of the feedback form; errors are keyed by these."""

    TEXT = "text"
    ACCOUNT = "account"
    AREA = "area"
    SOURCE = "source"
    IMPORTANCE = "importance"
    LINK = "link"
    ON_BEHALF_OF = "on_behalf_of"


@dataclass(frozen=True)
class ItemSummary:
    """One stored item as people see it (confirmation, modal prefill, Home, loop closing)."""

    item_id: int
    text: str
    account_name: str | None
    area: str | None
    source: Source
    importance: Importance
    link: str | None
    status: Status
    on_behalf_of: str
    submitted_by: str
    request_count: int
    permalink: str | None
    status_link: str | None
    decline_reason: str | None
    merged_into_id: int | None


@dataclass(frozen=True)
class SimilarItem:
    item_id: int
    text: str
    account_name: str | None
    request_count: int
    score: float


@dataclass(frozen=True)
class CaptureResult:
    item: ItemSummary
    created: bool
    similar: list[SimilarItem]


@dataclass(frozen=True)
class StatusChange:
    item: ItemSummary
    previous: Status
    notify: list[str]  # people told privately: submitters, on-behalf-of people, account owners

    @property
    def changed(self) -> bool:
        return self.previous != self.item.status
