"""slack_sdk's installation and state store interfaces on opsbot's own tables.

slack_sdk's SQLAlchemy store keeps tokens in plain text (and in VARCHAR(200), too short for a
sealed refresh token); this one seals every token with the shared SecretBox and reads them
back only when Bolt authorizes a request or a job acts for a workspace.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from logging import Logger, getLogger
from typing import Any

from slack_sdk.oauth.installation_store import InstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.state_store import OAuthStateStore
from sqlalchemy import delete

from bot.db import Sessions, read_only
from bot.security.secret_box import SecretBox
from bot.slack.oauth.models import OAuthState, SlackInstallation

STATE_LIFETIME = timedelta(minutes=10)


def _when(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromtimestamp(float(value), tz=UTC)


class EncryptedInstallationStore(InstallationStore):
    def __init__(
        self, *, sessions: Sessions, secrets_box: SecretBox, clock: Callable[[], datetime]
    ) -> None:
        self._sessions = sessions
        self._reads = read_only(sessions)
        self._box = secrets_box
        self._clock = clock
        self._logger = getLogger(__name__)

    @property
    def logger(self) -> Logger:
        return self._logger

    def save(self, installation: Installation) -> None:
        self.save_bot(installation.to_bot(), installed_by=installation.user_id or "")

    def save_bot(self, bot: Bot, installed_by: str = "") -> None:
        team_id = bot.team_id or bot.enterprise_id or ""
        with self._sessions.begin() as session:
            row = session.get(SlackInstallation, team_id)
            if row is None:
                row = SlackInstallation(team_id=team_id)
                session.add(row)
            row.enterprise_id = bot.enterprise_id
            row.team_name = bot.team_name or ""
            row.app_id = bot.app_id or ""
            row.bot_id = bot.bot_id
            row.bot_user_id = bot.bot_user_id
            row.bot_scopes = ",".join(bot.bot_scopes or [])
            row.bot_token = self._box.seal(bot.bot_token)
            row.bot_refresh_token = (
                self._box.seal(bot.bot_refresh_token) if bot.bot_refresh_token else None
            )
            row.bot_token_expires_at = _when(bot.bot_token_expires_at)
            row.installed_by = installed_by or row.installed_by or ""
            row.installed_at = self._clock()

    def find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        with self._reads() as session:
            row = session.get(SlackInstallation, team_id or enterprise_id or "")
            if row is None:
                return None
            return Bot(
                app_id=row.app_id or None,
                enterprise_id=row.enterprise_id,
                team_id=row.team_id,
                team_name=row.team_name,
                bot_token=self._box.open(row.bot_token),
                bot_id=row.bot_id,
                bot_user_id=row.bot_user_id,
                bot_scopes=row.bot_scopes,
                bot_refresh_token=(
                    self._box.open(row.bot_refresh_token) if row.bot_refresh_token else None
                ),
                bot_token_expires_at=row.bot_token_expires_at,
                installed_at=row.installed_at,
            )

    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        bot = self.find_bot(enterprise_id=enterprise_id, team_id=team_id)
        if bot is None:
            return None
        return Installation(
            app_id=bot.app_id,
            enterprise_id=bot.enterprise_id,
            team_id=bot.team_id,
            team_name=bot.team_name,
            bot_token=bot.bot_token,
            bot_id=bot.bot_id,
            bot_user_id=bot.bot_user_id,
            bot_scopes=bot.bot_scopes,
            bot_refresh_token=bot.bot_refresh_token,
            bot_token_expires_at=bot.bot_token_expires_at,
            user_id=user_id or "",
            installed_at=bot.installed_at,
        )

    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        with self._sessions.begin() as session:
            session.execute(
                delete(SlackInstallation).where(
                    SlackInstallation.team_id == (team_id or enterprise_id or "")
                )
            )

    def delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        # Only bot tokens are stored; a user's own tokens never are.
        if user_id is None:
            self.delete_bot(enterprise_id=enterprise_id, team_id=team_id)

    def delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self.delete_bot(enterprise_id=enterprise_id, team_id=team_id)

    def bot_token(self, team_id: str) -> str | None:
        """The workspace's bot token, for jobs acting for it (None when not installed)."""
        bot = self.find_bot(enterprise_id=None, team_id=team_id)
        return bot.bot_token if bot else None


class DatabaseStateStore(OAuthStateStore):
    """One-time `state` values in the database, so any web replica can finish an install."""

    def __init__(self, *, sessions: Sessions, clock: Callable[[], datetime]) -> None:
        self._sessions = sessions
        self._clock = clock
        self._logger = getLogger(__name__)

    @property
    def logger(self) -> Logger:
        return self._logger

    def issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(32)
        now = self._clock()
        with self._sessions.begin() as session:
            session.execute(delete(OAuthState).where(OAuthState.expires_at < now))
            session.add(OAuthState(state=state, expires_at=now + STATE_LIFETIME))
        return state

    def consume(self, state: str) -> bool:
        with self._sessions.begin() as session:
            deleted = session.execute(
                delete(OAuthState).where(
                    OAuthState.state == state[:64], OAuthState.expires_at >= self._clock()
                )
            )
            return bool(getattr(deleted, "rowcount", 0))
