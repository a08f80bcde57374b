"""Reading feedback back: the weekly digest's numbers, the App Home lists and the export.
SQL aggregations over indexed columns, so the cost follows the week's volume, not the table."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from bot.rituals.feedback import queries
from bot.rituals.feedback.domain import EXPORT_COLUMNS, Digest, DigestItem, Window, rank_accounts
from bot.rituals.feedback.flows.base import FeedbackCore
from bot.rituals.feedback.models import FeedbackItem
from bot.workspace.roles import Permission

DIGEST_LIST = 10
TOP_ACCOUNTS = 5
REVIEW_LOOKBACK = timedelta(days=28)


class ReportingFlow(FeedbackCore):
    def digest(self, *, team_id: str, area: str | None, now: datetime) -> Digest:
        """The weekly numbers for the week ending at `now`, optionally for one area."""
        window = Window.week_ending(now)
        with self._sessions() as session:
            median = queries.median_review_seconds(
                session, team_id, area, now - REVIEW_LOOKBACK, now
            )
            return Digest(
                area=area,
                window=window,
                new_this_week=queries.count_captured(session, team_id, area, window),
                new_last_week=queries.count_captured(session, team_id, area, window.previous()),
                by_area=queries.count_by_area(session, team_id, area, window),
                top_accounts=rank_accounts(
                    queries.top_accounts(session, team_id, area, window, TOP_ACCOUNTS)
                ),
                most_requested=queries.most_requested(session, team_id, area, DIGEST_LIST),
                awaiting_review=queries.awaiting_review(session, team_id, area, DIGEST_LIST),
                awaiting_review_total=queries.count_awaiting_review(session, team_id, area),
                median_time_to_review=None if median is None else timedelta(seconds=median),
                new_items=queries.new_items(session, team_id, area, window, DIGEST_LIST),
            )

    def recent_for(self, *, team_id: str, user_id: str, limit: int = 5) -> list[DigestItem]:
        with self._sessions() as session:
            return queries.recent_by_submitter(session, team_id, user_id, limit)

    def awaiting_review_for(
        self, *, team_id: str, user_id: str, limit: int = 5
    ) -> list[DigestItem]:
        """Items waiting for review in the areas this person owns (all areas when the workspace
        has not assigned owners)."""
        owners = self.settings(team_id=team_id).area_owners
        mine = [area for area, users in owners.items() if user_id in users]
        with self._sessions() as session:
            return queries.awaiting_review_in_areas(
                session, team_id, mine if owners else None, limit
            )

    def export_for(
        self, *, team_id: str, user_id: str, fmt: str, since: datetime | None
    ) -> Iterator[str]:
        """`/feedback export`: admins get every item of the workspace, anyone else only the
        items they submitted (items captured from private channels stay private)."""
        everything = self._permissions.allows(
            team_id=team_id, user_id=user_id, permission=Permission.EXPORT_ALL
        )
        return self.export(
            team_id=team_id, fmt=fmt, since=since, submitted_by=None if everything else user_id
        )

    def export(
        self,
        *,
        team_id: str,
        fmt: str,
        since: datetime | None,
        submitted_by: str | None = None,
    ) -> Iterator[str]:
        """Streams every item (merged ones too, with `merged_into`) as CSV or a JSON array;
        only one person's submissions with `submitted_by`."""
        with self._sessions() as session:
            rows = (
                _export_record(item, name)
                for item, name in queries.export_rows(session, team_id, since, submitted_by)
            )
            if fmt == "json":
                yield "["
                for index, record in enumerate(rows):
                    yield ("," if index else "") + "\n  " + json.dumps(record, ensure_ascii=False)
                yield "\n]\n"
                return
            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS)
            writer.writeheader()
            for record in rows:
                writer.writerow(record)
                if buffer.tell() > 64_000:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
            yield buffer.getvalue()


def _export_record(item: FeedbackItem, account_name: str | None) -> dict[str, Any]:
    return {
        "id": item.id,
        "captured_at": item.captured_at.isoformat(),
        "text": item.text,
        "account": account_name or "",
        "area": item.area or "",
        "source": item.source,
        "importance": item.importance,
        "status": item.status,
        "requests": item.request_count,
        "submitted_by": item.submitted_by,
        "on_behalf_of": item.on_behalf_of,
        "link": item.link or "",
        "status_link": item.status_link or "",
        "decline_reason": item.decline_reason or "",
        "permalink": item.permalink or "",
        "merged_into": item.merged_into_id or "",
    }
