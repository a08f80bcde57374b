"""The small protocols the triage use cases depend on, so their rules can be tested with fakes
(tests/test_triage_unit.py): the workspace settings, the ticket store behind one-click decisions,
the outbox, the feedback ritual and the dispatcher's "run now"."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.orm import Session

from bot.integrations.tracker import IssueTracker, TrackerConfig
from bot.outbox.domain import OutgoingPost
from bot.rituals.triage.domain import TicketView
from bot.workspace.roles import Permission

TrackerFactory = Callable[[TrackerConfig], IssueTracker]


class WorkspaceSettings(Protocol):
    """The slice of `WorkspaceService` triage uses: its own setting and the workspace row."""

    def get_setting(self, *, team_id: str, key: str) -> dict[str, Any] | None: ...

    def set_setting(
        self, *, team_id: str, key: str, value: dict[str, Any], user_id: str, now: datetime
    ) -> None: ...

    def ensure_workspace(self, *, team_id: str, now: datetime) -> None: ...


@dataclass(frozen=True)
class NewEvent:
    """One line of a ticket's history: who did what, when."""

    action: str
    user_id: str | None
    detail: str
    at: datetime


class TicketStore(Protocol):
    """Tickets as decisions change them; each call is its own unit of work."""

    def claim(
        self,
        *,
        team_id: str,
        ticket_id: int,
        values: dict[str, object],
        abandoned_before: datetime,
        event: NewEvent | None,
    ) -> tuple[bool, TicketView]:
        """Changes the ticket only while it is undecided (conditional UPDATE); records `event`
        when it won. Returns (won, the ticket as it is now)."""
        ...

    def release(self, *, team_id: str, ticket_id: int, now: datetime) -> None:
        """Makes a ticket held for filing undecided again (the call out failed)."""
        ...

    def update(
        self, *, team_id: str, ticket_id: int, values: dict[str, object], event: NewEvent
    ) -> TicketView: ...

    def get(self, *, team_id: str, ticket_id: int) -> TicketView: ...


class OutboxPort(Protocol):
    """`bot.outbox.service.Outbox`: posts added in the caller's unit of work."""

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
    ) -> int: ...


class FeedbackCapture(Protocol):
    """The feedback ritual's entry point for tickets (idempotent on (team_id, ticket_ref))."""

    def capture_from_ticket(
        self,
        *,
        team_id: str,
        text: str,
        account_name: str | None,
        submitted_by: str,
        link: str | None,
        ticket_ref: str,
        now: datetime,
    ) -> int: ...


class RunOutcome(Protocol):
    @property
    def enqueued(self) -> dict[str, int]: ...  # channel -> posts queued

    @property
    def skipped(self) -> list[str]: ...  # channels already done for that period


class RunNow(Protocol):
    """The scheduling engine's "run this ritual now" (its own period, so a new thread).
    `channel_ids` None means the channels of the ritual's schedule."""

    def run_now(
        self,
        *,
        team_id: str,
        ritual: str,
        now: datetime,
        channel_ids: Sequence[str] | None = None,
    ) -> RunOutcome: ...

    def recently_run_now(
        self, *, team_id: str, ritual: str, now: datetime, within: timedelta
    ) -> datetime | None: ...


class PermissionCheck(Protocol):
    """`bot.workspace.permissions.Permissions`: the one place that decides who may do what."""

    def require(self, *, team_id: str, user_id: str, permission: Permission) -> None: ...
