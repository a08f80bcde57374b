"""Typed settings, built once at start-up and passed down.

Values come, highest first, from the environment, a `.env` file, then `config/defaults.toml`.
Secrets are `SecretStr` so they are masked in `repr`, logs and tracebacks. Nothing here reads
the environment after start-up; the composition root hands settings to whatever needs them.
"""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG_FILE = REPO_ROOT / "config" / "defaults.toml"

# Values people paste from examples instead of real credentials.
_PLACEHOLDERS = {"", "changeme", "change-me", "xxx", "todo", "..."}


class SlackMode(StrEnum):
    HTTP = "http"
    SOCKET = "socket"
    OAUTH = "oauth"


class ConfigurationError(Exception):
    """A setting is missing or unusable; the message names it and says where to get it."""


_WHERE_TO_GET = {
    "SLACK_BOT_TOKEN": (
        "install the app to your workspace and copy the Bot User OAuth Token (xoxb-...) "
        "from the app's 'OAuth & Permissions' page"
    ),
    "SLACK_SIGNING_SECRET": "copy the Signing Secret from the app's 'Basic Information' page",
    "SLACK_APP_TOKEN": (
        "create an app-level token with the connections:write scope (xapp-...) "
        "on the app's 'Basic Information' page"
    ),
    "SLACK_CLIENT_ID": "copy the Client ID from the app's 'Basic Information' page",
    "SLACK_CLIENT_SECRET": "copy the Client Secret from the app's 'Basic Information' page",
    "OPSBOT_ENCRYPTION_KEY": (
        "generate one with: python -c "
        '"from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
    ),
}

_EXPECTED_PREFIX = {
    "SLACK_BOT_TOKEN": "xoxb-",
    "SLACK_APP_TOKEN": "xapp-",
}


def _is_placeholder(value: str) -> bool:
    lowered = value.strip().lower()
    return (
        lowered in _PLACEHOLDERS
        or lowered.startswith("your")
        or lowered.startswith("<")
        or "your-" in lowered
        or lowered.endswith("-...")
    )


