"""Schedules: local wall-clock times across DST, misfire policy, one scheduler, bad input."""

from __future__ import annotations

import os
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.outbox.sender import OutboxSender
from bot.scheduling.domain import ScheduleInputError, ScheduleRule
from bot.scheduling.leader import SchedulerAlreadyRunning, leader_lock_for
from bot.scheduling.scheduler import RitualScheduler
from bot.scheduling.triggers import cron_rule, cron_trigger, next_fire
from bot.wiring import Container
from tests.support.clock import FakeClock
from tests.support.fake_slack import TEAM_ID, FakeSlackApi
from tests.support.rituals import EchoRitual, echo_of


def _weekly_firings(zone: str, start: datetime, count: int) -> list[datetime]:
    trigger = cron_trigger(ScheduleRule.weekly("mon", "09:00"), ZoneInfo(zone))
    fired: list[datetime] = []
    after = start
    for _ in range(count):
        found = next_fire(trigger, after)
        assert found is not None
        fired.append(found)
        after = found + timedelta(seconds=1)
    return fired


@pytest.mark.parametrize(
    ("zone", "start", "utc_hours"),
    [
        ("Europe/Berlin", datetime(2026, 3, 16, tzinfo=UTC), {8, 7}),  # CET -> CEST (Mar 29)
        ("Europe/Berlin", datetime(2026, 10, 12, tzinfo=UTC), {7, 8}),  # CEST -> CET (Oct 25)
        ("America/New_York", datetime(2026, 3, 2, tzinfo=UTC), {14, 13}),  # EST -> EDT (Mar 8)
        ("America/New_York", datetime(2026, 10, 19, tzinfo=UTC), {13, 14}),  # EDT -> EST (Nov 1)
    ],
)
def test_a_weekly_ritual_fires_at_the_same_local_time_across_dst(
    zone: str, start: datetime, utc_hours: set[int]
) -> None:
    fired = _weekly_firings(zone, start, 4)

    local = [f.astimezone(ZoneInfo(zone)) for f in fired]
    assert {(d.weekday(), d.hour, d.minute) for d in local} == {(0, 9, 0)}
    assert {f.astimezone(UTC).hour for f in fired} == utc_hours


def test_a_weekly_ritual_in_kolkata_fires_at_0900_local_which_is_0330_utc() -> None:
    fired = _weekly_firings("Asia/Kolkata", datetime(2026, 11, 16, tzinfo=UTC), 3)

    assert {(f.astimezone(UTC).hour, f.astimezone(UTC).minute) for f in fired} == {(3, 30)}
    assert {f.astimezone(ZoneInfo("Asia/Kolkata")).strftime("%a %H:%M") for f in fired} == {
        "Mon 09:00"
    }


def test_period_keys_name_the_week_the_month_and_the_day() -> None:
    fired = datetime(2026, 11, 16, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))

    assert ScheduleRule.weekly("mon", "09:00").period_for(fired) == "2026-W47"
    assert ScheduleRule.monthly(1, "09:00").period_for(fired) == "2026-11"
    assert cron_rule("0 9 * * *").period_for(fired) == "2026-11-16"
    assert cron_rule("*/15 9 * * *").period_for(fired) == "2026-11-16T0900"


def test_an_invalid_cron_expression_is_refused() -> None:
    with pytest.raises(ValueError, match="not a cron expression"):
        cron_rule("61 25 * * *")


def _engine_setup(container: Container, clock: FakeClock, zone: str) -> EchoRitual:
    ritual = echo_of(container)
    container.services.workspaces.ensure_workspace(team_id=TEAM_ID, now=clock())
    container.schedules.save(
        team_id=TEAM_ID,
        ritual="echo-digest",
        channel_ids=["C1", "C2"],
        rule=ScheduleRule.weekly("mon", "09:00"),
        time_zone=zone,
        now=clock(),
    )
    return ritual


