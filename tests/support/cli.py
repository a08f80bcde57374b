"""Runs `opsbot ...` in-process, with the environment a test gives it (faster than a subprocess;
one smoke test per command family still runs the real console script)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.cli import main
from tests.support.logs import logging_restored


@dataclass(frozen=True)
class CliResult:
    returncode: int
    stdout: str
    stderr: str


def run_cli(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    env: dict[str, str],
    *args: str,
    cwd: Path | None = None,
) -> CliResult:
    """`opsbot *args` with only `env` for settings (no config file; from `cwd` when given, so
    no stray `.env` is read); exits become return codes, as from the console script, and the
    logging setup `main` installs is undone afterwards."""
    for name in list(os.environ):
        if name.startswith(("SLACK_", "OPSBOT_", "DATABASE_URL")):
            monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("OPSBOT_CONFIG_FILE", os.devnull)
    if cwd is not None:
        monkeypatch.chdir(cwd)
    capsys.readouterr()
    with logging_restored():
        try:
            code = main(list(args))
        except SystemExit as exit_:  # argparse refuses bad arguments by exiting, as the script
            code = exit_.code if isinstance(exit_.code, int) else int(exit_.code is not None)
    captured = capsys.readouterr()
    return CliResult(code, captured.out, captured.err)