class Settings(BaseSettings):
    """Everything opsbot reads from its environment (see DESIGN.md, contracts)."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
        populate_by_name=True,
    )

    slack_bot_token: SecretStr | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(default=None, alias="SLACK_APP_TOKEN")
    slack_client_id: str | None = Field(default=None, alias="SLACK_CLIENT_ID")
    slack_client_secret: SecretStr | None = Field(default=None, alias="SLACK_CLIENT_SECRET")
    encryption_key: SecretStr | None = Field(default=None, alias="OPSBOT_ENCRYPTION_KEY")
    slack_api_url: str = Field(default="https://slack.com/api/", alias="SLACK_API_URL")

    database_url: str = Field(
        default_factory=lambda: f"sqlite:///{Path.cwd() / 'opsbot.db'}", alias="DATABASE_URL"
    )
    auto_migrate: bool = Field(
        default=True, validation_alias=AliasChoices("OPSBOT_AUTO_MIGRATE", "auto_migrate")
    )

    port: int = Field(default=3000, ge=0, le=65535, validation_alias=AliasChoices("PORT", "port"))
    host: str = Field(default="0.0.0.0", alias="OPSBOT_HOST")  # noqa: S104 - a server binds all
    server_threads: int = Field(
        default=16, ge=1, validation_alias=AliasChoices("OPSBOT_SERVER_THREADS", "server_threads")
    )
    listener_threads: int = Field(
        default=32,
        ge=1,
        validation_alias=AliasChoices("OPSBOT_LISTENER_THREADS", "listener_threads"),
    )

    log_level: str = Field(
        default="INFO", validation_alias=AliasChoices("OPSBOT_LOG_LEVEL", "level")
    )
    log_format: str = Field(
        default="text", validation_alias=AliasChoices("OPSBOT_LOG_FORMAT", "format")
    )

    default_time_zone: str = Field(
        default="UTC", validation_alias=AliasChoices("OPSBOT_TIME_ZONE", "time_zone")
    )
    feedback_capture_emoji: str = "bulb"
    product_areas: list[str] = Field(default_factory=list)
    triage_sla_days: int = 7
    buddy_calls_target: int = 2
    # Hosts (besides the vendors' own) a tracker token may be sent to; `http://host` also
    # allows plain http to that host (bot/integrations/tracker_policy.py).
    tracker_allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        validation_alias=AliasChoices("OPSBOT_TRACKER_ALLOWED_HOSTS", "tracker_allowed_hosts"),
    )
    # Each ritual's own defaults, `[rituals.<key>]` in the TOML file (see RitualDeps.options).
    rituals: dict[str, dict[str, Any]] = Field(
        default_factory=dict, validation_alias=AliasChoices("OPSBOT_RITUALS", "rituals")
    )

    @field_validator("tracker_allowed_hosts", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        return (
            [part.strip() for part in value.split(",") if part.strip()]
            if isinstance(value, str)
            else value
        )

    @field_validator("slack_api_url")
    @classmethod
    def _api_url_ends_with_slash(cls, value: str) -> str:
        return value if value.endswith("/") else value + "/"

    @field_validator("log_format")
    @classmethod
    def _known_log_format(cls, value: str) -> str:
        if value not in {"text", "json"}:
            raise ValueError("OPSBOT_LOG_FORMAT must be 'text' or 'json'")
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        config_file = Path(os.environ.get("OPSBOT_CONFIG_FILE", DEFAULT_CONFIG_FILE))
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings, dotenv_settings]
        if config_file.is_file():
            sources.append(_FlatTomlSource(settings_cls, config_file))
        return tuple(sources)

    @property
    def mode_for_web(self) -> SlackMode:
        return SlackMode.OAUTH if self.slack_client_id else SlackMode.HTTP

    def require_slack_credentials(self, mode: SlackMode) -> None:
        """Fail fast, with one line naming the variable, before anything starts serving."""
        required = ["SLACK_SIGNING_SECRET"]
        if mode is SlackMode.OAUTH:
            required += ["SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "OPSBOT_ENCRYPTION_KEY"]
        else:
            required.append("SLACK_BOT_TOKEN")
        if mode is SlackMode.SOCKET:
            required.append("SLACK_APP_TOKEN")
        for name in required:
            value = self._raw(name)
            if value is None or _is_placeholder(value):
                raise ConfigurationError(f"{name} is not set: {_WHERE_TO_GET[name]}.")
            prefix = _EXPECTED_PREFIX.get(name)
            if prefix and not value.startswith(prefix):
                raise ConfigurationError(
                    f"{name} should start with '{prefix}': {_WHERE_TO_GET[name]}."
                )

    def _raw(self, env_name: str) -> str | None:
        field_by_env = {
            "SLACK_BOT_TOKEN": self.slack_bot_token,
            "SLACK_SIGNING_SECRET": self.slack_signing_secret,
            "SLACK_APP_TOKEN": self.slack_app_token,
            "SLACK_CLIENT_ID": self.slack_client_id,
            "SLACK_CLIENT_SECRET": self.slack_client_secret,
            "OPSBOT_ENCRYPTION_KEY": self.encryption_key,
        }
        value = field_by_env[env_name]
        if isinstance(value, SecretStr):
            return value.get_secret_value()
        return value

    def secret(self, value: SecretStr | None) -> str | None:
        return value.get_secret_value() if value is not None else None


class _FlatTomlSource(TomlConfigSettingsSource):
    """Reads the TOML defaults and flattens its tables, so `[server] port` sets `port`."""

    def __init__(self, settings_cls: type[BaseSettings], path: Path) -> None:
        super().__init__(settings_cls, toml_file=path)
        flat: dict[str, Any] = {}
        for key, value in self.toml_data.items():
            if isinstance(value, dict) and key != "rituals":
                flat.update(value)
            else:
                flat[key] = value
        self.toml_data = flat
        self.init_kwargs = flat

    def __call__(self) -> dict[str, Any]:
        return dict(self.toml_data)


def load_settings(**overrides: Any) -> Settings:
    """Build settings from the environment; `overrides` win (tests use them)."""
    return Settings(**overrides)
