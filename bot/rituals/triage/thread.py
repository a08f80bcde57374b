"""The weekly thread: which tickets a session shows (planned once per channel and period), the
ts of each posted message, and `/triage now` through the ritual dispatcher."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.db import Sessions
from bot.errors import UserFacingError
from bot.rituals.triage import queries
from bot.rituals.triage.domain import (
    PostedMessage,
    SessionState,
    ThreadPlan,
    count_thread,
    still_open,
    triage_order,
)
from bot.rituals.triage.ids import PARENT_PART, TICKET_PART_PREFIX, TriageRituals
from bot.rituals.triage.models import TriageSession
from bot.rituals.triage.ports import PermissionCheck, RunNow
from bot.rituals.triage.rows import view
from bot.rituals.triage.setup import SettingsFlow
from bot.workspace.roles import Permission

TRIAGE_RITUAL = TriageRituals.THREAD.value


REPOST_GAP = timedelta(minutes=5)


class ThreadFlow(SettingsFlow):
    _permissions: PermissionCheck
    _sessions: Sessions

    def post_now(
        self,
        *,
        runs: RunNow,
        team_id: str,
        user_id: str,
        fallback_channel_id: str,
        now: datetime,
    ) -> list[str]:
        """`/triage now`: a new thread of the current queue, run through the ritual dispatcher
        like `/ops run`, in the triage channel (the triage setting, else the weekly schedule's
        channels, else where it was typed); that channel's previous thread is marked
        superseded. Returns the channels. Reviewers only, and at most once per
        `REPOST_GAP` per workspace, so no one can flood a channel with threads."""
        self._permissions.require(
            team_id=team_id, user_id=user_id, permission=Permission.REPOST_QUEUE
        )
        last = runs.recently_run_now(
            team_id=team_id, ritual=TRIAGE_RITUAL, now=now, within=REPOST_GAP
        )
        if last is not None:
            minutes = int((now - last).total_seconds() // 60)
            raise UserFacingError(
                f"The triage queue was re-posted {minutes} minute(s) ago; "
                f"try again in a few minutes."
            )
        configured = self.settings(team_id=team_id).channel_id
        result = runs.run_now(
            team_id=team_id,
            ritual=TRIAGE_RITUAL,
            now=now,
            channel_ids=[configured] if configured else None,
        )
        if result.enqueued or result.skipped:
            return [*result.enqueued, *result.skipped]
        runs.run_now(
            team_id=team_id, ritual=TRIAGE_RITUAL, now=now, channel_ids=[fallback_channel_id]
        )
        return [fallback_channel_id]

    def plan_thread(
        self, *, team_id: str, channel_id: str, period: str, now: datetime
    ) -> ThreadPlan:
        """The session for (channel, period) with its tickets, most severe and oldest first.

        Re-planning the same period returns the same tickets (a re-fired job posts nothing new).
        A new period supersedes the channel's open sessions. Side effects: the session row and
        its ticket list."""
        self._workspaces.ensure_workspace(team_id=team_id, now=now)
        sla_days = self.settings(team_id=team_id).sla_days
        with self._sessions.begin() as session:
            run = queries.get_run(session, team_id, channel_id, period)
            if run is None:
                for old in queries.open_sessions(session, team_id, channel_id):
                    old.state = SessionState.SUPERSEDED.value
                    old.superseded_at = now
                run = TriageSession(
                    team_id=team_id,
                    channel_id=channel_id,
                    period=period,
                    state=SessionState.OPEN.value,
                    started_at=now,
                )
                session.add(run)
                session.flush()
                queries.list_open_tickets(session, team_id, run.id)
            tickets = [view(t) for t in queries.session_tickets(session, team_id, run.id)]
            ordered = triage_order(tickets)
            counts = count_thread(
                still_open(ordered),
                shown_before=queries.shown_before(session, team_id, run.id),
                now=run.started_at,
                sla_days=sla_days,
            )
            return ThreadPlan(run.id, ordered, counts, sla_days, run.started_at)

    def record_delivery(
        self, *, team_id: str, channel_id: str, period: str, sent: dict[str, str], now: datetime
    ) -> list[PostedMessage]:
        """Stores the ts of the parent and of each ticket message (so clicks and closing can
        update them). Returns the parents of the threads this one superseded."""
        with self._sessions.begin() as session:
            run = queries.get_run(session, team_id, channel_id, period)
            if run is None:
                return []
            if PARENT_PART in sent:
                run.parent_ts = sent[PARENT_PART]
            rows = {row.ticket_id: row for row in queries.session_rows(session, team_id, run.id)}
            for part, ts in sent.items():
                if part.startswith(TICKET_PART_PREFIX):
                    row = rows.get(int(part.removeprefix(TICKET_PART_PREFIX)))
                    if row is not None:
                        row.ts = ts
            superseded = queries.superseded_by(session, team_id, channel_id, run.started_at)
            return [PostedMessage(s.channel_id, s.parent_ts or "") for s in superseded]
