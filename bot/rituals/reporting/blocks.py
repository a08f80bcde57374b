"""Builders for the ops report message, the pulse survey DM and its comment modal (pure)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.rituals.reporting.domain import (
    COMMENT_MAX,
    RATING_MAX,
    RATING_MIN,
    AnswerChange,
    AnswerResult,
    Question,
    rating_value,
)
from bot.rituals.reporting.ids import ReportingIds
from bot.slack.modals import modal
from bot.stats.blocks import build_stats_blocks, day_label
from bot.stats.domain import MIN_ANSWERS_FOR_AVERAGE, StatsReport

CHARTS_COMMENT = "Charts: weekly over the last quarter."


def build_report_blocks(report: StatsReport) -> list[Block]:
    blocks = build_stats_blocks(report, title=f"Ops report: {report.period.label}")
    if report.has_data:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text="Charts follow in the thread. `/ops stats` shows these numbers "
                        "any time, privately."
                    )
                ]
            )
        )
    return blocks


def report_text(report: StatsReport) -> str:
    return f"Ops report ({report.period.label})"


# ---- pulse survey -----------------------------------------------------------------------------

_ACTION = {Question.RELEVANCE: ReportingIds.RELEVANCE, Question.SUPPORT: ReportingIds.SUPPORT}


def question_of(action_id: str) -> Question:
    return Question.RELEVANCE if action_id == ReportingIds.RELEVANCE.value else Question.SUPPORT


def build_survey_blocks(*, survey_id: int, closes_at: datetime) -> list[Block]:
    blocks: list[Block] = [
        HeaderBlock(text="Quick pulse: two questions"),
        SectionBlock(
            text=MarkdownTextObject(
                text="How well is product ops working for you? 1 = not at all, 5 = very well. "
                "Click again to change a rating."
            )
        ),
    ]
    for question in Question:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=f"*{question.text}*")))
        blocks.append(
            ActionsBlock(
                block_id=f"{_ACTION[question].value}-block",
                elements=[
                    ButtonElement(
                        text=str(rating),
                        action_id=f"{_ACTION[question].value}-{rating}",
                        value=rating_value(survey_id, rating),
                    )
                    for rating in range(RATING_MIN, RATING_MAX + 1)
                ],
            )
        )
    blocks.append(
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Add a comment (optional)",
                    action_id=ReportingIds.COMMENT_BUTTON.value,
                    value=str(survey_id),
                )
            ]
        )
    )
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"Open until {day_label(closes_at)}. The stats show only counts and, from "
                    f"{MIN_ANSWERS_FOR_AVERAGE} answers up, averages: never who said what."
                )
            ]
        )
    )
    return blocks


SURVEY_TEXT = "Quick pulse: two questions about product ops (1 to 5)"


@dataclass(frozen=True)
class CommentMetadata:
    survey_id: int

    def to_json(self) -> str:
        return json.dumps({"survey_id": self.survey_id})

    @classmethod
    def from_json(cls, raw: str) -> CommentMetadata:
        return cls(int(json.loads(raw or "{}").get("survey_id", 0)))


def build_comment_modal(*, survey_id: int) -> View:
    return modal(
        callback_id=ReportingIds.COMMENT_MODAL.value,
        title="Pulse survey",
        submit="Send",
        close="Cancel",
        metadata=CommentMetadata(survey_id).to_json(),
        blocks=[
            InputBlock(
                block_id=ReportingIds.COMMENT_INPUT.value,
                label=PlainTextObject(text="Anything to add? (optional)"),
                optional=True,
                element=PlainTextInputElement(
                    action_id=ReportingIds.COMMENT_INPUT.value,
                    multiline=True,
                    max_length=COMMENT_MAX,
                ),
            )
        ],
    )


def answer_text(result: AnswerResult) -> str:
    until = f"You can change it until {day_label(result.closes_at)}."
    if result.question is None:
        return f":speech_balloon: Thanks, your comment is saved. {until}"
    what = f"*{result.question.text}*: {result.rating}/5"
    if result.change is AnswerChange.SAME:
        return f":ballot_box_with_check: Already recorded: {what}. Nothing changed."
    if result.change is AnswerChange.CHANGED:
        return f":arrows_counterclockwise: Changed your answer to {what}. {until}"
    return f":white_check_mark: Thanks! Recorded {what}. {until}"
