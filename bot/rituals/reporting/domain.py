"""Pulse survey and ops report rules on plain values (pure: no Slack, database or HTTP)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from bot.errors import UserFacingError
from bot.stats.domain import StatsPeriod

RATING_MIN = 1
RATING_MAX = 5
COMMENT_MAX = 2000
REPORT_PART = "report"

RELEVANCE_QUESTION = "Insights are relevant and arrive in time"
SUPPORT_QUESTION = "Operational support helps me"


class ReportingOptions(BaseModel):
    """`[rituals.reporting]` defaults: what the report covers and how long a survey stays open."""

    model_config = ConfigDict(extra="forbid")

    report_period: StatsPeriod = StatsPeriod.MONTH
    chart_weeks: int = Field(default=13, ge=4, le=52)
    survey_open_days: int = Field(default=14, ge=1, le=90)
    participant_days: int = Field(default=91, ge=7, le=365)


class Question(StrEnum):
    RELEVANCE = "relevance"
    SUPPORT = "support"

    @property
    def text(self) -> str:
        return RELEVANCE_QUESTION if self is Question.RELEVANCE else SUPPORT_QUESTION


class SurveyClosedError(UserFacingError):
    def __init__(self, closed_at: datetime) -> None:
        super().__init__(
            f"This pulse survey closed on {closed_at:%b} {closed_at.day}, {closed_at:%Y}: "
            "answers are no longer taken. Thank you all the same; the next one will come."
        )


class NotInvitedError(UserFacingError):
    def __init__(self) -> None:
        super().__init__("This pulse survey was not sent to you, so I cannot take your answer.")


class RatingInvalidError(UserFacingError):
    def __init__(self) -> None:
        super().__init__(f"A rating is a whole number from {RATING_MIN} to {RATING_MAX}.")


@dataclass(frozen=True)
class RatingClick:
    survey_id: int
    rating: int


def rating_value(survey_id: int, rating: int) -> str:
    return f"{survey_id}:{rating}"


def parse_rating(value: str) -> RatingClick:
    """A rating button's value (`survey:rating`); anything else is refused."""
    survey, _, rating = value.partition(":")
    if not (survey.isdigit() and rating.isdigit()):
        raise RatingInvalidError()
    click = RatingClick(int(survey), int(rating))
    if not RATING_MIN <= click.rating <= RATING_MAX:
        raise RatingInvalidError()
    return click


def clean_comment(text: str | None) -> str | None:
    cleaned = (text or "").strip()
    return cleaned[:COMMENT_MAX] or None


class AnswerChange(StrEnum):
    RECORDED = "recorded"  # the first answer to this question
    CHANGED = "changed"  # a different rating replaced the earlier one
    SAME = "same"  # the same rating again (a double click): nothing changed


@dataclass(frozen=True)
class AnswerResult:
    question: Question | None
    rating: int | None
    change: AnswerChange
    closes_at: datetime
