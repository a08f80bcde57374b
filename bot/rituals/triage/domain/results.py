"""What the triage use cases hand back to listeners, runners and jobs (plain values)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.errors import UserFacingError
from bot.rituals.triage.domain.thread import SessionSummary, ThreadCounts
from bot.rituals.triage.domain.tickets import TicketView


class TriageUnavailable(UserFacingError):
    """A click could not be carried out; the ticket stays untriaged."""


class SettingsInvalid(UserFacingError):
    """Bad settings input; `errors` maps a form field to what is wrong with it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class WebhookResult(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"
    UNKNOWN = "unknown"  # a deletion for a ticket we never had
    IGNORED = "ignored"  # signed before the update already applied (a replay)


@dataclass(frozen=True)
class Decision:
    """What a click did. `won` is False when someone else decided first: `ticket` is then the
    state they left, which the loser is shown."""

    won: bool
    ticket: TicketView
    sla_days: int


@dataclass(frozen=True)
class ThreadPlan:
    session_id: int
    tickets: list[TicketView]
    counts: ThreadCounts
    sla_days: int
    started_at: datetime


@dataclass(frozen=True)
class PostedMessage:
    channel_id: str
    ts: str


@dataclass(frozen=True)
class ClosedSession:
    """A closed session. `already_closed`: someone closed it before (nothing was enqueued)."""

    session_id: int
    channel_id: str
    parent_ts: str | None
    summary: SessionSummary
    closed_by: str
    closed_at: datetime
    already_closed: bool
    counts: ThreadCounts
    started_at: datetime
    sla_days: int
