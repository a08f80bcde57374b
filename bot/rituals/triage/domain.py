"""Triage rules on plain values: severity order, age buckets, the SLA, thread counts, the summary,
and what a helpdesk may send us. Pure: no Slack, database or HTTP imports.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from bot.integrations.tracker_types import TrackerConfig


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


class AgeBucket(StrEnum):
    THIS_WEEK = "this week"
    ONE_TO_TWO_WEEKS = "1-2 weeks"
    TWO_TO_FOUR_WEEKS = "2-4 weeks"
    OVER_A_MONTH = "over 4 weeks"


def age_bucket(created_at: datetime, now: datetime) -> AgeBucket:
    age = now - created_at
    if age < timedelta(days=7):
        return AgeBucket.THIS_WEEK
    if age < timedelta(days=14):
        return AgeBucket.ONE_TO_TWO_WEEKS
    if age < timedelta(days=28):
        return AgeBucket.TWO_TO_FOUR_WEEKS
    return AgeBucket.OVER_A_MONTH


CLOSE_AFTER_HOURS_MAX = 24 * 14


def closing_is_due(started_at: datetime, close_after_hours: int | None, now: datetime) -> bool:
    """A session closes by itself `close_after_hours` after its thread started (if configured),
    like a PM pressing Close triage at the end of the meeting."""
    return close_after_hours is not None and now >= started_at + timedelta(hours=close_after_hours)


def is_overdue(created_at: datetime, now: datetime, sla_days: int) -> bool:
    """Past the workspace's SLA: open longer than `sla_days` days."""
    return now - created_at > timedelta(days=sla_days)


@dataclass(frozen=True)
class ThreadCounts:
    total: int
    new: int
    carried_over: int
    overdue: int
    by_severity: dict[Severity, int]
    by_age: dict[AgeBucket, int]


def count_thread(
    tickets: Sequence[TicketView],
    *,
    shown_before: Collection[int],
    now: datetime,
    sla_days: int,
) -> ThreadCounts:
    """Carried over = already shown in an earlier thread (`shown_before`: ticket ids); the
    rest are new."""
    carried = sum(1 for t in tickets if t.id in shown_before)
    severity = Counter(t.severity for t in tickets)
    ages = Counter(age_bucket(t.created_at, now) for t in tickets)
    return ThreadCounts(
        total=len(tickets),
        new=len(tickets) - carried,
        carried_over=carried,
        overdue=sum(1 for t in tickets if is_overdue(t.created_at, now, sla_days)),
        by_severity={s: severity.get(s, 0) for s in SEVERITIES_MOST_FIRST},
        by_age={b: ages.get(b, 0) for b in AgeBucket},
    )


@dataclass(frozen=True)
class CreatedIssue:
    ticket_id: int
    title: str
    key: str
    url: str


@dataclass(frozen=True)
class SessionSummary:
    outcomes: dict[Outcome, int]
    left: int
    left_overdue: int
    median_time_to_triage: timedelta | None
    created_issues: list[CreatedIssue] = field(default_factory=list)

    @property
    def triaged(self) -> int:
        return sum(self.outcomes.values())


def summarise(
    *,
    decided: Sequence[tuple[Outcome, timedelta]],
    left: int,
    left_overdue: int,
    created_issues: Sequence[CreatedIssue],
) -> SessionSummary:
    """`decided`: each triaged ticket's outcome and its time from arrival to the decision."""
    counts = Counter(outcome for outcome, _ in decided)
    return SessionSummary(
        outcomes={o: counts.get(o, 0) for o in Outcome},
        left=left,
        left_overdue=left_overdue,
        median_time_to_triage=median_duration([d for _, d in decided]),
        created_issues=list(created_issues),
    )


def median_duration(durations: Sequence[timedelta]) -> timedelta | None:
    if not durations:
        return None
    seconds = statistics.median(d.total_seconds() for d in durations)
    return timedelta(seconds=round(seconds))


