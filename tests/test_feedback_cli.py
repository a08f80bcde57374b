"""`opsbot export feedback` and `opsbot import accounts`: in-process, plus one run of the real
console command for each (the smoke tests)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from bot.rituals.feedback.domain import AccountRecord, FeedbackDraft
from bot.wiring import Container
from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.support.cli import run_cli
from tests.support.clock import FakeClock
from tests.support.fake_slack import TEAM_ID, FakeSlackApi

REPO = Path(__file__).resolve().parent.parent


def _opsbot(
    *args: str, database_url: str, cwd: Path, slack_api_url: str
) -> subprocess.CompletedProcess[str]:
    """Runs `python -m bot` as an operator would: the deployment's environment, our database."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPSBOT_"))}
    env = {
        **clean,
        "PYTHONPATH": str(REPO),
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack_api_url,  # Bolt checks the token (auth.test) when it is built
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _env(database_url: str, slack_api_url: str) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack_api_url,
    }


def _seed(container: Container, clock: FakeClock) -> None:
    for days_ago, text in ((20, "Old: SSO"), (2, 'New: "CSV", exports'), (1, "New: dark mode")):
        container.services.feedback.capture(
            team_id=TEAM_ID,
            draft=FeedbackDraft(text=text, account_name="Acme"),
            submitted_by="U1",
            now=clock() - timedelta(days=days_ago),
        )


# The `export` family's smoke test: the real console command, as an operator runs it.
def test_export_feedback_as_csv_since_a_date(
    container: Container,
    clock: FakeClock,
    database_url: str,
    tmp_path: Path,
    fake_slack: FakeSlackApi,
) -> None:
    _seed(container, clock)
    since = (clock() - timedelta(days=7)).strftime("%Y-%m-%d")

    result = _opsbot(
        "export", "feedback", "--format", "csv", "--since", since,
        database_url=database_url, cwd=tmp_path, slack_api_url=fake_slack.api_url,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["text"], r["account"], r["status"]) for r in rows] == [
        ('New: "CSV", exports', "Acme", "new"),
        ("New: dark mode", "Acme", "new"),
    ]


def test_export_feedback_as_json_to_a_file(
    container: Container,
    clock: FakeClock,
    database_url: str,
    tmp_path: Path,
    fake_slack: FakeSlackApi,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _seed(container, clock)
    out = tmp_path / "feedback.json"

    result = run_cli(
        monkeypatch, capsys, _env(database_url, fake_slack.api_url),
        "export", "feedback", "--format", "json", "--team", TEAM_ID, "-o", str(out),
        cwd=tmp_path,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    items = json.loads(out.read_text(encoding="utf-8"))
    assert [item["text"] for item in items] == [
        "Old: SSO",
        'New: "CSV", exports',
        "New: dark mode",
    ]


def test_export_with_a_bad_date_says_what_is_wrong(
    database_url: str,
    tmp_path: Path,
    fake_slack: FakeSlackApi,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = run_cli(
        monkeypatch, capsys, _env(database_url, fake_slack.api_url),
        "export", "feedback", "--since", "last week",
        cwd=tmp_path,
    )  # fmt: skip

    assert result.returncode == 2
    assert "is not a date like 2026-11-01" in result.stderr


# The `import` family's smoke test: the real console command, as an operator runs it.
def test_import_accounts_creates_and_updates_by_name(
    container: Container,
    clock: FakeClock,
    database_url: str,
    tmp_path: Path,
    fake_slack: FakeSlackApi,
) -> None:
    container.services.feedback.import_accounts(
        team_id=TEAM_ID, records=[AccountRecord("Acme", segment="SMB")], now=clock()
    )
    accounts = tmp_path / "accounts.csv"
    accounts.write_text(
        "name,external_id,segment,arr,owner\n"
        'ACME,sf-001,Enterprise,"$1,200,000",U7\n'
        "Globex,sf-002,,250k,\n",
        encoding="utf-8",
    )

    result = _opsbot(
        "import",
        "accounts",
        str(accounts),
        database_url=database_url,
        cwd=tmp_path,
        slack_api_url=fake_slack.api_url,
    )

    assert result.returncode == 0, result.stderr
    assert "1 created, 1 updated" in result.stdout
    feedback = container.services.feedback
    assert feedback.get_account(team_id=TEAM_ID, name="acme") == AccountRecord(
        "ACME", "sf-001", "Enterprise", 1_200_000, "U7"
    )
    assert feedback.get_account(team_id=TEAM_ID, name="Globex") == AccountRecord(
        "Globex", "sf-002", None, 250_000, None
    )


def test_import_accounts_refuses_a_file_without_names(
    container: Container,
    clock: FakeClock,
    database_url: str,
    tmp_path: Path,
    fake_slack: FakeSlackApi,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    container.services.workspaces.ensure_workspace(team_id=TEAM_ID, now=clock())
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("company,arr\nAcme,10\n", encoding="utf-8")

    result = run_cli(
        monkeypatch, capsys, _env(database_url, fake_slack.api_url),
        "import", "accounts", str(accounts),
        cwd=tmp_path,
    )  # fmt: skip

    assert result.returncode == 2
    assert "at least a `name` column" in result.stderr
    assert container.services.feedback.search_accounts(team_id=TEAM_ID, typed="acme") == []
