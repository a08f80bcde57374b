"""Release use cases. Each public method is one unit of work and takes `now` (aware UTC).

Publishing is one transaction: the release becomes published and its posts are enqueued in
the outbox under the period `release:<id>`, one delivery row per channel and part, so however
often it is published (two clicks, two schedulers, a restart) each post is made once. Linked
feedback is then marked shipped through `FeedbackService.ship_for_release` and the people who
asked are told by feedback's own close-the-loop (`LoopCloser`), one release loop row per item.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db import Sessions, read_only
from bot.outbox.domain import OutgoingPost, OutgoingTarget
from bot.outbox.service import Outbox
from bot.rituals.feedback.domain import StatusChange
from bot.rituals.feedback.service import FeedbackService, ItemNotFound
from bot.rituals.releases import queries
from bot.rituals.releases.domain import (
    AckSummary,
    ReleaseDraft,
    ReleaseField,
    ReleaseInvalid,
    ReleaseRefused,
    ReleaseState,
    ReleaseView,
    Rollup,
    RollupRelease,
    TierTemplate,
    after_approval,
    after_submit,
    check_can_cancel,
    check_can_decide,
    check_can_edit,
    check_can_submit,
    in_working_hours,
    month_window,
    publish_period,
    validate_draft,
)
from bot.rituals.releases.metrics import ReleaseMetrics
from bot.rituals.releases.models import Release, ReleaseAck, ReleaseLoop, ReleasePost
from bot.rituals.releases.options import ReleaseOptions
from bot.workspace.permissions import Permissions
from bot.workspace.roles import Grant, Permission
from bot.workspace.service import WorkspaceService

logger = logging.getLogger(__name__)

PUBLISH_RITUAL = "release-publish"  # the outbox ritual of release posts and reminders
SETTING = "releases"  # {"tiers": {"1": {...}}, "ack_group": "S1"}; managers are roles
EXPORT_COLUMNS = (
    "id",
    "title",
    "version",
    "tier",
    "state",
    "author",
    "channels",
    "feedback_ids",
    "source",
    "publish_at",
    "published_at",
    "created_at",
    "revision",
)


class ReleaseNotFound(ReleaseRefused):
    def __init__(self, release_id: int) -> None:
        super().__init__(f"There is no release #{release_id} in this workspace.")


class ChannelProblems(Protocol):
    def problems(self, channel_ids: Sequence[str]) -> dict[str, str]:
        """Channel → why the bot cannot post there (channels it can post to are left out)."""


class GroupMembers(Protocol):
    def members(self, group: str) -> list[str]:
        """People in a user group (S…) or channel (C…)."""


class LoopCloser(Protocol):
    def close_the_loop(self, change: StatusChange) -> None: ...


TargetsFor = Callable[[ReleaseView, TierTemplate], list[OutgoingTarget]]
ReminderFor = Callable[[ReleaseView], OutgoingPost]


@dataclass(frozen=True)
class SubmitOutcome:
    release: ReleaseView
    state: ReleaseState
    managers: list[str]  # who to ask, when it awaits approval
    enqueued: int  # posts enqueued, when it was published at once


@dataclass(frozen=True)
class Correction:
    release: ReleaseView
    template: TierTemplate
    posts: list[tuple[str, str, str]]  # (channel, part, ts) of posts already made


@dataclass(frozen=True)
class HomeReleases:
    recent: list[ReleaseView]
    drafts: list[ReleaseView]
    to_approve: list[ReleaseView]


class ReleaseService:
    def __init__(
        self,
        *,
        sessions: Sessions,
        workspaces: WorkspaceService,
        outbox: Outbox,
        feedback: FeedbackService,
        permissions: Permissions,
        options: ReleaseOptions,
        metrics: ReleaseMetrics,
        targets: TargetsFor,
        reminder: ReminderFor,
    ) -> None:
        self._sessions = sessions
        # reads take no write lock on SQLite (the composer's search answers before the ack)
        self._reads = read_only(sessions)
        self._workspaces = workspaces
        self._outbox = outbox
        self._feedback = feedback
        self._permissions = permissions
        self._options = options
        self._metrics = metrics
        self._targets = targets
        self._reminder = reminder

    # ---- settings: templates, release managers, the acknowledging group ----------------------
    def _setting(self, team_id: str) -> dict[str, Any]:
        return dict(self._workspaces.get_setting(team_id=team_id, key=SETTING) or {})

    def templates(self, *, team_id: str) -> dict[int, TierTemplate]:
        """The tier templates: config defaults, overridden per workspace by admins."""
        templates = self._options.templates()
        for tier, value in (self._setting(team_id).get("tiers") or {}).items():
            templates[int(tier)] = TierTemplate.from_json({**value, "tier": int(tier)})
        return templates

    def managers(self, *, team_id: str) -> list[str]:
        """People granted the release-manager role (admins are release managers too)."""
        return sorted(
            {
                holder.user_id
                for holder in self._permissions.holders(team_id=team_id)
                if holder.role is Grant.RELEASE_MANAGER
            }
        )

    def approvers(self, *, team_id: str) -> list[str]:
        """Who is asked to approve: the release managers, or the workspace's admins when
        nobody was made release manager (admins may always approve)."""
        managers = self.managers(team_id=team_id)
        if managers:
            return managers
        admins = {
            h.user_id for h in self._permissions.holders(team_id=team_id) if h.role is Grant.ADMIN
        }
        with self._reads() as session:
            admins.update(queries.admin_ids(session, team_id))
        return sorted(admins)

    def is_admin(self, *, team_id: str, user_id: str) -> bool:
        return self._permissions.allows(
            team_id=team_id, user_id=user_id, permission=Permission.CHANGE_SETTINGS
        )

    def ack_group(self, *, team_id: str) -> str:
        return str(self._setting(team_id).get("ack_group") or self._options.ack_group)

    def is_release_manager(self, *, team_id: str, user_id: str) -> bool:
        """THE question every approval path asks (approve, request changes, correct, Home),
        answered by the workspace's one place for roles (bot/workspace/roles.py)."""
        return self._permissions.allows(
            team_id=team_id, user_id=user_id, permission=Permission.APPROVE_RELEASE
        )

    def save_settings(
        self,
        *,
        team_id: str,
        user_id: str,
        now: datetime,
        managers: Sequence[str] | None = None,
        ack_group: str | None = None,
        template: TierTemplate | None = None,
    ) -> None:
        """Admins only (raises `ReleaseRefused`): who is release manager (granted or revoked
        through the workspace's roles, audited), the acknowledging group or one tier's
        template, stored for this workspace."""
        if not self.is_admin(team_id=team_id, user_id=user_id):
            raise ReleaseRefused("Only workspace admins can change release settings.")
        if managers is not None:
            current, wanted = set(self.managers(team_id=team_id)), set(managers)
            for person in sorted(wanted - current):
                self._permissions.grant(
                    team_id=team_id,
                    actor=user_id,
                    user_id=person,
                    role=Grant.RELEASE_MANAGER,
                    now=now,
                )
            for person in sorted(current - wanted):
                self._permissions.revoke(
                    team_id=team_id,
                    actor=user_id,
                    user_id=person,
                    role=Grant.RELEASE_MANAGER,
                    now=now,
                )
        value = self._setting(team_id)
        if ack_group is not None:
            value["ack_group"] = ack_group.strip()
        if template is not None:
            tiers = dict(value.get("tiers") or {})
            tiers[str(template.tier)] = template.to_json()
            value["tiers"] = tiers
        if ack_group is not None or template is not None:
            self._workspaces.set_setting(
                team_id=team_id, key=SETTING, value=value, user_id=user_id, now=now
            )

    # ---- composing ---------------------------------------------------------------------------
    def save_draft(
        self,
        *,
        team_id: str,
        user_id: str,
        draft: ReleaseDraft,
        now: datetime,
        release_id: int | None = None,
        channels: ChannelProblems | None = None,
        channel_problems: dict[str, str] | None = None,
    ) -> ReleaseView:
        """Validates the composer (raises `ReleaseInvalid` naming every bad field, nothing
        saved) and stores it as a draft (new, or the one being edited). No channel picked means
        the tier's default channels; `channels` asks Slack whether the bot can post in each.
        Returns the draft."""
        templates = self.templates(team_id=team_id)
        template = templates.get(draft.tier) if draft.tier is not None else None
        if not draft.channel_ids and template is not None:
            draft = replace(draft, channel_ids=template.default_channels)
        if channels is not None:
            channel_problems = channels.problems(draft.channel_ids)
        errors: dict[ReleaseField, str] = {}
        try:
            draft = validate_draft(draft, templates, now=now)
        except ReleaseInvalid as invalid:
            errors.update(invalid.errors)
        if channel_problems:
            errors.setdefault(
                ReleaseField.CHANNELS,
                "; ".join(f"<#{c}>: {why}" for c, why in channel_problems.items())[:1900],
            )
        if errors:
            raise ReleaseInvalid(errors)
        self._workspaces.ensure_workspace(team_id=team_id, now=now)
        with self._sessions.begin() as session:
            known = {i for i, _, _ in queries.feedback_labels(session, team_id, draft.feedback_ids)}
            draft = replace(draft, feedback_ids=tuple(i for i in draft.feedback_ids if i in known))
            if release_id is None:
                row = Release(
                    team_id=team_id,
                    author_id=user_id,
                    state=ReleaseState.DRAFT.value,
                    revision=1,
                    created_at=now,
                    updated_at=now,
                    feedback_ids=[],
                    channel_ids=[],
                )
                session.add(row)
            else:
                row = self._row(session, team_id, release_id, lock=True)
                self._require_author(row, user_id)
                check_can_edit(ReleaseState(row.state))
                row.state = ReleaseState.DRAFT.value
                row.decided_by = None
                row.decided_at = None
            _write_draft(row, draft)
            row.updated_at = now
            session.flush()
            self._metrics.drafts.inc()
            return _view(session, row)

    def import_draft(
        self, *, team_id: str, user_id: str, draft: ReleaseDraft, now: datetime
    ) -> ReleaseView:
        """Stores a GitHub import as the author's draft before anyone checks it: its notes may
        be longer than a modal field holds, and are kept as imported."""
        self._workspaces.ensure_workspace(team_id=team_id, now=now)
        with self._sessions.begin() as session:
            row = Release(
                team_id=team_id,
                author_id=user_id,
                state=ReleaseState.DRAFT.value,
                revision=1,
                created_at=now,
                updated_at=now,
                feedback_ids=[],
                channel_ids=[],
            )
            _write_draft(row, replace(draft, tier=draft.tier or 3))
            session.add(row)
            session.flush()
            return _view(session, row)

    def get(self, *, team_id: str, release_id: int) -> ReleaseView:
        with self._reads() as session:
            return _view(session, self._row(session, team_id, release_id))

    def get_for_edit(self, *, team_id: str, release_id: int, user_id: str) -> ReleaseView:
        """The author's release, while it can still be edited (raises `ReleaseRefused`)."""
        view = self.get(team_id=team_id, release_id=release_id)
        if view.author_id != user_id:
            raise ReleaseRefused(f"Only <@{view.author_id}>, who wrote this release, can edit it.")
        check_can_edit(view.state)
        return view

    def get_for_correction(self, *, team_id: str, release_id: int, user_id: str) -> ReleaseView:
        view = self.get(team_id=team_id, release_id=release_id)
        if view.state is not ReleaseState.PUBLISHED:
            raise ReleaseRefused("Only a published release can be corrected.")
        if view.author_id != user_id and not self.is_release_manager(
            team_id=team_id, user_id=user_id
        ):
            raise ReleaseRefused("Only its author or a release manager can correct a release.")
        return view

    def check_can_decide(self, *, team_id: str, release_id: int, user_id: str) -> None:
        """Raises `ReleaseRefused` unless this person may decide on the release now."""
        is_manager = self.is_release_manager(team_id=team_id, user_id=user_id)
        view = self.get(team_id=team_id, release_id=release_id)
        check_can_decide(view.state, is_manager=is_manager, decided_by=view.decided_by)

    def template_for(self, view: ReleaseView) -> TierTemplate:
        return _pick(self.templates(team_id=view.team_id), view.tier)

    def feedback_options(
        self, *, team_id: str, typed: str, limit: int = 50
    ) -> list[tuple[int, str, str | None]]:
        """Open feedback matching what was typed, by text or account (the composer's select)."""
        with self._reads() as session:
            return queries.search_feedback(session, team_id, typed, limit)

    def feedback_labels(
        self, *, team_id: str, item_ids: Sequence[int]
    ) -> list[tuple[int, str, str | None]]:
        with self._reads() as session:
            return queries.feedback_labels(session, team_id, item_ids)

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

    # ---- helpers -------------------------------------------------------------------------------
    def _row(
        self, session: Session, team_id: str, release_id: int, *, lock: bool = False
    ) -> Release:
        row = queries.release(session, team_id, release_id, lock=lock)
        if row is None:
            raise ReleaseNotFound(release_id)
        return row

    @staticmethod
    def _require_author(row: Release, user_id: str) -> None:
        if row.author_id != user_id:
            raise ReleaseRefused(f"Only <@{row.author_id}>, who wrote this release, can do that.")


