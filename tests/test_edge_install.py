"""A non-editable install (as in the Docker image) migrates and serves from any directory.

Builds the wheel, installs it with the pinned constraints into a fresh virtual environment
(pip's cache makes this take seconds after the first run) and runs the `opsbot` entry point
from a directory that has nothing of the source tree.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BACKEND, SIGNING_SECRET
from tests.support.fake_slack import FakeSlackApi
from tests.support.process import REPO, OpsbotProcess, clean_env, free_port

pytestmark = pytest.mark.skipif(
    BACKEND != "sqlite", reason="the installed package is tested once, on SQLite"
)


def _run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env or clean_env(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    return result.stdout + result.stderr


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `bin/` of a fresh venv holding opsbot installed from its wheel (not editable)."""
    work = tmp_path_factory.mktemp("install")
    build_log = _run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", work / "wheel", REPO, cwd=work
    )
    assert "deprecated" not in build_log.lower()
    (wheel,) = (work / "wheel").glob("opsbot-*.whl")
    _run(sys.executable, "-m", "venv", work / "venv", cwd=work)
    bin_dir = work / "venv" / "bin"
    _run(bin_dir / "pip", "install", "-c", REPO / "constraints.txt", wheel, cwd=work)
    return bin_dir


def test_the_installed_package_migrates_and_serves_from_an_unrelated_directory(
    installed: Path, fake_slack: FakeSlackApi, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    url = f"sqlite:///{elsewhere / 'opsbot.db'}"
    env = clean_env(DATABASE_URL=url, PATH=f"{installed}{os.pathsep}{os.environ['PATH']}")
    env.pop("PYTHONPATH", None)

    where = _run(
        installed / "python", "-c", "import bot, sys; print(bot.__file__)", cwd=elsewhere, env=env
    )
    upgraded = _run(installed / "opsbot", "db", "upgrade", cwd=elsewhere, env=env)
    server = OpsbotProcess(
        ["serve"],
        env={
            **env,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_BOT_TOKEN": "xoxb-installed",
            "SLACK_API_URL": fake_slack.api_url,
            "PORT": str(free_port()),
            "OPSBOT_HOST": "127.0.0.1",
            "OPSBOT_AUTO_MIGRATE": "false",
        },
        cwd=elsewhere,
        command=[str(installed / "opsbot")],
    )
    health = server.wait_healthy()
    server.signal(signal.SIGTERM)
    code = server.finish()

    assert "site-packages" in where
    assert str(REPO) not in where
    assert "database is up to date" in upgraded
    assert health == {"status": "ok", "database": "up", "slack": "ok"}
    assert code == 0, server.stderr
    assert "token will be unused" not in server.stderr
