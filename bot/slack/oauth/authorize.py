"""Authorizes each request from the stored installation: a primary-key read and a decrypt,
no `auth.test` round trip to Slack before the ack (Bolt's default store authorize makes one
unless its cache is on)."""

from __future__ import annotations

from typing import Any

from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import Authorize

from bot.slack.oauth.stores import EncryptedInstallationStore


class StoredBotAuthorize(Authorize):
    def __init__(self, store: EncryptedInstallationStore) -> None:
        self._store = store

    def __call__(
        self,
        *,
        context: Any,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        **_: Any,
    ) -> AuthorizeResult | None:
        bot = self._store.find_bot(enterprise_id=enterprise_id, team_id=team_id)
        if bot is None:
            return None  # Bolt answers: this workspace has not installed opsbot
        return AuthorizeResult(
            enterprise_id=bot.enterprise_id,
            team_id=bot.team_id,
            team=bot.team_name,
            bot_user_id=bot.bot_user_id,
            bot_id=bot.bot_id,
            bot_token=bot.bot_token,
            bot_scopes=bot.bot_scopes,
            user_id=user_id,
        )
