"""After publishing: linked feedback marked shipped and its people told through feedback's own
close-the-loop (one release loop row per item), posts remembered for corrections, corrections
themselves, acknowledgements and their once-only reminders."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError

from bot.rituals.feedback.service import ItemNotFound
from bot.rituals.releases import queries
from bot.rituals.releases.domain import (
    AckSummary,
    ReleaseDraft,
    ReleaseRefused,
    ReleaseState,
    ReleaseView,
    in_working_hours,
    publish_period,
    validate_draft,
)
from bot.rituals.releases.models import ReleaseLoop, ReleasePost
from bot.rituals.releases.service.base import (
    PUBLISH_RITUAL,
    Correction,
    LoopCloser,
    ReleaseBase,
    _pick,
    _view,
    _write_draft,
)


class FollowUpFlow(ReleaseBase):
    # ---- closing the loop on feedback ----------------------------------------------------------
    def close_loops(
        self, *, team_id: str, release_id: int, closer: LoopCloser, now: datetime
    ) -> int:
        """Marks each linked feedback item shipped and has feedback tell its submitters and
        account owners (feedback's own close-the-loop). One loop row per item, so a repeat does
        nothing; an item shipped before is recorded without telling anyone twice."""
        with self._reads() as session:
            row = self._row(session, team_id, release_id)
            if row.state != ReleaseState.PUBLISHED.value:
                return 0
            pending = [
                i
                for i in row.feedback_ids
                if i not in queries.closed_item_ids(session, team_id, release_id)
            ]
            link = row.docs_url or None
        told = 0
        for item_id in pending:
            try:
                change = self._feedback.ship_for_release(
                    team_id=team_id, item_id=int(item_id), link=link, now=now
                )
            except ItemNotFound:
                change = None
            if change is not None and change.notify:
                closer.close_the_loop(change)
            try:
                with self._sessions.begin() as session:
                    session.add(
                        ReleaseLoop(
                            team_id=team_id,
                            release_id=release_id,
                            item_id=int(item_id),
                            account_name=change.item.account_name if change else None,
                            people_told=len(change.notify) if change else 0,
                            closed_at=now,
                        )
                    )
            except IntegrityError:
                continue  # closed by a concurrent run
            told += len(change.notify) if change else 0
        self._metrics.loops_closed.inc(len(pending))
        return told

    def releases_to_follow_up(self) -> list[tuple[str, int]]:
        with self._reads() as session:
            return queries.published_not_followed_up(session)

    def mark_followed_up(self, *, team_id: str, release_id: int, now: datetime) -> None:
        with self._sessions.begin() as session:
            self._row(session, team_id, release_id).followed_up_at = now

    # ---- after delivery, corrections ---------------------------------------------------------
    def record_posts(
        self, *, team_id: str, release_id: int, channel_id: str, sent: dict[str, str], now: datetime
    ) -> None:
        """Remembers each post's ts (the outbox's `after_delivery`), for corrections."""
        with self._sessions.begin() as session:
            for part, ts in sent.items():
                existing = queries.post(session, team_id, release_id, channel_id, part)
                if existing is None:
                    session.add(
                        ReleasePost(
                            team_id=team_id,
                            release_id=release_id,
                            channel_id=channel_id,
                            part=part,
                            ts=ts,
                            posted_at=now,
                        )
                    )
                else:
                    existing.ts = ts

    def correct(
        self, *, team_id: str, release_id: int, user_id: str, draft: ReleaseDraft, now: datetime
    ) -> Correction:
        """Changes a published release's notes (author or a release manager); the caller updates
        the posts in place with `chat.update`. Tier, channels and time stay as published."""
        allowed = self.is_release_manager(team_id=team_id, user_id=user_id)
        templates = self.templates(team_id=team_id)
        with self._sessions.begin() as session:
            row = self._row(session, team_id, release_id, lock=True)
            if row.state != ReleaseState.PUBLISHED.value:
                raise ReleaseRefused("Only a published release can be corrected.")
            if row.author_id != user_id and not allowed:
                raise ReleaseRefused("Only its author or a release manager can correct a release.")
            fixed = replace(
                draft,
                tier=row.tier,
                channel_ids=tuple(row.channel_ids),
                publish_at=None,
                feedback_ids=tuple(row.feedback_ids),
            )
            fixed = validate_draft(fixed, templates, now=now)
            _write_draft(row, replace(fixed, publish_at=row.publish_at, source=row.source))
            row.revision += 1
            row.updated_at = now
            view = _view(session, row)
            template = _pick(templates, row.tier)
            for target in self._targets(view, template):
                # parts already enqueued stay as they are (updated in place by the caller);
                # notes that grew get their extra messages posted below
                self._outbox.enqueue(
                    session,
                    team_id=team_id,
                    ritual=PUBLISH_RITUAL,
                    period=target.period or publish_period(row.id),
                    channel_id=target.channel_id,
                    posts=target.posts,
                    now=now,
                )
            made = [
                (p.channel_id, p.part, p.ts) for p in queries.posts(session, team_id, release_id)
            ]
            self._metrics.corrections.inc()
            return Correction(view, template, made)

    def mark_post_revision(
        self, *, team_id: str, release_id: int, channel_id: str, part: str, revision: int
    ) -> None:
        with self._sessions.begin() as session:
            post = queries.post(session, team_id, release_id, channel_id, part)
            if post is not None:
                post.revision = revision

    # ---- acknowledgement -----------------------------------------------------------------------
    def acknowledge(
        self, *, team_id: str, release_id: int, user_id: str, now: datetime
    ) -> tuple[ReleaseView, AckSummary, bool]:
        """Records the person's acknowledgement. Returns the release, the new count and whether
        this person was asked (someone outside the group is thanked but not counted)."""
        with self._sessions.begin() as session:
            row = self._row(session, team_id, release_id)
            ack = queries.ack(session, team_id, release_id, user_id)
            asked = ack is not None
            if ack is not None and ack.acknowledged_at is None:
                ack.acknowledged_at = now
                self._metrics.acknowledged.inc()
            session.flush()
            done, total = queries.ack_counts(session, team_id, release_id)
            return _view(session, row), AckSummary(done, total), asked

    def ack_summary(self, *, team_id: str, release_id: int) -> AckSummary:
        with self._reads() as session:
            return AckSummary(*queries.ack_counts(session, team_id, release_id))

    def status_message(self, *, team_id: str, release_id: int) -> tuple[str, str] | None:
        with self._reads() as session:
            row = self._row(session, team_id, release_id)
            if row.status_channel and row.status_ts:
                return row.status_channel, row.status_ts
            return None

    def remember_status_message(
        self, *, team_id: str, release_id: int, channel_id: str, ts: str
    ) -> None:
        with self._sessions.begin() as session:
            row = self._row(session, team_id, release_id)
            row.status_channel, row.status_ts = channel_id, ts

    def remind(self, *, now: datetime) -> int:
        """Once, after the configured delay and inside each person's working hours: a DM to
        everyone who has not acknowledged, through the outbox (`release:<id>:remind:<user>`)."""
        published_before = now - timedelta(hours=self._options.ack_reminder_hours)
        with self._reads() as session:
            teams = queries.teams_with_pending_acks(session)
        sent = 0
        for team_id in teams:
            # people opsbot has not met yet are taken to work in the workspace's zone
            workspace_zone = self._workspaces.time_zone(team_id=team_id)
            with self._sessions.begin() as session:
                due = queries.acks_to_remind(session, team_id, published_before=published_before)
                views: dict[int, ReleaseView] = {}
                for release_id, user_id, zone in due:
                    if not in_working_hours(
                        now,
                        zone or workspace_zone,
                        start=self._options.work_start_hour,
                        end=self._options.work_end_hour,
                    ):
                        continue
                    if release_id not in views:
                        views[release_id] = _view(session, self._row(session, team_id, release_id))
                    self._outbox.enqueue(
                        session,
                        team_id=team_id,
                        ritual=PUBLISH_RITUAL,
                        period=f"{publish_period(release_id)}:remind:{user_id}",
                        channel_id=user_id,
                        posts=[self._reminder(views[release_id])],
                        now=now,
                    )
                    ack = queries.ack(session, team_id, release_id, user_id)
                    if ack is not None:
                        ack.reminded_at = now
                    sent += 1
        self._metrics.reminders.inc(sent)
        return sent
