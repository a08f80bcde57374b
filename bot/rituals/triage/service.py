"""The triage use cases, one sub-flow per module, brought together as `TriageService`:

- `setup.SettingsFlow`: the workspace's triage settings (read by every other flow);
- `intake.IntakeFlow`: tickets from Slack and from helpdesk webhooks;
- `thread.ThreadFlow`: the weekly thread's plan, its delivery and `/triage now`;
- `decisions.DecisionFlow`: one-click outcomes and the owner, on a `TicketStore`;
- `closing.ClosingFlow`: closing a session, its summary through the outbox;
- `reads.ReadFlow`: history, App Home lists and exports.

Every public method takes `now` (aware UTC) and owns its unit of work. Dependencies are the
small protocols of `ports.py`, so rules are tested with fakes (tests/test_triage_unit.py).
"""

from __future__ import annotations

from bot.db import Sessions
from bot.integrations.tracker_policy import TrackerPolicy
from bot.rituals.triage.closing import ClosingFlow
from bot.rituals.triage.decisions import FILING_ABANDONED, DecisionFlow
from bot.rituals.triage.domain import (
    ClosedSession,
    Decision,
    PostedMessage,
    SettingsInvalid,
    ThreadPlan,
    TriageUnavailable,
    WebhookResult,
)
from bot.rituals.triage.intake import IntakeFlow
from bot.rituals.triage.metrics import TriageMetrics
from bot.rituals.triage.ports import (
    FeedbackCapture,
    OutboxPort,
    PermissionCheck,
    RunNow,
    TicketStore,
    TrackerFactory,
    WorkspaceSettings,
)
from bot.rituals.triage.reads import ReadFlow
from bot.rituals.triage.setup import SETTING_KEY
from bot.rituals.triage.thread import TRIAGE_RITUAL, ThreadFlow
from bot.rituals.triage.ticket_store import SqlTicketStore

__all__ = [
    "FILING_ABANDONED",
    "SETTING_KEY",
    "TRIAGE_RITUAL",
    "ClosedSession",
    "Decision",
    "FeedbackCapture",
    "PostedMessage",
    "RunNow",
    "SettingsInvalid",
    "ThreadPlan",
    "TriageService",
    "TriageUnavailable",
    "WebhookResult",
]


class TriageService(IntakeFlow, ThreadFlow, DecisionFlow, ClosingFlow, ReadFlow):
    def __init__(
        self,
        *,
        sessions: Sessions,
        workspaces: WorkspaceSettings,
        trackers: TrackerFactory,
        metrics: TriageMetrics,
        feedback: FeedbackCapture,
        outbox: OutboxPort,
        default_sla_days: int = 7,
        tickets: TicketStore | None = None,
        permissions: PermissionCheck,
        tracker_policy: TrackerPolicy | None = None,
    ) -> None:
        self._permissions = permissions
        self._tracker_policy = tracker_policy or TrackerPolicy()
        self._sessions = sessions
        self._workspaces = workspaces
        self._trackers = trackers
        self._metrics = metrics
        self._feedback = feedback
        self._outbox = outbox
        self._default_sla_days = default_sla_days
        self._tickets = tickets or SqlTicketStore(sessions)
