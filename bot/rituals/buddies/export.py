"""`opsbot export calls`: every shared call, who joined, how it went and its takeaways."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from bot.db import Sessions
from bot.rituals.buddies import queries
from bot.rituals.buddies.models import BuddyCall

EXPORT_COLUMNS = [
    "id",
    "starts_at",
    "rep",
    "buddy",
    "joined_by",
    "account",
    "topic",
    "link",
    "status",
    "outcome",
    "takeaways",
    "feedback_items",
]


def export_calls(
    sessions: Sessions, *, team_id: str, fmt: str, since: datetime | None
) -> Iterator[str]:
    """CSV (feedback item ids space-separated) or a JSON array; calls starting on or after
    `since` when given, oldest first."""
    with sessions() as session:
        calls = queries.exported_calls(session, team_id, since)
        items = queries.takeaway_items(session, team_id, [c.id for c in calls])
        records = [_record(c, items.get(c.id, [])) for c in calls]
    if fmt == "json":
        yield json.dumps(records, ensure_ascii=False, indent=2) + "\n"
        return
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS)
    writer.writeheader()
    for record in records:
        writer.writerow({**record, "feedback_items": " ".join(map(str, record["feedback_items"]))})
    yield buffer.getvalue()


def known_teams(sessions: Sessions) -> list[str]:
    with sessions() as session:
        return queries.team_ids(session)


def _record(call: BuddyCall, items: list[int]) -> dict[str, Any]:
    return {
        "id": call.id,
        "starts_at": call.starts_at.isoformat(),
        "rep": call.rep_user_id,
        "buddy": call.buddy_user_id or "",
        "joined_by": call.owner_user_id or "",
        "account": call.account_name,
        "topic": call.topic,
        "link": call.link,
        "status": call.status,
        "outcome": call.outcome or "",
        "takeaways": len(items),
        "feedback_items": items,
    }
