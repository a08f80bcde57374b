"""The monthly digest and the calls export."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from bot.rituals.buddies import queries
from bot.rituals.buddies.domain import CallStatus, Group, month_of
from bot.rituals.buddies.export import export_calls
from bot.rituals.buddies.flows.base import BuddyCore
from bot.rituals.buddies.records import call_view
from bot.rituals.buddies.views import DigestView, PmLine


class ReportingFlow(BuddyCore):
    def digest(self, *, team_id: str, now: datetime) -> DigestView:
        """The month just ended when run in a month's first week, else the month so far."""
        reference = now - timedelta(days=7) if now.day <= 7 else now
        start, end = month_of(reference)
        target = self.calls_target(team_id=team_id)
        with self._sessions() as session:
            calls = queries.calls_between(session, team_id, start, end)
            joined = queries.joined_between(session, team_id, start, end)
            pms = [m.user_id for m in queries.members(session, team_id) if m.group is Group.PM]
            takeaways = queries.takeaway_counts(session, team_id, [c.id for c in calls])
            live = [c for c in calls if c.status != CallStatus.CANCELLED.value]
            return DigestView(
                month=f"{start:%B %Y}",
                pms=sorted(
                    (PmLine(pm, joined.get(pm, 0), target) for pm in set(pms) | set(joined)),
                    key=lambda line: (-line.joined, line.user_id),
                ),
                reps_taking_part=len({c.rep_user_id for c in live}),
                accounts=sorted({c.account_name for c in live}, key=str.lower),
                takeaways=sum(takeaways.values()),
                calls_shared=len(live),
                unjoined=[
                    call_view(c) for c in live if c.owner_user_id is None and c.starts_at <= now
                ],
            )

    def export(self, *, team_id: str, fmt: str, since: datetime | None) -> Iterator[str]:
        """Every call (CSV or JSON) with who joined and its takeaways' feedback ids."""
        return export_calls(self._sessions, team_id=team_id, fmt=fmt, since=since)
