"""What every release flow shares: its dependencies, the workspace's release settings (tier
templates, release managers, the acknowledging group), the values flows return, and the row
helpers that turn a `Release` row into the `ReleaseView` builders render.

Publishing is one transaction: the release becomes published and its posts are enqueued in
the outbox under the period `release:<id>`, one delivery row per channel and part, so however
often it is published (two clicks, two schedulers, a restart) each post is made once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from bot.db import Sessions, read_only
from bot.outbox.domain import OutgoingPost, OutgoingTarget
from bot.outbox.service import Outbox
from bot.rituals.feedback.domain import StatusChange
from bot.rituals.feedback.service import FeedbackService
from bot.rituals.releases import queries
from bot.rituals.releases.domain import (
    ReleaseDraft,
    ReleaseRefused,
    ReleaseState,
    ReleaseView,
    TierTemplate,
)
from bot.rituals.releases.metrics import ReleaseMetrics
from bot.rituals.releases.models import Release, ReleaseAck
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


class ReleaseBase:
    """Dependencies, settings and row helpers; the flows in this package build on it."""

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
