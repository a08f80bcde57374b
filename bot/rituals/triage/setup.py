"""The workspace's triage settings (`/triage settings`): channel, SLA, tracker, webhook secret and
when sessions close by themselves. Every other triage flow reads them through `settings`."""

from __future__ import annotations

import logging
import secrets
from datetime import datetime
from typing import Any

from bot.integrations.tracker_types import TrackerConfig
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


class SettingsFlow:
    _workspaces: WorkspaceSettings
    _default_sla_days: int

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
        errors = validate_settings(form, has_token=bool(stored_tracker.get("token")))
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
