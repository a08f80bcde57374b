"""Data rights for a departing customer: everything of one workspace out (`opsbot export --team
T --all`), and everything of one workspace gone (`opsbot purge --team T`).

Both walk `Base.metadata`, which holds the platform's tables and every installed ritual's, so a
new ritual's tables are covered without a change here; a test checks every table has `team_id`.
Secrets in settings are masked in the export (they are opsbot's credentials, not the customer's
data).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, delete, select
from sqlalchemy.orm import Session

from bot.models_registry import metadata
from bot.security.sealed_settings import mask_secrets

SECRET_TABLES = frozenset({"workspace_settings"})


def workspace_tables() -> list[Table]:
    """Every table, parents before children."""
    return list(metadata.sorted_tables)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def export_workspace(session: Session, team_id: str) -> Iterator[str]:
    """The workspace as one JSON object `{table: [rows]}`, streamed table by table."""
    yield json.dumps({"team_id": team_id})[:-1]
    for table in workspace_tables():
        rows = session.execute(
            select(table).where(table.c.team_id == team_id).order_by(*table.primary_key.columns)
        ).mappings()
        records = []
        for row in rows:
            record = {key: _plain(value) for key, value in row.items()}
            if table.name in SECRET_TABLES and isinstance(record.get("value"), dict):
                record["value"] = mask_secrets(record["value"])
            records.append(record)
        yield f", {json.dumps(table.name)}: {json.dumps(records, ensure_ascii=False)}"
    yield "}\n"


def purge_workspace(session: Session, team_id: str) -> dict[str, int]:
    """Deletes every row of the workspace, children first; returns rows deleted per table."""
    deleted: dict[str, int] = {}
    for table in reversed(workspace_tables()):
        result = session.execute(delete(table).where(table.c.team_id == team_id))
        deleted[table.name] = int(getattr(result, "rowcount", 0) or 0)
    return deleted
