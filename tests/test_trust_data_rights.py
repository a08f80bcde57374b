"""Data rights: one workspace's data out as JSON (`opsbot export --team T --all`) and gone
(`opsbot purge --team T`), never touching another workspace."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from bot.data_rights import workspace_tables
from bot.rituals.feedback.domain import FeedbackDraft
from bot.wiring import Container
from tests.support.cli import run_cli

KEEP, GONE = "TKEEP", "TGONE"


def _two_workspaces(container: Container) -> None:
    now = container.clock()
    for team in (KEEP, GONE):
        container.services.workspaces.set_setting(
            team_id=team,
            key="triage",
            value={"sla_days": 5, "webhook_secret": f"whsec-{team}"},
            user_id="UADMIN",
            now=now,
        )
        container.services.feedback.capture(
            team_id=team,
            draft=FeedbackDraft(text=f"Export is slow for {team}", account_name=f"Acme {team}"),
            submitted_by="U1",
            now=now,
        )


def _env(container: Container) -> dict[str, str]:
    return {"DATABASE_URL": container.settings.database_url, "OPSBOT_AUTO_MIGRATE": "false"}


def _count(container: Container, team_id: str) -> int:
    with container.sessions() as session:
        return sum(
            session.scalar(
                select(func.count()).select_from(table).where(table.c.team_id == team_id)
            )
            or 0
            for table in workspace_tables()
        )


def test_every_table_belongs_to_a_workspace() -> None:
    assert [t.name for t in workspace_tables() if "team_id" not in t.c] == []


def test_export_all_holds_every_table_of_one_workspace_with_secrets_masked(
    container: Container,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _two_workspaces(container)

    result = run_cli(monkeypatch, capsys, _env(container), "export", "--team", KEEP, "--all")

    assert result.returncode == 0, result.stderr
    exported = json.loads(result.stdout)
    assert set(exported) == {"team_id", *(t.name for t in workspace_tables())}
    assert [i["text"] for i in exported["feedback_items"]] == [f"Export is slow for {KEEP}"]
    assert exported["workspace_settings"][0]["value"]["webhook_secret"] == "***"
    assert GONE not in result.stdout


def test_purge_deletes_one_workspace_and_leaves_the_other(
    container: Container,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _two_workspaces(container)
    kept_before = _count(container, KEEP)

    refused = run_cli(monkeypatch, capsys, _env(container), "purge", "--team", GONE)
    result = run_cli(monkeypatch, capsys, _env(container), "purge", "--team", GONE, "--yes")

    assert refused.returncode == 2
    assert "--yes" in refused.stderr
    assert result.returncode == 0, result.stderr
    assert _count(container, GONE) == 0
    assert _count(container, KEEP) == kept_before > 0
