"""The monthly roll-up, the Home tab's releases, and the export (CSV or JSON, streamed)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from bot.db import Sessions, read_only
from bot.rituals.releases import queries
from bot.rituals.releases.domain import Rollup, RollupRelease, month_window
from bot.rituals.releases.models import Release
from bot.rituals.releases.service.base import EXPORT_COLUMNS, HomeReleases, ReleaseBase, _view


class ReportingFlow(ReleaseBase):
    # ---- roll-up, Home, export -----------------------------------------------------------------
    def rollup(self, *, team_id: str, channel_id: str | None, month: str) -> Rollup:
        """A month of releases (those announced in `channel_id`, or all): by tier, feedback
        closed, accounts told, acknowledgement rate."""
        start, end = month_window(month)
        with self._reads() as session:
            rows = [
                r
                for r in queries.published_between(session, team_id, start, end)
                if channel_id is None or channel_id in r.channel_ids
            ]
            ids = [r.id for r in rows]
            loops = queries.loops_of(session, team_id, ids)
            done, total = queries.ack_totals(session, team_id, ids)
        by_tier: dict[int, int] = {}
        for r in rows:
            by_tier[r.tier] = by_tier.get(r.tier, 0) + 1
        return Rollup(
            month=month,
            channel_id=channel_id or "",
            releases=[
                RollupRelease(r.id, r.title, r.version, r.tier, r.published_at or r.updated_at)
                for r in rows
            ],
            by_tier=by_tier,
            feedback_closed=len(loops),
            accounts_told=len({loop.account_name for loop in loops if loop.account_name}),
            acknowledged=done,
            to_acknowledge=total,
        )

    def home(self, *, team_id: str, user_id: str, limit: int = 5) -> HomeReleases:
        is_manager = self.is_release_manager(team_id=team_id, user_id=user_id)
        with self._reads() as session:
            return HomeReleases(
                recent=[
                    _view(session, r) for r in queries.recent_published(session, team_id, limit)
                ],
                drafts=[
                    _view(session, r) for r in queries.drafts_of(session, team_id, user_id, limit)
                ],
                to_approve=[
                    _view(session, r) for r in queries.awaiting_approval(session, team_id, limit)
                ]
                if is_manager
                else [],
            )

    def known_teams(self) -> list[str]:
        return release_teams(self._sessions)

    def export(self, *, team_id: str, fmt: str, since: datetime | None) -> Iterator[str]:
        return export_releases(self._sessions, team_id=team_id, fmt=fmt, since=since)


def _export_record(row: Release) -> dict[str, Any]:
    return {
        "id": row.id,
        "title": row.title,
        "version": row.version,
        "tier": row.tier,
        "state": row.state,
        "author": row.author_id,
        "channels": list(row.channel_ids),
        "feedback_ids": list(row.feedback_ids),
        "source": row.source,
        "publish_at": row.publish_at.isoformat() if row.publish_at else None,
        "published_at": row.published_at.isoformat() if row.published_at else None,
        "created_at": row.created_at.isoformat(),
        "revision": row.revision,
    }


def release_teams(sessions: Sessions) -> list[str]:
    with read_only(sessions)() as session:
        return queries.team_ids(session)


def export_releases(
    sessions: Sessions, *, team_id: str, fmt: str, since: datetime | None
) -> Iterator[str]:
    """Every release of the workspace as CSV or a JSON array (streamed)."""
    with read_only(sessions)() as session:
        records = [_export_record(r) for r in queries.export_rows(session, team_id, since)]
    if fmt == "json":
        yield "[\n"
        for number, record in enumerate(records):
            yield ("," if number else "") + json.dumps(record, ensure_ascii=False) + "\n"
        yield "]\n"
        return
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS)
    writer.writeheader()
    for record in records:
        writer.writerow(
            {
                **record,
                "channels": " ".join(record["channels"]),
                "feedback_ids": " ".join(str(i) for i in record["feedback_ids"]),
            }
        )
    yield buffer.getvalue()
