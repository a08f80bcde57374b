"""Slack ids and ritual names of the reporting ritual, defined once."""

from __future__ import annotations

from enum import StrEnum


class ReportingRituals(StrEnum):
    OPS_REPORT = "ops-report"
    PULSE_SURVEY = "pulse-survey"


class ReportingIds(StrEnum):
    RELEVANCE = "pulse-relevance"
    SUPPORT = "pulse-support"
    COMMENT_BUTTON = "pulse-comment"
    COMMENT_MODAL = "pulse-comment-modal"
    COMMENT_INPUT = "pulse-comment-input"
