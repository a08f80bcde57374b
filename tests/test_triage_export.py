"""`opsbot export tickets --format csv|json`: every ticket with its outcome, per workspace."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from bot.rituals.triage.domain import Outcome, Source, TicketDraft
from bot.wiring import Container
from tests.support.cli import CliResult, run_cli
from tests.support.clock import FakeClock
from tests.support.fake_slack import TEAM_ID, FakeSlackApi


def _export(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    database_url: str,
    slack_url: str,
    *args: str,
    cwd: Path,
) -> CliResult:
    """In-process (the `export` family's console smoke test is in test_feedback_cli.py)."""
    env = {
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": "xoxb-export-test",
        "SLACK_SIGNING_SECRET": "export-test-secret",
        "SLACK_API_URL": slack_url,
    }
    return run_cli(monkeypatch, capsys, env, "export", "tickets", *args, cwd=cwd)


def _two_workspaces(container: Container, clock: FakeClock) -> int:
    triage = container.services.triage
    mine = triage.submit(
        team_id=TEAM_ID,
        draft=TicketDraft(title="Export, with a comma", account_name="Acme"),
        source=Source.SLASH,
        reporter_user_id="U1",
        now=clock(),
    )
    triage.decide(
        team_id=TEAM_ID,
        ticket_id=mine.id,
        outcome=Outcome.WONT_FIX,
        user_id="UPM",
        reason="by design",
        now=clock(),
    )
    triage.submit(
        team_id="T0OTHER",
        draft=TicketDraft(title="Theirs"),
        source=Source.SLASH,
        reporter_user_id="U9",
        now=clock(),
    )
    return mine.id


def test_export_tickets_as_json_for_one_workspace(
    container: Container,
    clock: FakeClock,
    database_url: str,
    fake_slack: FakeSlackApi,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ticket_id = _two_workspaces(container, clock)

    result = _export(
        monkeypatch,
        capsys,
        database_url,
        fake_slack.api_url,
        "--format",
        "json",
        "--team",
        TEAM_ID,
        cwd=tmp_path,
    )

    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    assert [(r["id"], r["team_id"], r["outcome"], r["outcome_reason"]) for r in records] == [
        (ticket_id, TEAM_ID, "wont-fix", "by design")
    ]


def test_export_tickets_as_csv_covers_every_workspace(
    container: Container,
    clock: FakeClock,
    database_url: str,
    fake_slack: FakeSlackApi,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _two_workspaces(container, clock)
    target = tmp_path / "tickets.csv"

    result = _export(
        monkeypatch,
        capsys,
        database_url,
        fake_slack.api_url,
        "--format",
        "csv",
        "--output",
        str(target),
        cwd=tmp_path,
    )

    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert sorted((r["team_id"], r["title"]) for r in rows) == [
        ("T0001", "Export, with a comma"),
        ("T0OTHER", "Theirs"),
    ]
