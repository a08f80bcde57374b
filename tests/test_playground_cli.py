"""`opsbot playground` as a real process: it starts on PORT (0 picks a free port), prints its
URL, answers the page's state and Slack's health check, and stops cleanly on Ctrl-C.

SQLite only, by design: the playground always runs on a SQLite file of its own.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import time
from pathlib import Path

import httpx
import pytest

from tests.support.process import OpsbotProcess, clean_env

pytestmark = pytest.mark.skipif(
    os.environ.get("OPSBOT_TEST_DB", "sqlite") != "sqlite",
    reason="the playground is SQLite-only by design",
)


def _printed_url(process: OpsbotProcess, timeout: float = 60.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = re.search(r"http://127\.0\.0\.1:\d+/", "".join(process._out))
        if found:
            return found.group(0)
        if process.proc.poll() is not None:
            process.finish()
            raise AssertionError(f"the playground exited early:\n{process.stderr}")
        time.sleep(0.1)
    process.stop()
    raise AssertionError(f"the playground never printed its URL:\n{process.stderr}")


def test_playground_starts_on_a_free_port_answers_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    """Without a desktop (no DISPLAY) it says where to point a browser instead of opening one."""
    env = clean_env(PORT="0", SLACK_BOT_TOKEN="xoxb-real-looking-token-never-used")
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    process = OpsbotProcess(
        ["playground", "--empty", "--data-dir", str(tmp_path / "pg")], env=env, cwd=tmp_path
    )
    url = _printed_url(process)

    state = httpx.get(url + "playground/state", params={"as": "UDANA"}, timeout=10).json()
    health = httpx.get(url + "healthz", timeout=10).json()
    process.signal(signal.SIGINT)
    code = process.finish()

    assert url != "http://127.0.0.1:0/"
    assert state["me"]["id"] == "UDANA"
    assert {c["name"] for c in state["conversations"]} >= {"general", "product-feedback"}
    assert health == {"status": "ok", "database": "up", "slack": "ok"}
    assert code == 0
    assert "opsbot playground stopped" in process.stdout
    assert f"no desktop here: open {url} in a browser" in process.stdout
    assert (tmp_path / "pg" / "opsbot.db").is_file()


def test_playground_on_a_port_in_use_says_so_in_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = OpsbotProcess(
            ["playground", "--no-browser", "--empty", "--data-dir", str(tmp_path / "pg")],
            env=clean_env(PORT=str(port)),
            cwd=tmp_path,
        )
        code = process.finish(timeout=60)

    assert code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in process.stderr
    assert "Traceback" not in process.stderr
