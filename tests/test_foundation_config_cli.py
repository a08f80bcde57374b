"""Settings fail fast and stay secret; the CLI does what the README says."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine, inspect

from bot.config import ConfigurationError, SlackMode, load_settings
from bot.logs import ContextFilter, request_id_var
from bot.slack.executor import ContextCopyingExecutor
from tests.support.fake_slack import FakeSlackApi

REPO = Path(__file__).resolve().parent.parent


def _run_opsbot(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPSBOT_"))}
    clean.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={**clean, "PYTHONPATH": str(REPO), **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_serve_without_credentials_names_every_missing_variable_at_once(tmp_path: Path) -> None:
    result = _run_opsbot("serve", env={}, cwd=tmp_path)

    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("opsbot: Slack credentials are missing; set them in the environment")
    assert f"{tmp_path / '.env'}" in lines[0]
    assert ".env.example" in lines[0]
    assert lines[1:] == [
        "  - SLACK_SIGNING_SECRET is not set: copy the Signing Secret from the app's "
        "'Basic Information' page.",
        "  - SLACK_BOT_TOKEN is not set: install the app to your workspace and copy the Bot User "
        "OAuth Token (xoxb-...) from the app's 'OAuth & Permissions' page.",
    ]
    assert not (tmp_path / "opsbot.db").exists()


def test_serve_with_a_placeholder_token_calls_it_a_placeholder(tmp_path: Path) -> None:
    result = _run_opsbot(
        "serve",
        env={"SLACK_SIGNING_SECRET": "abc123", "SLACK_BOT_TOKEN": "xoxb-your-token"},
        cwd=tmp_path,
    )

    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN still holds the example's placeholder" in result.stderr
    assert "OAuth & Permissions" in result.stderr
    assert "SLACK_SIGNING_SECRET" not in result.stderr


def test_the_env_file_is_found_in_opsbot_home_whatever_the_working_directory(
    tmp_path: Path,
) -> None:
    home, elsewhere = tmp_path / "home", tmp_path / "elsewhere"
    home.mkdir()
    elsewhere.mkdir()
    (home / ".env").write_text("SLACK_SIGNING_SECRET=from-home\n")

    result = _run_opsbot("serve", env={"OPSBOT_HOME": str(home)}, cwd=elsewhere)

    assert result.returncode == 2
    assert "SLACK_SIGNING_SECRET" not in result.stderr
    assert "SLACK_BOT_TOKEN is not set" in result.stderr
    assert f"{home / '.env'}" in result.stderr


def test_settings_are_read_from_a_dotenv_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("SLACK_SIGNING_SECRET=s3cret\nSLACK_BOT_TOKEN=xoxb-1-2\n")

    settings = load_settings(_env_file=tmp_path / ".env")
    settings.require_slack_credentials(SlackMode.HTTP)

    assert settings.secret(settings.slack_bot_token) == "xoxb-1-2"


def test_a_token_with_the_wrong_prefix_is_refused() -> None:
    settings = load_settings(
        _env_file=None, slack_signing_secret="abc", slack_bot_token="xoxp-user-token"
    )

    with pytest.raises(ConfigurationError, match="should start with 'xoxb-'"):
        settings.require_slack_credentials(SlackMode.HTTP)


def test_socket_mode_needs_the_app_token() -> None:
    settings = load_settings(_env_file=None, slack_signing_secret="abc", slack_bot_token="xoxb-1")

    with pytest.raises(ConfigurationError, match="SLACK_APP_TOKEN is not set"):
        settings.require_slack_credentials(SlackMode.SOCKET)


def test_secrets_are_masked_in_repr() -> None:
    settings = load_settings(
        _env_file=None,
        slack_signing_secret="signing-secret-value",
        slack_bot_token="xoxb-secret-token",
        slack_client_secret="client-secret-value",
    )

    shown = repr(settings) + str(settings)

    for secret in ("signing-secret-value", "xoxb-secret-token", "client-secret-value"):
        assert secret not in shown


def test_environment_overrides_the_toml_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "4123")

    settings = load_settings(_env_file=None)

    assert settings.port == 4123
    assert settings.listener_threads == 32
    assert "Reporting" in settings.product_areas


def test_api_url_always_ends_with_a_slash() -> None:
    assert (
        load_settings(_env_file=None, slack_api_url="http://x/api").slack_api_url == "http://x/api/"
    )


def test_log_records_carry_the_request_id_into_listener_threads() -> None:
    seen: list[str] = []

    def listener() -> None:
        record = logging.LogRecord("x", logging.INFO, __file__, 1, "hi", None, None)
        ContextFilter().filter(record)
        seen.append(record.request_id)  # type: ignore[attr-defined]

    request_id_var.set("req-42")
    with ContextCopyingExecutor(max_workers=2) as executor:
        executor.submit(listener).result()

    assert seen == ["req-42"]


def test_db_upgrade_creates_the_schema_and_is_idempotent(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"

    first = _run_opsbot("db", "upgrade", env={"DATABASE_URL": url}, cwd=tmp_path)
    second = _run_opsbot("db", "upgrade", env={"DATABASE_URL": url}, cwd=tmp_path)

    assert (first.returncode, second.returncode) == (0, 0), first.stderr + second.stderr
    tables = set(inspect(create_engine(url)).get_table_names())
    assert {"workspaces", "people", "workspace_settings", "processed_events"} <= tables


def test_manifest_command_prints_yaml_with_the_given_url(tmp_path: Path) -> None:
    result = _run_opsbot("manifest", "--url", "https://bot.acme.io/", env={}, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    manifest = yaml.safe_load(result.stdout)
    assert manifest["settings"]["event_subscriptions"]["request_url"] == (
        "https://bot.acme.io/slack/events"
    )


def test_no_command_prints_help_and_fails(tmp_path: Path) -> None:
    result = _run_opsbot(env={}, cwd=tmp_path)

    assert result.returncode == 2
    assert "serve" in result.stdout


def test_export_needs_only_the_database_not_slack(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'export.db'}"
    _run_opsbot("db", "upgrade", env={"DATABASE_URL": url}, cwd=tmp_path)

    result = _run_opsbot(
        "export", "tickets", "--format", "json", env={"DATABASE_URL": url}, cwd=tmp_path
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_serve_with_a_revoked_token_names_the_token(
    tmp_path: Path, fake_slack: FakeSlackApi
) -> None:
    fake_slack.error("auth.test", "invalid_auth")

    result = _run_opsbot(
        "serve",
        env={
            "SLACK_SIGNING_SECRET": "abc123",
            "SLACK_BOT_TOKEN": "xoxb-revoked",
            "SLACK_API_URL": fake_slack.api_url,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
        },
        cwd=tmp_path,
    )

    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "opsbot: Slack refused the bot token (invalid_auth): check SLACK_BOT_TOKEN "
        "(OAuth & Permissions, after installing the app)."
    )
