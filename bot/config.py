"""Typed settings, built once at start-up and passed down.

Values come, highest first, from the environment, a `.env` file (in $OPSBOT_HOME, else the
working directory), then `config/defaults.toml`.
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
# A source checkout reads config/defaults.toml; an installed package its own copy (setup.py).
_PACKAGED_DEFAULTS = Path(__file__).resolve().parent / "defaults.toml"
DEFAULT_CONFIG_FILE = (
    _PACKAGED_DEFAULTS if _PACKAGED_DEFAULTS.is_file() else REPO_ROOT / "config" / "defaults.toml"
)

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
    github_api_url: str = Field(default="https://api.github.com", alias="GITHUB_API_URL")
    github_token: SecretStr | None = Field(default=None, alias="GITHUB_TOKEN")

    database_url: str = Field(
        default_factory=lambda: f"sqlite:///{home_dir() / 'opsbot.db'}", alias="DATABASE_URL"
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
    # Work after the ack (Web API calls, users.info refreshes) runs on its own bounded pool, so
    # a slow Slack never delays an ack; beyond threads + queue, new work is shed politely.
    after_ack_threads: int = Field(
        default=64,
        ge=1,
        validation_alias=AliasChoices("OPSBOT_AFTER_ACK_THREADS", "after_ack_threads"),
    )
    after_ack_queue: int = Field(
        default=1000,
        ge=0,
        validation_alias=AliasChoices("OPSBOT_AFTER_ACK_QUEUE", "after_ack_queue"),
    )
    # Seconds a Web API call made while someone waits (a modal, a reply) may take.
    slack_interactive_timeout: int = Field(
        default=3,
        ge=1,
        validation_alias=AliasChoices(
            "OPSBOT_SLACK_INTERACTIVE_TIMEOUT", "slack_interactive_timeout"
        ),
    )

    # Slack caps a workspace's total posting too, without publishing the number: when you know
    # it (posts a second), the outbox sender paces each workspace under it; unset, it relies
    # on the workspace-wide backoff alone (429s on several channels at once).
    outbox_workspace_rate: float | None = Field(
        default=None,
        gt=0,
        validation_alias=AliasChoices("OPSBOT_OUTBOX_WORKSPACE_RATE", "outbox_workspace_rate"),
    )

    # SIGTERM: how long in-flight requests and after-ack work may take to finish.
    shutdown_grace: float = Field(
        default=5.0,
        ge=0,
        validation_alias=AliasChoices("OPSBOT_SHUTDOWN_GRACE", "shutdown_grace"),
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
        """Fail fast, before anything starts serving, naming every missing or placeholder
        variable at once (one line each, with where to get it) and where to put them."""
        required = ["SLACK_SIGNING_SECRET"]
        if mode is SlackMode.OAUTH:
            required += ["SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "OPSBOT_ENCRYPTION_KEY"]
        else:
            required.append("SLACK_BOT_TOKEN")
        if mode is SlackMode.SOCKET:
            required.append("SLACK_APP_TOKEN")
        problems: list[str] = []
        for name in required:
            value = self._raw(name)
            prefix = _EXPECTED_PREFIX.get(name)
            if value is None or not value.strip():
                problems.append(f"{name} is not set: {_WHERE_TO_GET[name]}.")
            elif _is_placeholder(value):
                problems.append(
                    f"{name} still holds the example's placeholder: {_WHERE_TO_GET[name]}."
                )
            elif prefix and not value.startswith(prefix):
                problems.append(f"{name} should start with '{prefix}': {_WHERE_TO_GET[name]}.")
        if problems:
            where = env_file_path().resolve()
            example = REPO_ROOT / ".env.example"
            hint = f" (start from {example})" if example.is_file() else " (see .env.example)"
            raise ConfigurationError(
                f"Slack credentials are missing; set them in the environment or in {where}"
                f"{hint}:\n" + "\n".join(f"  - {problem}" for problem in problems)
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


def home_dir() -> Path:
    """Where `.env` and the default SQLite database live: $OPSBOT_HOME (scripts/run sets it to
    the repository) or else the working directory."""
    home = os.environ.get("OPSBOT_HOME")
    return Path(home) if home else Path.cwd()


def env_file_path() -> Path:
    return home_dir() / ".env"


def load_settings(**overrides: Any) -> Settings:
    """Build settings from the environment and `$OPSBOT_HOME/.env` (or `./.env`); `overrides`
    win (tests use them, and `_env_file=None` to ignore any .env)."""
    overrides.setdefault("_env_file", env_file_path())
    return Settings(**overrides)
