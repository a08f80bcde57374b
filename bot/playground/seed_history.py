"""Services as the seed uses them for the past: the real classes, with nothing posted.

A session closed or a call held "last week" happened before the local workspace existed, so
there is no thread to answer in: the outbox port here keeps nothing (the brief's rule: seed past
state directly, never enqueue history). The counters go to a registry of their own, because
these clicks were not made in this process.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from prometheus_client import CollectorRegistry
from sqlalchemy.orm import Session

from bot.integrations.tracker_types import IssueTracker, TrackerConfig, TrackerError
from bot.outbox.domain import OutgoingPost
from bot.outbox.service import Outbox
from bot.rituals.feedback.service import FeedbackService
from bot.rituals.triage.metrics import TriageMetrics
from bot.rituals.triage.service import TriageService
from bot.wiring import Container


class NothingPosted(Outbox):
    """An outbox that stores nothing: what the past would have posted was posted then."""

    def __init__(self) -> None:
        pass  # no sessions: it never writes

    def enqueue(
        self,
        session: Session,
        *,
        team_id: str,
        ritual: str,
        period: str,
        channel_id: str,
        posts: Sequence[OutgoingPost],
        now: datetime,
    ) -> int:
        return 0


def _no_tracker(config: TrackerConfig) -> IssueTracker:
    raise TrackerError("the playground seed files no issues")


def past_triage(container: Container) -> TriageService:
    """The triage service for last week's session: same rules and tables, nothing posted."""
    return TriageService(
        sessions=container.sessions,
        workspaces=container.services.workspaces,
        trackers=_no_tracker,
        metrics=TriageMetrics(CollectorRegistry()),
        feedback=container.service(FeedbackService),
        outbox=NothingPosted(),
        default_sla_days=container.settings.triage_sla_days,
        permissions=container.services.permissions,
    )
