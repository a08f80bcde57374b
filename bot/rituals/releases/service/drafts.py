"""Composing releases: the composer's drafts (validated field by field), GitHub imports,
reading a release for editing or correcting, and the composer's feedback search."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from bot.rituals.releases import queries
from bot.rituals.releases.domain import (
    ReleaseDraft,
    ReleaseField,
    ReleaseInvalid,
    ReleaseRefused,
    ReleaseState,
    ReleaseView,
    TierTemplate,
    check_can_decide,
    check_can_edit,
    validate_draft,
)
from bot.rituals.releases.models import Release
from bot.rituals.releases.service.base import (
    ChannelProblems,
    ReleaseBase,
    _pick,
    _view,
    _write_draft,
)


class DraftsFlow(ReleaseBase):
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
