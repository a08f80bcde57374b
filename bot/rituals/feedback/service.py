"""Feedback use cases: capture, suggest similar items, merge, move through the lifecycle, digest,
export, accounts and settings. Each public method is one unit of work and takes `now` (aware UTC).

`FeedbackService` is the one object other rituals call (support triage turns a ticket into
feedback with `capture_from_ticket`, releases mark items shipped with `change_status`); each
sub-flow lives in `bot.rituals.feedback.flows`, over a `FeedbackUnits` unit of work that unit
tests replace with an in-memory fake.
"""

from __future__ import annotations

from bot.rituals.feedback.domain import (
    FeedbackSettings,
    ItemNotFound,
    ReactionCapture,
    StatusChangeInvalid,
)
from bot.rituals.feedback.flows.accounts import AccountsFlow
from bot.rituals.feedback.flows.base import AREAS_SETTING, FEEDBACK_SETTING
from bot.rituals.feedback.flows.capture import CaptureFlow, MessageReader
from bot.rituals.feedback.flows.lifecycle import LifecycleFlow
from bot.rituals.feedback.flows.reporting import ReportingFlow


class FeedbackService(CaptureFlow, LifecycleFlow, ReportingFlow, AccountsFlow):
    """Built with `sessions`, `workspaces`, `metrics` (a `FeedbackMetrics`), the default areas
    and capture emoji, and optionally `units` (defaults to SQL over `sessions`)."""


__all__ = [
    "AREAS_SETTING",
    "FEEDBACK_SETTING",
    "FeedbackService",
    "FeedbackSettings",
    "ItemNotFound",
    "MessageReader",
    "ReactionCapture",
    "StatusChangeInvalid",
]
