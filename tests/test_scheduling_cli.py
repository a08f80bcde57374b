"""`opsbot ritual list|run` and `opsbot scheduler` do what the README says: in-process, plus one
run of the real console command per family (`ritual`, `scheduler`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.rituals.installed import INSTALLED
from bot.scheduling.domain import ScheduleRule
from bot.scheduling.leader import leader_lock_for
from bot.wiring import Container
from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.support.cli import run_cli
from tests.support.clock import FakeClock
from tests.support.fake_slack import TEAM_ID, FakeSlackApi

REPO = Path(__file__).resolve().parent.parent


def _opsbot(
    container: Container, fake_slack: FakeSlackApi, *args: str
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPSBOT_"))}
    env = {
        **clean,
        "PYTHONPATH": str(REPO),
        "DATABASE_URL": container.settings.database_url,
        "SLACK_API_URL": fake_slack.api_url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "OPSBOT_AUTO_MIGRATE": "false",
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


# The `ritual` family's smoke test: the real console command, as an operator runs it.
def test_ritual_list_shows_each_schedule_with_its_next_run_in_local_time(
    container: Container, clock: FakeClock, fake_slack: FakeSlackApi
) -> None:
    container.services.workspaces.ensure_workspace(team_id=TEAM_ID, now=clock())
    container.schedules.save(
        team_id=TEAM_ID,
        ritual="triage-thread",
        channel_ids=["C1", "C2"],
        rule=ScheduleRule.weekly("mon", "09:00"),
        time_zone="Asia/Kolkata",
        now=clock(),
    )

    result = _opsbot(container, fake_slack, "ritual", "list", "--team", TEAM_ID)

    assert result.returncode == 0, result.stderr
    assert "triage-thread\tevery Monday at 09:00 (Asia/Kolkata)\tC1,C2\tnext: Mon " in result.stdout
    triage = next(line for line in result.stdout.splitlines() if line.startswith("triage-thread"))
    assert triage.endswith("09:00 IST")


def test_ritual_run_of_a_ritual_that_is_not_installed_fails_with_a_reason(
    container: Container,
    fake_slack: FakeSlackApi,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    env = {**_env(container, fake_slack), "SLACK_BOT_TOKEN": BOT_TOKEN}
    env["SLACK_SIGNING_SECRET"] = SIGNING_SECRET

    result = run_cli(monkeypatch, capsys, env, "ritual", "run", "tea-rota", "--team", TEAM_ID)

    assert result.returncode == 2
    assert "`tea-rota` is not available" in result.stderr
    assert fake_slack.calls_to("chat.postMessage") == []


@pytest.mark.skipif(
    os.environ.get("OPSBOT_TEST_DB") == "postgres", reason="on Postgres a second one stands by"
)
# The `scheduler` family's smoke test. Another process also bounds a regression: a scheduler
# that starts instead of refusing is killed by the timeout instead of hanging the test run.
def test_a_second_scheduler_process_on_sqlite_refuses_to_start_with_a_clear_message(
    container: Container, fake_slack: FakeSlackApi
) -> None:
    running = leader_lock_for(container.settings.database_url)
    assert running.try_acquire()

    result = _opsbot(container, fake_slack, "scheduler")
    running.release()

    assert result.returncode == 2
    assert "another opsbot scheduler is already running" in result.stderr


def _env(container: Container, fake_slack: FakeSlackApi) -> dict[str, str]:
    return {
        "DATABASE_URL": container.settings.database_url,
        "SLACK_API_URL": fake_slack.api_url,
        "OPSBOT_AUTO_MIGRATE": "false",
    }


def test_ritual_list_shows_every_installed_ritual_even_unscheduled(
    container: Container,
    fake_slack: FakeSlackApi,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    container.services.workspaces.ensure_workspace(team_id=TEAM_ID, now=clock())

    result = run_cli(
        monkeypatch, capsys, _env(container, fake_slack), "ritual", "list", "--team", TEAM_ID
    )

    assert result.returncode == 0, result.stderr
    listed = {line.split("\t")[0] for line in result.stdout.splitlines()}
    assert listed == {s.name for r in INSTALLED for s in r.scheduled}
    assert "not scheduled — set it with /ops settings" in result.stdout


def test_ritual_list_of_an_unknown_workspace_says_so(
    container: Container,
    fake_slack: FakeSlackApi,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = run_cli(
        monkeypatch, capsys, _env(container, fake_slack), "ritual", "list", "--team", "TNOPE"
    )

    assert result.returncode == 2
    assert "no workspace TNOPE yet" in result.stderr
    assert result.stdout == ""
