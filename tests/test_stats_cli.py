"""`opsbot stats`: the same numbers as `/ops stats`, as JSON or CSV, needing only the database."""

from __future__ import annotations

import csv
import io
import json

import pytest

from bot.wiring import Container
from tests.support.cli import run_cli
from tests.support.fake_slack import TEAM_ID
from tests.support.stats_fixture import EXPECTED, seed

AS_OF = "2026-11-16T09:00"


def _env(database_url: str) -> dict[str, str]:
    # no Slack credentials: the command needs only the database
    return {"DATABASE_URL": database_url}


def test_opsbot_stats_prints_every_number_as_json(
    container: Container,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    seed(container.sessions)

    result = run_cli(
        monkeypatch, capsys, _env(database_url),
        "stats", "--team", TEAM_ID, "--period", "7d", "--format", "json", "--as-of", AS_OF,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["period"] == "7d"
    assert payload["window"]["start"] == "2026-11-09T09:00:00+00:00"
    found = {m["key"]: (m["value"], m["previous"]) for m in payload["metrics"]}
    assert found == {key: pytest.approx(values) for key, values in EXPECTED.items()}


def test_opsbot_stats_as_csv_leaves_what_cannot_be_measured_empty(
    container: Container,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    seed(container.sessions)

    result = run_cli(
        monkeypatch, capsys, _env(database_url),
        "stats", "--team", TEAM_ID, "--period", "7d", "--format", "csv", "--as-of", AS_OF,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    rows = {row["key"]: row for row in csv.DictReader(io.StringIO(result.stdout))}
    assert set(rows) == set(EXPECTED)
    assert rows["support.carried_over"]["value"] == "2"
    assert rows["insight.planned_median"]["previous"] == ""
    assert rows["satisfaction.support"]["value"] == ""
    assert rows["satisfaction.support"]["shown"] == "no data"


def test_opsbot_stats_with_an_unknown_period_says_which_ones_exist(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(
        monkeypatch, capsys, _env(database_url), "stats", "--team", TEAM_ID, "--period", "year"
    )

    assert result.returncode == 2
    assert "`year` is not a period I know" in result.stderr
    assert "opsbot stats --period quarter" in result.stderr


def test_opsbot_stats_for_a_workspace_without_data_explains_it(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(monkeypatch, capsys, _env(database_url), "stats", "--team", "T0EMPTY")

    assert result.returncode == 0
    payload = json.loads(result.stdout)
    assert payload["has_data"] is False
    assert payload["metrics"] == []
    assert "nothing to measure yet" in payload["explanation"]
