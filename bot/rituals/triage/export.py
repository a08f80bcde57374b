"""Tickets as CSV or JSON (`opsbot export tickets`), one row per ticket with its outcome."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from typing import Any

from bot.rituals.triage.domain import TicketView

COLUMNS = (
    "team_id",
    "id",
    "title",
    "description",
    "account",
    "severity",
    "source",
    "helpdesk",
    "external_id",
    "link",
    "reporter_user_id",
    "status",
    "outcome",
    "outcome_reason",
    "decided_by",
    "decided_at",
    "owner_user_id",
    "tracker_key",
    "tracker_url",
    "feedback_id",
    "created_at",
)


def ticket_record(team_id: str, ticket: TicketView) -> dict[str, Any]:
    return {
        "team_id": team_id,
        "id": ticket.id,
        "title": ticket.title,
        "description": ticket.description,
        "account": ticket.account_name,
        "severity": ticket.severity.value,
        "source": ticket.source.value,
        "helpdesk": ticket.helpdesk,
        "external_id": ticket.external_id,
        "link": ticket.link,
        "reporter_user_id": ticket.reporter_user_id,
        "status": ticket.status.value,
        "outcome": ticket.outcome.value if ticket.outcome else None,
        "outcome_reason": ticket.outcome_reason,
        "decided_by": ticket.decided_by,
        "decided_at": ticket.decided_at.isoformat() if ticket.decided_at else None,
        "owner_user_id": ticket.owner_user_id,
        "tracker_key": ticket.tracker_key,
        "tracker_url": ticket.tracker_url,
        "feedback_id": ticket.feedback_id,
        "created_at": ticket.created_at.isoformat(),
    }


def render(records: Sequence[dict[str, Any]], fmt: str) -> Iterator[str]:
    """Chunks of the export; `fmt` is "csv" or "json"."""
    if fmt == "json":
        yield json.dumps(list(records), ensure_ascii=False, indent=2) + "\n"
        return
    if fmt != "csv":
        raise ValueError(f"unknown export format {fmt!r}: use csv or json")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    for record in records:
        writer.writerow({k: "" if v is None else v for k, v in record.items()})
    yield buffer.getvalue()