def _pick(templates: dict[int, TierTemplate], tier: int) -> TierTemplate:
    return templates.get(tier) or templates[max(templates)]


def _acks_of(team_id: str, release_id: int) -> Any:
    from sqlalchemy import select

    return select(ReleaseAck).where(
        ReleaseAck.team_id == team_id, ReleaseAck.release_id == release_id
    )


def _write_draft(row: Release, draft: ReleaseDraft) -> None:
    row.title = draft.title
    row.version = draft.version
    row.tier = int(draft.tier or 3)
    row.whats_new = draft.whats_new
    row.why_it_matters = draft.why_it_matters
    row.who_it_is_for = draft.who_it_is_for
    row.docs_url = draft.docs_url
    row.feedback_ids = list(draft.feedback_ids)
    row.channel_ids = list(draft.channel_ids)
    row.publish_at = draft.publish_at
    row.source = draft.source


def _view(session: Session, row: Release) -> ReleaseView:
    draft = ReleaseDraft(
        title=row.title,
        version=row.version,
        tier=row.tier,
        whats_new=row.whats_new,
        why_it_matters=row.why_it_matters,
        who_it_is_for=row.who_it_is_for,
        docs_url=row.docs_url,
        feedback_ids=tuple(int(i) for i in row.feedback_ids),
        channel_ids=tuple(str(c) for c in row.channel_ids),
        publish_at=row.publish_at,
        source=row.source,
    )
    return ReleaseView(
        release_id=row.id,
        team_id=row.team_id,
        author_id=row.author_id,
        draft=draft,
        state=ReleaseState(row.state),
        revision=row.revision,
        created_at=row.created_at,
        published_at=row.published_at,
        review_comment=row.review_comment,
        decided_by=row.decided_by,
        feedback=tuple(queries.feedback_labels(session, row.team_id, draft.feedback_ids)),
    )


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