def test_a_run_missed_while_down_is_posted_late_within_the_grace_window_once(
    container: Container, clock: FakeClock, fake_slack: FakeSlackApi
) -> None:
    clock.now = datetime(2026, 11, 16, 9, 40, tzinfo=ZoneInfo("Europe/Berlin"))
    ritual = _engine_setup(container, clock, "Europe/Berlin")

    first = container.build_scheduler()
    first.start_in_background()
    first.catch_up()  # a re-fired catch-up (or a second start) adds nothing
    assert container.sender.drain(timeout=10)
    first.stop()

    assert ritual.composed == [("C1", "2026-W47"), ("C2", "2026-W47")]
    assert Counter(c.channel for c in fake_slack.calls_to("chat.postMessage")) == {"C1": 1, "C2": 1}


def test_a_run_missed_beyond_the_grace_window_is_skipped_with_a_log_line(
    container: Container,
    clock: FakeClock,
    fake_slack: FakeSlackApi,
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock.now = datetime(2026, 11, 16, 22, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    ritual = _engine_setup(container, clock, "Europe/Berlin")

    scheduler = container.build_scheduler()
    scheduler.start_in_background()
    assert container.sender.drain(timeout=5)
    scheduler.stop()

    assert ritual.composed == []
    assert fake_slack.calls_to("chat.postMessage") == []
    assert "skipped a missed run" in caplog.text


@pytest.mark.skipif(
    os.environ.get("OPSBOT_TEST_DB") == "postgres", reason="on Postgres a second one stands by"
)
def test_a_second_scheduler_on_sqlite_refuses_to_start(
    container: Container, clock: FakeClock
) -> None:
    _engine_setup(container, clock, "UTC")
    first = container.build_scheduler()
    first.start_in_background()

    with pytest.raises(SchedulerAlreadyRunning, match="already running"):
        container.build_scheduler().start_in_background()
    first.stop()


def test_stopping_the_scheduler_wakes_the_sender_instead_of_waiting_for_its_poll(
    container: Container, clock: FakeClock
) -> None:
    _engine_setup(container, clock, "UTC")
    sender = OutboxSender(
        sessions=container.sessions,
        client=container.client,
        metrics=container.metrics,
        clock=clock,
        poll_seconds=60.0,  # without a wake-up, stop() would wait out the join's 30 s
    )
    scheduler = RitualScheduler(
        engine=container.dispatcher,
        schedules=container.schedules,
        sender=sender,
        lock=leader_lock_for(container.settings.database_url),
        clock=clock,
    )
    scheduler.start_in_background()
    sender_thread = scheduler._sender_thread
    assert sender_thread is not None

    started = time.monotonic()
    scheduler.stop()
    took = time.monotonic() - started

    assert not sender_thread.is_alive()
    assert took < 5.0


def test_the_scheduler_picks_up_a_changed_schedule_without_a_restart(
    container: Container, clock: FakeClock
) -> None:
    _engine_setup(container, clock, "UTC")
    scheduler = container.build_scheduler()
    scheduler.start_in_background()
    before = scheduler.next_run_times()
    container.schedules.save(
        team_id=TEAM_ID,
        ritual="echo-digest",
        channel_ids=["C1"],
        rule=ScheduleRule.weekly("fri", "16:30"),
        time_zone="America/New_York",
        now=clock() + timedelta(seconds=1),
    )
    scheduler.sync()
    after = scheduler.next_run_times()
    scheduler.stop()

    (job,) = [key for key in after if key.startswith("ritual:")]
    local = after[job]
    assert local is not None
    assert local.astimezone(ZoneInfo("America/New_York")).strftime("%a %H:%M") == "Fri 16:30"
    assert before[job] != local


def test_bad_schedule_input_is_refused_and_nothing_is_saved(
    container: Container, clock: FakeClock, fake_slack: FakeSlackApi
) -> None:
    container.services.workspaces.ensure_workspace(team_id=TEAM_ID, now=clock())
    fake_slack.add_channel("COUT", is_member=False)

    with pytest.raises(ScheduleInputError) as refused:
        container.schedules.save(
            team_id=TEAM_ID,
            ritual="echo-digest",
            channel_ids=["COUT"],
            rule=ScheduleRule.weekly("mon", "09:00"),
            time_zone="Mars/Olympus_Mons",
            now=clock(),
        )

    assert set(refused.value.errors) == {"time_zone", "channels"}
    assert "invite me" in refused.value.errors["channels"]
    assert container.schedules.list_schedules(team_id=TEAM_ID) == []
