"""The workspace's triage settings (`/triage settings`): channel, SLA, tracker, webhook secret and
when sessions close by themselves. Every other triage flow reads them through `settings`."""

from __future__ import annotations

import logging
import secrets
from datetime import datetime
from typing import Any

from bot.integrations.tracker_policy import TrackerPolicy
from bot.integrations.tracker_types import TrackerConfig, TrackerKind
from bot.rituals.triage.domain import (
    SavedSettings,
    SettingsForm,
    SettingsInvalid,
    TriageSettings,
    validate_settings,
)
from bot.rituals.triage.ports import WorkspaceSettings

logger = logging.getLogger(__name__)

SETTING_KEY = "triage"
RETYPE_TOKEN = "Paste the token again: the tracker, its address or the user changed."  # noqa: S105


class SettingsFlow:
    _workspaces: WorkspaceSettings
    _default_sla_days: int
    _tracker_policy: TrackerPolicy

    def settings(self, *, team_id: str) -> TriageSettings:
        value = self._workspaces.get_setting(team_id=team_id, key=SETTING_KEY) or {}
        tracker = value.get("tracker")
        return TriageSettings(
            channel_id=value.get("channel_id") or None,
            sla_days=int(value.get("sla_days") or self._default_sla_days),
            tracker=TrackerConfig.from_setting(tracker) if tracker else None,
            webhook_secret=value.get("webhook_secret") or None,
            close_after_hours=int(value["close_after_hours"])
            if value.get("close_after_hours")
            else None,
        )

    def save_settings(
        self, *, team_id: str, form: SettingsForm, user_id: str, now: datetime
    ) -> SavedSettings:
        """Validates and stores the triage settings (`SettingsInvalid`: nothing saved). An empty
        token keeps the stored one; a new webhook secret is generated only when asked."""
        current = self._workspaces.get_setting(team_id=team_id, key=SETTING_KEY) or {}
        stored_tracker = current.get("tracker") or {}
        # A stored token is kept only for the same tracker, site and user: changing where it
        # goes (or as whom) needs the token typed again, so it can never be redirected.
        same_target = stored_tracker.get("kind") == form.tracker_kind and (
            (stored_tracker.get("base_url") or "") == form.tracker_url.strip()
            and (stored_tracker.get("user") or "") == form.tracker_user.strip()
        )
        keeps_token = bool(stored_tracker.get("token")) and same_target
        errors = validate_settings(form, has_token=keeps_token)
        if (
            "tracker_token" in errors
            and stored_tracker.get("token")
            and not form.tracker_token.strip()
        ):
            errors["tracker_token"] = RETYPE_TOKEN
        if form.tracker_kind in {k.value for k in TrackerKind} and "tracker_url" not in errors:
            problem = self._tracker_policy.problem(TrackerKind(form.tracker_kind), form.tracker_url)
            if problem:
                errors["tracker_url"] = problem
        if errors:
            raise SettingsInvalid(errors)
        close_after = form.close_after_hours.strip()
        value = {
            **current,
            "channel_id": form.channel_id,
            "sla_days": int(form.sla_days),
            "close_after_hours": int(close_after) if close_after else None,
        }
        if form.tracker_kind is None:
            value.pop("tracker", None)
        else:
            value["tracker"] = {
                "kind": form.tracker_kind,
                "project": form.tracker_project.strip(),
                "base_url": form.tracker_url.strip(),
                "user": form.tracker_user.strip(),
                "token": form.tracker_token.strip() or stored_tracker.get("token", ""),
            }
        secret = secrets.token_urlsafe(32) if form.new_webhook_secret else None
        if secret:
            value["webhook_secret"] = secret
        self._workspaces.set_setting(
            team_id=team_id, key=SETTING_KEY, value=value, user_id=user_id, now=now
        )
        logger.info("triage settings saved by %s", user_id)
        return SavedSettings(self.settings(team_id=team_id), secret)

    def configure(
        self, *, team_id: str, changes: dict[str, Any], user_id: str, now: datetime
    ) -> None:
        """Merges `changes` into the workspace's triage setting (channel, SLA, tracker, secret)."""
        current = self._workspaces.get_setting(team_id=team_id, key=SETTING_KEY) or {}
        self._workspaces.set_setting(
            team_id=team_id, key=SETTING_KEY, value={**current, **changes}, user_id=user_id, now=now
        )
