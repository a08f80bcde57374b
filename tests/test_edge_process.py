"""`opsbot serve` as a real process: clean stop on SIGTERM/SIGINT, and a Slack that is away."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

import httpx
import pytest

from bot.scheduling.leader import leader_lock_for
from tests.conftest import SIGNING_SECRET
from tests.support.fake_slack import FakeSlackApi
from tests.support.process import OpsbotProcess, clean_env, free_port
from tests.support.slack_requests import SlackRequests


def _serve(database_url: str, api_url: str, cwd: Path, *args: str, **extra: str) -> OpsbotProcess:
    env = clean_env(
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_BOT_TOKEN="xoxb-process-test",
        SLACK_API_URL=api_url,
        DATABASE_URL=database_url,
        PORT=str(free_port()),
        OPSBOT_HOST="127.0.0.1",
        **extra,
    )
    return OpsbotProcess(["serve", *args], env=env, cwd=cwd)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_drains_requests_stops_the_scheduler_and_exits_0_within_10_s(
    signum: int, database_url: str, fake_slack: FakeSlackApi, tmp_path: Path
) -> None:
    server = _serve(database_url, fake_slack.api_url, tmp_path)
    assert server.wait_healthy()["status"] == "ok"
    requests = SlackRequests(SIGNING_SECRET, response_url=fake_slack.response_url())
    answers: list[int | str] = []
    keep_going = threading.Event()
    keep_going.set()

    def hammer() -> None:
        with httpx.Client(timeout=10) as client:
            while keep_going.is_set():
                signed = requests.command("/ops", "help")
                try:
                    response = client.post(
                        server.base + "/slack/events",
                        content=signed.body,
                        headers={**signed.headers, "Connection": "close"},
                    )
                    answers.append(response.status_code)
                except httpx.ConnectError:
                    answers.append("refused")  # after the stop: no new connections
                    return
                except httpx.HTTPError as error:
                    answers.append(type(error).__name__)
                    return

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    started = time.monotonic()
    server.signal(signum)
    code = server.finish(timeout=15)
    took = time.monotonic() - started
    keep_going.clear()
    for thread in threads:
        thread.join(10)

    assert code == 0, server.stderr
    assert took < 10
    assert "Traceback" not in server.stderr
    assert "stopping the scheduler" in server.stderr
    assert "opsbot stopped" in server.stderr
    assert 200 in answers
    assert set(answers) <= {200, "refused"}
    lock = leader_lock_for(database_url)
    assert lock.try_acquire()
    lock.release()


def test_serve_starts_while_slack_is_unreachable_and_health_says_so(
    database_url: str, tmp_path: Path
) -> None:
    closed_port = free_port()
    server = _serve(database_url, f"http://127.0.0.1:{closed_port}/api/", tmp_path)

    health = server.wait_healthy()
    server.signal(signal.SIGTERM)
    code = server.finish()

    assert health == {"status": "degraded", "database": "up", "slack": "unreachable"}
    assert code == 0, server.stderr
    assert "Slack is unreachable" in server.stderr
    assert "Traceback" not in server.stderr


def test_serve_asks_slack_again_and_reports_it_reachable_once_it_answers(
    database_url: str, fake_slack: FakeSlackApi, tmp_path: Path
) -> None:
    fake_slack.fail("auth.test", status=503, times=1)
    server = _serve(database_url, fake_slack.api_url, tmp_path, "--no-scheduler")

    first = server.wait_healthy()
    deadline = time.monotonic() + 20
    health = first
    while health["slack"] != "ok" and time.monotonic() < deadline:
        time.sleep(0.5)
        health = httpx.get(server.base + "/healthz").json()
    server.signal(signal.SIGTERM)
    server.finish()

    assert first["slack"] == "unreachable"
    assert health == {"status": "ok", "database": "up", "slack": "ok"}
    assert len(fake_slack.attempts_to("auth.test")) == 2


def test_the_scheduler_alone_stops_on_sigterm_with_exit_0_and_lets_go_of_its_lock(
    database_url: str, fake_slack: FakeSlackApi, tmp_path: Path
) -> None:
    env = clean_env(
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_BOT_TOKEN="xoxb-process-test",
        SLACK_API_URL=fake_slack.api_url,
        DATABASE_URL=database_url,
    )
    scheduler = OpsbotProcess(["scheduler"], env=env, cwd=tmp_path)
    deadline = time.monotonic() + 30
    while "now the active scheduler" not in scheduler.peek_stderr():
        assert time.monotonic() < deadline, scheduler.stderr
        time.sleep(0.1)

    started = time.monotonic()
    scheduler.signal(signal.SIGTERM)
    code = scheduler.finish()

    assert code == 0, scheduler.stderr
    assert time.monotonic() - started < 10
    assert "Traceback" not in scheduler.stderr
    lock = leader_lock_for(database_url)
    assert lock.try_acquire()
    lock.release()
