"""What the Bolt app needs to serve many workspaces: OAuth settings, the stores, authorize."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_bolt.oauth.oauth_settings import OAuthSettings

from bot.db import Sessions
from bot.security.secret_box import SecretBox
from bot.slack.oauth.authorize import StoredBotAuthorize
from bot.slack.oauth.routes import INSTALL_PATH, REDIRECT_PATH
from bot.slack.oauth.stores import DatabaseStateStore, EncryptedInstallationStore


@dataclass(frozen=True)
class OAuthInstall:
    settings: OAuthSettings
    store: EncryptedInstallationStore
    authorize: StoredBotAuthorize

    def app_arguments(self) -> dict[str, Any]:
        return {
            "oauth_settings": self.settings,
            "installation_store": self.store,
            "authorize": self.authorize,
        }


def make_oauth_install(
    *,
    client_id: str,
    client_secret: str,
    scopes: Sequence[str],
    sessions: Sessions,
    secrets_box: SecretBox,
    clock: Callable[[], datetime],
    authorization_url: str | None = None,
) -> OAuthInstall:
    store = EncryptedInstallationStore(sessions=sessions, secrets_box=secrets_box, clock=clock)
    settings = OAuthSettings(
        client_id=client_id,
        client_secret=client_secret,
        scopes=list(scopes),
        installation_store=store,
        installation_store_bot_only=True,
        state_store=DatabaseStateStore(sessions=sessions, clock=clock),
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        authorization_url=authorization_url,
    )
    return OAuthInstall(settings=settings, store=store, authorize=StoredBotAuthorize(store))
