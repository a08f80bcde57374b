"""Runs `opsbot` as a real process (signals, exit codes, ports), as an operator would."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without this machine's Slack/opsbot settings, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPSBOT_"))}
    env.pop("DATABASE_URL", None)
    env.pop("PORT", None)
    return {**env, **extra}


class OpsbotProcess:
    def __init__(
        self, args: Sequence[str], *, env: dict[str, str], cwd: Path, command: Sequence[str] = ()
    ) -> None:
        launcher = list(command) or [sys.executable, "-m", "bot"]
        self.port = int(env.get("PORT", "0"))
        self.proc = subprocess.Popen(
            [*launcher, *args],
            env=env,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.stdout = ""
        self.stderr = ""
        self._lines: list[str] = []
        self._out: list[str] = []
        self._readers = [
            threading.Thread(target=self._read, args=(self.proc.stderr, self._lines), daemon=True),
            threading.Thread(target=self._read, args=(self.proc.stdout, self._out), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _read(stream: Any, into: list[str]) -> None:
        for line in stream:
            into.append(line)

    def peek_stderr(self) -> str:
        """What the process has written to stderr so far (it keeps running)."""
        return "".join(self._lines)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_healthy(self, timeout: float = 30.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.finish()
                raise AssertionError(f"opsbot exited {self.proc.returncode}:\n{self.stderr}")
            try:
                response = httpx.get(self.base + "/healthz", timeout=1)
                return dict(response.json())
            except httpx.HTTPError:
                time.sleep(0.1)
        self.stop()
        raise AssertionError(f"opsbot never answered /healthz:\n{self.stderr}")

    def signal(self, signum: int = signal.SIGTERM) -> None:
        self.proc.send_signal(signum)

    def finish(self, timeout: float = 20.0) -> int:
        self.proc.wait(timeout=timeout)
        for reader in self._readers:
            reader.join(timeout)
        self.stdout = "".join(self._out)
        self.stderr = "".join(self._lines)
        return self.proc.returncode

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.finish()
