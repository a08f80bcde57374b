"""Runs `opsbot ...` in-process, with the environment a test gives it (faster than a subprocess;
one smoke test per command family still runs the real console script)."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

from bot.cli import main


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
) -> CliResult:
    for name in list(os.environ):
        if name.startswith(("SLACK_", "OPSBOT_", "DATABASE_URL")):
            monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("OPSBOT_CONFIG_FILE", os.devnull)
    capsys.readouterr()
    code = main(list(args))
    captured = capsys.readouterr()
    return CliResult(code, captured.out, captured.err)
