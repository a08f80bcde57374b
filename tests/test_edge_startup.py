"""Start-up as a newcomer meets it: scripts/run from anywhere, the README's CLI, the manifest."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from bot.rituals.triage.domain import Source, TicketDraft
from bot.wiring import Container
from tests.support.clock import FakeClock
from tests.support.fake_slack import TEAM_ID
from tests.support.process import REPO, clean_env


def _opsbot(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={**clean_env(PYTHONPATH=str(REPO)), **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _stand_in_venv(venv: Path) -> None:
    """A venv that scripts/run considers up to date, whose `opsbot` reports how it was run."""
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(sys.executable)
    opsbot = venv / "bin" / "opsbot"
    opsbot.write_text('#!/bin/sh\necho "home=$OPSBOT_HOME cwd=$PWD args=$*"\n')
    opsbot.chmod(0o755)
    pinned = b"".join(
        (REPO / name).read_bytes() for name in ("pyproject.toml", "setup.py", "constraints.txt")
    )
    (venv / ".opsbot-installed").write_text(hashlib.sha256(pinned).hexdigest() + "\n")


def test_scripts_run_works_from_any_directory_with_the_repository_as_home(
    tmp_path: Path,
) -> None:
    venv, elsewhere = tmp_path / "venv", tmp_path / "elsewhere"
    _stand_in_venv(venv)
    elsewhere.mkdir()

    served = subprocess.run(
        [str(REPO / "scripts" / "run")],
        env=clean_env(OPSBOT_VENV=str(venv)),
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    exported = subprocess.run(
        [str(REPO / "scripts" / "run"), "export", "tickets", "-o", "out.csv"],
        env=clean_env(OPSBOT_VENV=str(venv)),
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert served.stdout.strip() == f"home={REPO} cwd={elsewhere} args=serve"
    assert exported.stdout.strip() == f"home={REPO} cwd={elsewhere} args=export tickets -o out.csv"
    assert "installing" not in served.stderr


def test_manifest_without_url_says_on_stderr_that_it_used_a_placeholder(tmp_path: Path) -> None:
    result = _opsbot("manifest", env={}, cwd=tmp_path)

    assert result.returncode == 0
    assert "https://opsbot.example.com/slack/events" in result.stdout
    assert "placeholder" in result.stderr
    assert "--url" in result.stderr
    assert "placeholder" not in result.stdout


def test_manifest_with_a_url_says_nothing_on_stderr(tmp_path: Path) -> None:
    result = _opsbot("manifest", "--url", "https://bot.acme.io", env={}, cwd=tmp_path)

    assert (result.returncode, result.stderr) == (0, "")


def test_export_tickets_takes_o_file_and_since_as_the_readme_says(
    container: Container, clock: FakeClock, database_url: str, tmp_path: Path
) -> None:
    for title in ("Old", "New"):
        container.services.triage.submit(
            team_id=TEAM_ID,
            draft=TicketDraft(title=title),
            source=Source.SLASH,
            reporter_user_id="U1",
            now=clock(),
        )
        clock.advance(days=3)
    since = (clock() - timedelta(days=4)).date().isoformat()
    out = tmp_path / "out"
    out.mkdir()

    result = _opsbot(
        "export",
        "tickets",
        "--format",
        "json",
        "--since",
        since,
        "-o",
        "t.json",
        env={"DATABASE_URL": database_url},
        cwd=out,
    )

    assert result.returncode == 0, result.stderr
    records = json.loads((out / "t.json").read_text())
    assert [r["title"] for r in records] == ["New"]
    assert os.listdir(out) == ["t.json"]


def test_readme_and_cli_agree_on_the_export_options(tmp_path: Path) -> None:
    readme = (REPO / "README.md").read_text()
    helps = {
        what: _opsbot("export", what, "--help", env={}, cwd=tmp_path).stdout
        for what in ("feedback", "tickets")
    }

    assert "(`--since`, `--team`, `-o FILE`)" in readme
    for text in helps.values():
        assert "--since" in text
        assert "--team" in text
        assert "-o" in text
