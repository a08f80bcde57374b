"""What a helpdesk may send us (`POST /hooks/tickets`), validated into a `HelpdeskTicket`. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.rituals.triage.domain.tickets import (
    ACCOUNT_MAX,
    DESCRIPTION_MAX,
    LINK_MAX,
    TITLE_MAX,
    Helpdesk,
    Severity,
)


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
    """Validates a webhook body (see bot/rituals/triage/webhook.py for the documented shape)."""
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