def format_duration(duration: timedelta) -> str:
    """'3d 4h', '5h 10m', '12m': short enough for a summary line."""
    minutes = int(duration.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    return f"{minutes}m"


# ---- helpdesk webhook payloads -------------------------------------------------------------


class PayloadError(ValueError):
    """A webhook body we cannot store; the message is the reason the helpdesk gets back."""


@dataclass(frozen=True)
class HelpdeskTicket:
    helpdesk: Helpdesk
    external_id: str
    deleted: bool
    title: str
    description: str
    account_name: str | None
    severity: Severity
    link: str | None
    reporter: str | None
    created_at: datetime | None


# Freshdesk sends priorities as numbers 1-4; Zendesk and Intercom words.
_SEVERITY_ALIASES = {
    "1": Severity.LOW,
    "2": Severity.NORMAL,
    "3": Severity.HIGH,
    "4": Severity.URGENT,
    "medium": Severity.NORMAL,
    "critical": Severity.URGENT,
    "": Severity.NORMAL,
    "-": Severity.NORMAL,  # Zendesk's placeholder for a ticket without a priority
    "none": Severity.NORMAL,
}


def parse_severity(value: Any) -> Severity:
    text = str(value if value is not None else "").strip().lower()
    if text in Severity.__members__.values():
        return Severity(text)
    if text in _SEVERITY_ALIASES:
        return _SEVERITY_ALIASES[text]
    raise PayloadError(
        f"severity {value!r} is not one of low, normal, high, urgent (or Freshdesk's 1-4)"
    )


def _text(data: Mapping[str, Any], key: str, limit: int, *, required: bool = False) -> str:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise PayloadError(f"missing field: {key}")
        return ""
    if not isinstance(value, str | int):
        raise PayloadError(f"field {key} must be a string")
    text = str(value).strip()
    if len(text) > limit:
        raise PayloadError(f"field {key} is longer than {limit} characters")
    return text


def _timestamp(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise PayloadError("field created_at must be an ISO 8601 string")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise PayloadError("field created_at is not an ISO 8601 time") from error
    if parsed.tzinfo is None:
        raise PayloadError("field created_at needs a time zone (e.g. 2026-11-16T08:00:00Z)")
    return parsed.astimezone(UTC)


def parse_helpdesk_payload(data: Any) -> HelpdeskTicket:
    """Validates a webhook body (see bot/web/ticket_hook.py for the documented shape)."""
    if not isinstance(data, dict):
        raise PayloadError("body must be a JSON object")
    helpdesk_name = _text(data, "helpdesk", 32, required=True).lower()
    try:
        helpdesk = Helpdesk(helpdesk_name)
    except ValueError as error:
        raise PayloadError("helpdesk must be one of zendesk, intercom, freshdesk") from error
    external_id = _text(data, "id", 64, required=True)
    status = _text(data, "status", 32).lower()
    deleted = status == "deleted"
    title = _text(data, "title", TITLE_MAX, required=not deleted)
    return HelpdeskTicket(
        helpdesk=helpdesk,
        external_id=external_id,
        deleted=deleted,
        title=title,
        description=_text(data, "description", DESCRIPTION_MAX),
        account_name=_text(data, "account", ACCOUNT_MAX) or None,
        severity=parse_severity(data.get("severity")),
        link=_text(data, "url", LINK_MAX) or None,
        reporter=_text(data, "requester", 255) or None,
        created_at=_timestamp(data.get("created_at")),
    )


# ---- settings -----------------------------------------------------------------------------

TRACKER_KINDS = ("jira", "linear", "github")
SLA_DAYS_MAX = 90


@dataclass(frozen=True)
class SettingsForm:
    """What an admin typed in the triage settings modal."""

    channel_id: str | None
    sla_days: str
    tracker_kind: str | None  # None: no tracker
    tracker_project: str
    tracker_url: str
    tracker_user: str
    tracker_token: str  # empty: keep the stored token
    new_webhook_secret: bool
    close_after_hours: str = ""  # empty: only the Close triage button closes a session


def validate_settings(form: SettingsForm, *, has_token: bool) -> dict[str, str]:
    """Field name -> message for every problem; empty when the settings can be saved."""
    errors: dict[str, str] = {}
    sla = form.sla_days.strip()
    if not sla.isdigit() or not 1 <= int(sla) <= SLA_DAYS_MAX:
        errors["sla_days"] = f"A whole number of days from 1 to {SLA_DAYS_MAX}."
    close_after = form.close_after_hours.strip()
    if close_after and (
        not close_after.isdigit() or not 1 <= int(close_after) <= CLOSE_AFTER_HOURS_MAX
    ):
        errors["close_after_hours"] = (
            f"A whole number of hours from 1 to {CLOSE_AFTER_HOURS_MAX}, or empty to close "
            "only with the button."
        )
    if form.tracker_kind is None:
        return errors
    if form.tracker_kind not in TRACKER_KINDS:
        errors["tracker_kind"] = "Pick Jira Cloud, Linear or GitHub Issues."
        return errors
    project = form.tracker_project.strip()
    if form.tracker_kind == "github" and project.count("/") != 1:
        errors["tracker_project"] = "The repository as owner/name, e.g. acme/app."
    elif not project:
        hints = {"jira": "The Jira project key, e.g. OPS.", "linear": "The Linear team id."}
        errors["tracker_project"] = hints[form.tracker_kind]
    url = form.tracker_url.strip()
    if form.tracker_kind == "jira" and not url:
        errors["tracker_url"] = "Your Jira site, e.g. https://acme.atlassian.net."
    elif url and not url.startswith(("https://", "http://")):
        errors["tracker_url"] = "A web address starting with https://."
    if form.tracker_kind == "jira" and "@" not in form.tracker_user:
        errors["tracker_user"] = "The email of the Jira account the API token belongs to."
    if not form.tracker_token.strip() and not has_token:
        errors["tracker_token"] = "Paste an API token for the tracker."  # noqa: S105
    return errors


@dataclass(frozen=True)
class SavedSettings:
    settings: TriageSettings
    new_webhook_secret: str | None  # shown once to the admin who generated it


@dataclass(frozen=True)
class TriageSettings:
    channel_id: str | None
    sla_days: int
    tracker: TrackerConfig | None
    webhook_secret: str | None
    close_after_hours: int | None = None
