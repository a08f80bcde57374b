"""Secrets never reach the log output, whatever logs them: a message argument, the message
itself, or an exception's text; in both output formats. Driven through `configure_logging`, the
setup the CLI installs, so removing the scrubbing at any step fails a test."""

from __future__ import annotations

import json
import logging

import pytest

from bot.logs import configure_logging
from tests.support.logs import logging_restored

SECRETS = (
    "xoxb-1111-2222-botsecret",
    "xoxp-3333-usersecret",
    "xapp-1-A1-appsecret",
    "xoxe.xoxp-1-refreshsecret",
    "bearersecret",
    "refreshsecret2",
    "oauthcodesecret",
    "clientsecret3",
    "signingsecret4",
)


def _log_everything(logger: logging.Logger) -> None:
    logger.info(
        "calling %s with %s",
        "https://slack.com/api/auth.test?token=xoxb-1111-2222-botsecret",
        {"Authorization": "Bearer bearersecret"},
    )
    logger.warning("user token xoxp-3333-usersecret and app token xapp-1-A1-appsecret")
    logger.info(
        "oauth.v2.access body: code=oauthcodesecret&client_secret=clientsecret3"
        "&refresh_token=refreshsecret2 signing_secret=signingsecret4 xoxe.xoxp-1-refreshsecret"
    )
    try:
        raise RuntimeError("token_revoked for xoxb-1111-2222-botsecret")
    except RuntimeError:
        logger.exception("auth failed")


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_tokens_and_secrets_never_reach_the_log_output(
    fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with logging_restored():
        configure_logging("INFO", fmt)
        _log_everything(logging.getLogger("bot.test_logging"))
    output = capsys.readouterr().err

    assert [secret for secret in SECRETS if secret in output] == []
    assert "calling https://slack.com/api/auth.test?token=***" in output
    assert "Bearer ***" in output
    assert "code=***&client_secret=***&refresh_token=***" in output
    assert "RuntimeError: token_revoked for ***" in output


def test_json_log_lines_stay_valid_json_after_scrubbing(capsys: pytest.CaptureFixture[str]) -> None:
    with logging_restored():
        configure_logging("INFO", "json")
        _log_everything(logging.getLogger("bot.test_logging"))
    lines = capsys.readouterr().err.splitlines()

    records = [json.loads(line) for line in lines]
    assert [r["level"] for r in records] == ["INFO", "WARNING", "INFO", "ERROR"]
    assert "***" in records[3]["exc"]
