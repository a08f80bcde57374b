"""Preview → submit → approve → publish. Publishing is one transaction: the release becomes
published and its posts are enqueued in the outbox under `release:<id>`, so each post is made
once however often it is published; then who must acknowledge it is recorded."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from bot.rituals.releases import queries
from bot.rituals.releases.domain import (
    ReleaseState,
    ReleaseView,
    TierTemplate,
    after_approval,
    after_submit,
    check_can_cancel,
    check_can_decide,
    check_can_submit,
    publish_period,
)
from bot.rituals.releases.models import Release, ReleaseAck
from bot.rituals.releases.service.base import (
    PUBLISH_RITUAL,
    ReleaseBase,
    SubmitOutcome,
    _acks_of,
    _pick,
    _view,
)


class ApprovalFlow(ReleaseBase):
    # ---- preview → submit → approve → publish -------------------------------------------------
    def submit(
        self, *, team_id: str, release_id: int, user_id: str, now: datetime
    ) -> SubmitOutcome:
        """The author pressed Publish on the preview: to the release managers when the tier
        needs approval, else scheduled for its time or published at once (posts enqueued)."""
        # settings are read before the write transaction (SQLite writers take the lock at BEGIN)
        templates = self.templates(team_id=team_id)
        approvers = self.approvers(team_id=team_id)
        with self._sessions.begin() as session:
            row = self._row(session, team_id, release_id, lock=True)
            self._require_author(row, user_id)
            check_can_submit(ReleaseState(row.state))
            template = _pick(templates, row.tier)
            next_state = after_submit(template, row.publish_at, now)
            row.updated_at = now
            if next_state == "now":
                enqueued = self._publish(session, row, template, now)
                return SubmitOutcome(_view(session, row), ReleaseState.PUBLISHED, [], enqueued)
            row.state = str(next_state)
            managers = approvers if next_state == ReleaseState.AWAITING_APPROVAL else []
            return SubmitOutcome(_view(session, row), ReleaseState(next_state), managers, 0)

    def decide(
        self,
        *,
        team_id: str,
        release_id: int,
        user_id: str,
        approve: bool,
        now: datetime,
        comment: str = "",
    ) -> SubmitOutcome:
        """A release manager approves (scheduled, or published at once) or sends it back with a
        comment. Refused (`ReleaseRefused`, nothing changes) for anyone who is not a release
        manager and for a release already decided."""
        is_manager = self.is_release_manager(team_id=team_id, user_id=user_id)
        templates = self.templates(team_id=team_id)
        with self._sessions.begin() as session:
            row = self._row(session, team_id, release_id, lock=True)
            check_can_decide(
                ReleaseState(row.state), is_manager=is_manager, decided_by=row.decided_by
            )
            row.decided_by, row.decided_at, row.updated_at = user_id, now, now
            if not approve:
                row.state = ReleaseState.CHANGES_REQUESTED.value
                row.review_comment = comment.strip() or None
                return SubmitOutcome(_view(session, row), ReleaseState.CHANGES_REQUESTED, [], 0)
            template = _pick(templates, row.tier)
            if after_approval(row.publish_at, now) == "now":
                enqueued = self._publish(session, row, template, now)
                return SubmitOutcome(_view(session, row), ReleaseState.PUBLISHED, [], enqueued)
            row.state = ReleaseState.SCHEDULED.value
            return SubmitOutcome(_view(session, row), ReleaseState.SCHEDULED, [], 0)

    def cancel(self, *, team_id: str, release_id: int, user_id: str, now: datetime) -> ReleaseView:
        with self._sessions.begin() as session:
            row = self._row(session, team_id, release_id, lock=True)
            self._require_author(row, user_id)
            check_can_cancel(ReleaseState(row.state))
            row.state, row.updated_at = ReleaseState.CANCELLED.value, now
            return _view(session, row)

    def publish_due(self, *, now: datetime) -> list[ReleaseView]:
        """Scheduled releases whose time has come, in every workspace: each published in its
        own unit of work (the frequently-run publishing job). Returns those published here."""
        with self._reads() as session:
            due = queries.due_releases(session, now)
        published: list[ReleaseView] = []
        for team_id, release_id in due:
            templates = self.templates(team_id=team_id)
            with self._sessions.begin() as session:
                row = self._row(session, team_id, release_id, lock=True)
                if row.state != ReleaseState.SCHEDULED.value:
                    continue  # another scheduler published it first
                template = _pick(templates, row.tier)
                self._publish(session, row, template, now)
                published.append(_view(session, row))
        return published

    def _publish(
        self, session: Session, row: Release, template: TierTemplate, now: datetime
    ) -> int:
        """In the caller's transaction: published, posts enqueued, acknowledgements asked."""
        row.state = ReleaseState.PUBLISHED.value
        row.published_at = now
        row.updated_at = now
        session.flush()
        view = _view(session, row)
        created = 0
        for target in self._targets(view, template):
            created += self._outbox.enqueue(
                session,
                team_id=row.team_id,
                ritual=PUBLISH_RITUAL,
                period=target.period or publish_period(row.id),
                channel_id=target.channel_id,
                posts=target.posts,
                now=now,
            )
        self._metrics.published.labels(str(row.tier)).inc()
        self._metrics.posts_enqueued.inc(created)
        return created

    def ask_acknowledgement(
        self, *, team_id: str, release_id: int, members: Sequence[str], now: datetime
    ) -> int:
        """Records who must acknowledge a published release (once; again adds nobody twice)."""
        with self._sessions.begin() as session:
            row = self._row(session, team_id, release_id)
            if row.state != ReleaseState.PUBLISHED.value:
                return 0
            existing = {a.user_id for a in session.scalars(_acks_of(team_id, release_id))}
            added = 0
            for user_id in dict.fromkeys(members):
                if user_id and user_id not in existing:
                    session.add(
                        ReleaseAck(
                            team_id=team_id, release_id=release_id, user_id=user_id, created_at=now
                        )
                    )
                    added += 1
            return added
