"""What every feedback flow shares: its dependencies, the workspace's feedback settings, and the
row helpers (accounts by name, requesters, summaries) the capture and merge flows both use."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from functools import cached_property
from typing import Any, Protocol

from bot.db import Sessions, read_only
from bot.rituals.feedback.domain import (
    FeedbackSettings,
    Importance,
    ItemSummary,
    Source,
    Status,
    account_key,
    requester_key,
)
from bot.rituals.feedback.metrics import FeedbackMetrics
from bot.rituals.feedback.models import FeedbackAccount, FeedbackItem, FeedbackRequester
from bot.rituals.feedback.store import FeedbackStore, FeedbackUnits, SqlFeedbackUnits
from bot.workspace.models import WorkspaceSetting
from bot.workspace.roles import Permission

logger = logging.getLogger(__name__)

AREAS_SETTING = "product_areas"  # {"areas": ["Reporting", ...]}
FEEDBACK_SETTING = "feedback"  # {"capture_emoji": "bulb", "area_owners": {"Reporting": ["U1"]}}


class WorkspaceSettings(Protocol):
    """The part of `WorkspaceService` feedback needs (unit tests pass a dict-backed fake)."""

    def get_setting(self, *, team_id: str, key: str) -> dict[str, Any] | None: ...
    def ensure_workspace(self, *, team_id: str, now: datetime) -> Any: ...


class PermissionCheck(Protocol):
    """`bot.workspace.permissions.Permissions`: the one place that decides who may do what."""

    def require(self, *, team_id: str, user_id: str, permission: Permission) -> None: ...
    def allows(self, *, team_id: str, user_id: str, permission: Permission) -> bool: ...


class FeedbackCore:
    def __init__(
        self,
        *,
        sessions: Sessions,
        workspaces: WorkspaceSettings,
        metrics: FeedbackMetrics,
        permissions: PermissionCheck,
        default_areas: Sequence[str],
        default_capture_emoji: str,
        units: FeedbackUnits | None = None,
    ) -> None:
        self._permissions = permissions
        self._sessions = sessions
        self._units: FeedbackUnits = units or SqlFeedbackUnits(sessions)
        self._workspaces = workspaces
        self._metrics = metrics
        self._default_areas = list(default_areas)
        self._default_emoji = default_capture_emoji.strip(":")

    @cached_property
    def _reads(self) -> Sessions:
        """Sessions for reads: on SQLite they take no write lock, so a read before an ack (the
        account type-ahead) never queues behind a writer. Built on first use (the unit tier
        hands in a session factory that must never be called)."""
        return read_only(self._sessions)

    # ---- settings ------------------------------------------------------------------------
    def settings(self, *, team_id: str) -> FeedbackSettings:
        areas_value = self._workspaces.get_setting(team_id=team_id, key=AREAS_SETTING) or {}
        feedback_value = self._workspaces.get_setting(team_id=team_id, key=FEEDBACK_SETTING) or {}
        areas = [str(a) for a in areas_value.get("areas", self._default_areas)]
        emoji = str(feedback_value.get("capture_emoji") or self._default_emoji).strip(":")
        owners = {
            str(area): [str(u) for u in users]
            for area, users in dict(feedback_value.get("area_owners") or {}).items()
        }
        return FeedbackSettings(areas=areas, capture_emoji=emoji, area_owners=owners)

    def save_settings(
        self, *, team_id: str, settings: FeedbackSettings, user_id: str, now: datetime
    ) -> None:
        """Stores areas, capture emoji and area owners for the workspace in one transaction
        (from the `/ops settings` feedback modal; the caller checks the person is an admin).
        Other keys of the feedback setting are kept."""
        self._workspaces.ensure_workspace(team_id=team_id, now=now)
        feedback_value = dict(
            self._workspaces.get_setting(team_id=team_id, key=FEEDBACK_SETTING) or {}
        )
        feedback_value |= {
            "capture_emoji": settings.capture_emoji,
            "area_owners": settings.area_owners,
        }
        values = {AREAS_SETTING: {"areas": settings.areas}, FEEDBACK_SETTING: feedback_value}
        with self._sessions.begin() as session:
            for key, value in values.items():
                row = session.get(WorkspaceSetting, (team_id, key))
                if row is None:
                    session.add(
                        WorkspaceSetting(
                            team_id=team_id,
                            key=key,
                            value=value,
                            updated_at=now,
                            updated_by=user_id,
                        )
                    )
                else:
                    row.value, row.updated_at, row.updated_by = value, now, user_id
        logger.info("feedback settings saved: team=%s by=%s", team_id, user_id)


def new_account(team_id: str, name: str, now: datetime) -> FeedbackAccount:
    return FeedbackAccount(team_id=team_id, name=name, name_key=account_key(name), created_at=now)


def account_for(store: FeedbackStore, name: str | None, now: datetime) -> FeedbackAccount | None:
    """The account with this name, created when it is new; None without a name."""
    if not name:
        return None
    account = store.account_by_name(name)
    if account is None:
        account = new_account(store.team_id, name, now)
        store.add(account)
    return account


def add_requester(
    store: FeedbackStore, item: FeedbackItem, account_id: int | None, user_id: str, now: datetime
) -> None:
    """One more account (or person) asking for the item; a repeat asker is not counted twice."""
    key = requester_key(account_id=account_id, user_id=user_id)
    if key in {r.requester_key for r in store.requesters(item.id)}:
        return
    store.add(
        FeedbackRequester(
            team_id=item.team_id,
            item_id=item.id,
            requester_key=key,
            account_id=account_id,
            user_id=user_id,
            added_at=now,
        )
    )
    item.request_count = store.count_requesters(item.id)


def summary(store: FeedbackStore, item: FeedbackItem) -> ItemSummary:
    account = store.account(item.account_id) if item.account_id else None
    return ItemSummary(
        item_id=item.id,
        text=item.text,
        account_name=account.name if account else None,
        area=item.area,
        source=Source(item.source),
        importance=Importance(item.importance),
        link=item.link,
        status=Status(item.status),
        on_behalf_of=item.on_behalf_of,
        submitted_by=item.submitted_by,
        request_count=item.request_count,
        permalink=item.permalink,
        status_link=item.status_link,
        decline_reason=item.decline_reason,
        merged_into_id=item.merged_into_id,
    )
