"""Two schedulers against one Postgres: one leads, the other takes over when it dies."""

from __future__ import annotations

import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from bot.db import make_engine
from bot.rituals.installed import INSTALLED
from bot.scheduling.domain import ScheduleRule
from bot.scheduling.leader import ADVISORY_LOCK_KEY
from bot.scheduling.scheduler import RitualScheduler
from bot.wiring import Container, build_container
from tests.support.clock import FakeClock
from tests.support.fake_slack import TEAM_ID, FakeSlackApi
from tests.support.rituals import echo_of, echo_ritual


def _scheduler(container: Container) -> RitualScheduler:
    scheduler = container.build_scheduler()
    scheduler._standby_poll = 0.2  # tests do not wait the production 5 s between polls
    return scheduler


@pytest.mark.postgres
def test_two_schedulers_post_once_and_the_standby_takes_over_when_the_leader_dies(
    container: Container, clock: FakeClock, fake_slack: FakeSlackApi
) -> None:
    import threading

    clock.now = datetime(2026, 11, 16, 9, 1, tzinfo=ZoneInfo("America/New_York"))
    ritual = echo_of(container)
    ritual.replies = 3
    container.services.workspaces.ensure_workspace(team_id=TEAM_ID, now=clock())
    channels = [f"C{i}" for i in range(5)]
    container.schedules.save(
        team_id=TEAM_ID,
        ritual="echo-digest",
        channel_ids=channels,
        rule=ScheduleRule.weekly("mon", "09:00"),
        time_zone="America/New_York",
        now=clock(),
    )
    fake_slack.stall("chat.postMessage", 0.2, times=None)
    other_host = build_container(
        container.settings, clock=clock, rituals=(*INSTALLED, echo_ritual(ritual))
    )
    leader, standby = _scheduler(container), _scheduler(other_host)
    stop_leader, stop_standby = threading.Event(), threading.Event()
    threading.Thread(target=leader.run, args=(stop_leader,), daemon=True).start()
    time.sleep(0.5)
    threading.Thread(target=standby.run, args=(stop_standby,), daemon=True).start()
    fake_slack.wait_for("chat.postMessage", 3, timeout=20)
    both_leading_before = leader.is_leader and standby.is_leader

    admin = make_engine(container.settings.database_url)
    with admin.begin() as connection:  # the leader's session dies, as when its host does
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' "
                "AND objid = (:key & 4294967295) AND granted"
            ),
            {"key": ADVISORY_LOCK_KEY},
        )
    admin.dispose()
    deadline = time.monotonic() + 30
    while not standby.is_leader and time.monotonic() < deadline:
        time.sleep(0.1)
    took_over = standby.is_leader
    fake_slack.wait_for("chat.postMessage", len(channels) * 4, timeout=30)
    time.sleep(1.0)
    stop_leader.set()
    stop_standby.set()
    other_host.close()

    assert both_leading_before is False
    assert took_over is True
    posted = Counter((c.channel, c.params["text"]) for c in fake_slack.calls_to("chat.postMessage"))
    assert len(posted) == len(channels) * 4
    assert set(posted.values()) == {1}
    assert len(ritual.composed) == len(channels)


def _wait_until_all_sent(container: Container, *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = container.outbox.deliveries(team_id=TEAM_ID)
        if rows and all(row.state == "sent" for row in rows):
            return
        time.sleep(0.5)


def _worker(container: Container, fake_slack: FakeSlackApi) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.support.scheduler_worker",
            container.settings.database_url,
            fake_slack.api_url,
        ]
    )


@pytest.mark.postgres
def test_killing_the_leader_process_mid_fan_out_loses_and_doubles_nothing(
    container: Container, clock: FakeClock, fake_slack: FakeSlackApi
) -> None:
    planned = (datetime.now(UTC) - timedelta(minutes=2)).replace(second=0, microsecond=0)
    container.services.workspaces.ensure_workspace(team_id=TEAM_ID, now=clock())
    channels = [f"C{i}" for i in range(5)]
    container.schedules.save(
        team_id=TEAM_ID,
        ritual="echo-digest",
        channel_ids=channels,
        rule=ScheduleRule.weekly(planned.weekday(), planned.time()),
        time_zone="UTC",
        now=clock(),
    )
    fake_slack.stall("chat.postMessage", 0.3, times=None)
    leader = _worker(container, fake_slack)
    fake_slack.wait_for("chat.postMessage", 3, timeout=30)
    standby = _worker(container, fake_slack)
    time.sleep(1.0)
    leader.kill()  # SIGKILL: no clean-up, its Postgres session just drops
    leader.wait()
    at_kill = len(fake_slack.calls_to("chat.postMessage"))
    try:
        fake_slack.wait_for("chat.postMessage", len(channels) * 4, timeout=90)
        _wait_until_all_sent(container, timeout=90)  # the dead leader's lease expires first
        time.sleep(1.0)
    finally:
        standby.kill()
        standby.wait()

    assert at_kill < len(channels) * 4
    posted = Counter((c.channel, c.params["text"]) for c in fake_slack.calls_to("chat.postMessage"))
    assert len(posted) == len(channels) * 4
    assert set(posted.values()) == {1}
    rows = container.outbox.deliveries(team_id=TEAM_ID)
    assert {row.state for row in rows} == {"sent"}
