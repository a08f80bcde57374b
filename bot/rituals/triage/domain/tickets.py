"""Tickets as values: severity, outcome and status, a draft and its validation, the view the
thread, Home and export show, and the triage order. Pure: no Slack, database or HTTP imports."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.integrations.tracker_types import NewIssue


class Severity(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"

    @property
    def rank(self) -> int:
        """Higher is more severe; the thread shows the most severe first."""
        return _SEVERITY_RANK[self]

    @property
    def emoji(self) -> str:
        return _SEVERITY_EMOJI[self]


_SEVERITY_RANK = {Severity.LOW: 0, Severity.NORMAL: 1, Severity.HIGH: 2, Severity.URGENT: 3}
_SEVERITY_EMOJI = {
    Severity.LOW: ":white_circle:",
    Severity.NORMAL: ":large_blue_circle:",
    Severity.HIGH: ":large_orange_circle:",
    Severity.URGENT: ":red_circle:",
}
SEVERITIES_MOST_FIRST = sorted(Severity, key=lambda s: -s.rank)


class Outcome(StrEnum):
    BUG = "bug"
    FEATURE = "feature"
    KNOWN = "known"
    NEEDS_INFO = "needs-info"
    WONT_FIX = "wont-fix"

    @property
    def label(self) -> str:
        return _OUTCOME_LABEL[self]


_OUTCOME_LABEL = {
    Outcome.BUG: "Bug → engineering",
    Outcome.FEATURE: "Feature request",
    Outcome.KNOWN: "Known issue",
    Outcome.NEEDS_INFO: "Needs info",
    Outcome.WONT_FIX: "Won't fix",
}


class TicketStatus(StrEnum):
    OPEN = "open"
    FILING = "filing"  # a Bug click is creating the tracker issue right now
    TRIAGED = "triaged"
    DELETED = "deleted"


class Source(StrEnum):
    SLASH = "slash"
    SHORTCUT = "shortcut"
    WEBHOOK = "webhook"


class Helpdesk(StrEnum):
    ZENDESK = "zendesk"
    INTERCOM = "intercom"
    FRESHDESK = "freshdesk"


class SessionState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    SUPERSEDED = "superseded"


TITLE_MAX = 200
DESCRIPTION_MAX = 4000
ACCOUNT_MAX = 200
LINK_MAX = 500


@dataclass(frozen=True)
class TicketDraft:
    """A ticket as a person typed it (modal) or a message shortcut prefilled it."""

    title: str
    description: str = ""
    account_name: str | None = None
    severity: Severity = Severity.NORMAL
    link: str | None = None


def validate_draft(draft: TicketDraft) -> dict[str, str]:
    """Field name -> message for every problem; empty when the draft can be stored."""
    errors: dict[str, str] = {}
    if not draft.title.strip():
        errors["title"] = "Give the ticket a short title."
    elif len(draft.title) > TITLE_MAX:
        errors["title"] = f"Keep the title under {TITLE_MAX} characters."
    if len(draft.description) > DESCRIPTION_MAX:
        errors["description"] = f"Keep the description under {DESCRIPTION_MAX} characters."
    if draft.account_name and len(draft.account_name) > ACCOUNT_MAX:
        errors["account"] = f"Keep the account name under {ACCOUNT_MAX} characters."
    if draft.link and len(draft.link) > LINK_MAX:
        errors["link"] = f"Keep the link under {LINK_MAX} characters."
    return errors


def title_from_message(text: str, limit: int = 80) -> str:
    """The first line of a message, cut at a word, as a ticket title."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0] or first[:limit]
    return cut + "…"


@dataclass(frozen=True)
class TicketView:
    """A ticket as the thread, the Home tab and the export show it."""

    id: int
    title: str
    description: str
    account_name: str | None
    severity: Severity
    link: str | None
    source: Source
    helpdesk: str | None
    external_id: str | None
    reporter_user_id: str | None
    status: TicketStatus
    outcome: Outcome | None
    outcome_reason: str | None
    decided_by: str | None
    decided_at: datetime | None
    owner_user_id: str | None
    tracker_key: str | None
    tracker_url: str | None
    feedback_id: int | None
    created_at: datetime
    version: int


def triage_order(tickets: Iterable[TicketView]) -> list[TicketView]:
    """Most severe first, then oldest first (then by id so the order is stable)."""
    return sorted(tickets, key=lambda t: (-t.severity.rank, t.created_at, t.id))


def new_issue(ticket: TicketView) -> NewIssue:
    """The engineering issue a Bug click files (plain text: trackers do not read mrkdwn)."""
    lines = [ticket.description or ticket.title, ""]
    if ticket.account_name:
        lines.append(f"Account: {ticket.account_name}")
    lines.append(f"Severity: {ticket.severity.value}")
    if ticket.link:
        lines.append(f"Helpdesk: {ticket.link}")
    lines.append(f"From the opsbot support triage (ticket {ticket.id}).")
    return NewIssue(title=ticket.title, body="\n".join(lines), labels=("support-triage",))


def feature_text(ticket: TicketView) -> str:
    """The feedback item a Feature click captures."""
    return f"{ticket.title}\n\n{ticket.description}".strip()
