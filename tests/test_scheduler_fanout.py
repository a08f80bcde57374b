"""Firings due together run as one batch: every workspace once, in its zone, failures isolated."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.outbox.domain import OutgoingPost
from bot.scheduling.domain import DEFAULT_GRACE, ScheduleRule
from bot.scheduling.due import DueRuns, Firing
from bot.scheduling.fanin import FiringQueue
from bot.scheduling.models import RitualSchedule
from bot.scheduling.scheduler import slot_id
from bot.wiring import Container
from tests.support.clock import FakeClock
from tests.support.fake_slack import FakeSlackApi
from tests.support.rituals import EchoRitual, echo_of

MONDAY_0900 = ScheduleRule.weekly("mon", "09:00")


def _workspaces(
    container: Container, clock: FakeClock, zones: dict[str, str], channels: int = 1
) -> list[Firing]:
    firings = []
    for team_id, zone in zones.items():
        container.services.workspaces.ensure_workspace(team_id=team_id, now=clock())
        saved = container.schedules.save(
            team_id=team_id,
            ritual="echo-digest",
            channel_ids=[f"C{team_id}{n}" for n in range(channels)],
            rule=MONDAY_0900,
            time_zone=zone,
            now=clock(),
        )
        firings.append(Firing(team_id=team_id, schedule_id=saved.id))
    return firings


def _rows(container: Container, team_id: str) -> list[tuple[str, str, str]]:
    return [(r.period, r.channel_id, r.part) for r in container.outbox.deliveries(team_id=team_id)]


def _fail_compose_for(ritual: EchoRitual, team_id: str, posts: Callable[[], Any]) -> None:
    """Makes the echo ritual's compose for one workspace raise or return unstorable posts."""
    compose = ritual.compose

    def failing(**kwargs: Any) -> list[OutgoingPost]:
        if kwargs["team_id"] == team_id:
            result: list[OutgoingPost] = posts()
            return result
        return compose(**kwargs)

    ritual.compose = failing  # type: ignore[method-assign]


def test_workspaces_sharing_a_rule_and_zone_share_one_job_and_each_keeps_its_next_run(
    container: Container, clock: FakeClock
) -> None:
    zones = {f"T{i:02d}": ("Europe/Berlin" if i % 2 else "Asia/Kolkata") for i in range(40)}
    firings = _workspaces(container, clock, zones)
    scheduler = container.build_scheduler()
    scheduler.start_in_background()
    assert scheduler._scheduler is not None
    jobs = sorted(job.id for job in scheduler._scheduler.get_jobs())
    times = scheduler.next_run_times()
    scheduler.stop()

    assert [job for job in jobs if job.startswith("slot:")] == [
        "slot:echo-digest:Asia/Kolkata:weekly mon 09:00",
        "slot:echo-digest:Europe/Berlin:weekly mon 09:00",
    ]
    local = {f.team_id: times[f"ritual:{f.team_id}:{f.schedule_id}"] for f in firings}
    assert {
        (team, when.astimezone(ZoneInfo(zones[team])).strftime("%a %H:%M"))
        for team, when in local.items()
        if when is not None
    } == {(team, "Mon 09:00") for team in zones}


def test_a_schedule_whose_zone_cannot_be_read_is_logged_and_the_others_still_run(
    container: Container, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    clock.now = datetime(2026, 11, 16, 9, 0, 5, tzinfo=ZoneInfo("UTC"))
    firings = _workspaces(container, clock, {"T0": "UTC", "T1": "UTC"})
    with container.sessions.begin() as session:
        row = session.get(RitualSchedule, firings[1].schedule_id)
        assert row is not None
        row.time_zone = "Mars/Olympus_Mons"  # stored before zones were checked, say

    scheduler = container.build_scheduler()
    scheduler.start_in_background()  # its catch-up runs Monday 09:00 for both
    scheduler.stop()

    assert _rows(container, "T0") == [("2026-W47", "CT00", "parent")]
    assert _rows(container, "T1") == []
    assert "cannot schedule slot slot:echo-digest:Mars/Olympus_Mons" in caplog.text
    assert "scheduled run failed: team=T1" in caplog.text


def test_thirty_workspaces_due_together_are_each_enqueued_once_in_one_batch(
    container: Container, clock: FakeClock, fake_slack: FakeSlackApi
) -> None:
    clock.now = datetime(2026, 11, 16, 9, 0, 2, tzinfo=ZoneInfo("UTC"))
    ritual = echo_of(container)
    firings = _workspaces(container, clock, {f"T{i:03d}": "UTC" for i in range(30)}, channels=2)

    first = container.dispatcher.run_due(firings, now=clock())
    again = container.dispatcher.run_due(firings, now=clock.advance(minutes=5))  # a re-fire

    assert first.failed == {}
    assert {f.team_id: r.posts for f, r in first.results.items()} == {
        f"T{i:03d}": 2 for i in range(30)
    }
    assert {r.period for r in first.results.values()} == {"2026-W47"}
    assert sum(r.posts for r in again.results.values()) == 0
    assert {len(r.skipped) for r in again.results.values()} == {2}
    assert Counter(ritual.composed) == Counter(
        {(f"CT{i:03d}{n}", "2026-W47"): 1 for i in range(30) for n in range(2)}
    )
    assert container.sender.drain(timeout=20)
    posted = Counter(c.channel for c in fake_slack.calls_to("chat.postMessage"))
    assert posted == Counter({f"CT{i:03d}{n}": 1 for i in range(30) for n in range(2)})


def test_a_batch_plans_each_workspace_in_its_own_zone_and_skips_what_is_past_the_grace(
    container: Container, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    # Monday 09:30 in Berlin is 08:30 UTC: Berlin's 09:00 was half an hour ago, Kolkata's
    # (03:30 UTC) five hours ago, within the 6 h grace; New York's is last week's, long past.
    clock.now = datetime(2026, 11, 16, 9, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    zones = {"TBER": "Europe/Berlin", "TKOL": "Asia/Kolkata", "TNYC": "America/New_York"}
    firings = _workspaces(container, clock, zones)

    report = container.dispatcher.run_due(firings, now=clock())

    assert {f.team_id for f in report.results} == {"TBER", "TKOL"}
    assert _rows(container, "TBER") == [("2026-W47", "CTBER0", "parent")]
    assert _rows(container, "TKOL") == [("2026-W47", "CTKOL0", "parent")]
    assert _rows(container, "TNYC") == []
    assert "skipped a missed run: team=TNYC" in caplog.text


def test_one_workspace_whose_ritual_fails_does_not_stop_the_others(
    container: Container, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    clock.now = datetime(2026, 11, 16, 9, 0, 5, tzinfo=ZoneInfo("UTC"))
    firings = _workspaces(container, clock, {f"T{i}": "UTC" for i in range(5)})

    def boom() -> list[OutgoingPost]:
        raise RuntimeError("the tracker is down")

    _fail_compose_for(echo_of(container), "T2", boom)

    report = container.dispatcher.run_due(firings, now=clock())

    assert list(report.failed) == [Firing("T2", firings[2].schedule_id)]
    assert sorted(f.team_id for f in report.results) == ["T0", "T1", "T3", "T4"]
    assert [team for team in ("T0", "T1", "T2", "T3", "T4") if _rows(container, team)] == [
        "T0",
        "T1",
        "T3",
        "T4",
    ]
    assert "scheduled run failed: team=T2" in caplog.text


def test_a_workspace_whose_posts_cannot_be_stored_is_left_out_and_the_rest_of_its_chunk_kept(
    container: Container, clock: FakeClock
) -> None:
    clock.now = datetime(2026, 11, 16, 9, 0, 5, tzinfo=ZoneInfo("UTC"))
    firings = _workspaces(container, clock, {f"T{i}": "UTC" for i in range(4)})
    unstorable = [OutgoingPost(part="parent", text="x", blocks=[{"type": object()}])]
    _fail_compose_for(echo_of(container), "T1", lambda: unstorable)

    report = container.dispatcher.run_due(firings, now=clock())

    assert [f.team_id for f in report.failed] == ["T1"]
    assert [bool(_rows(container, t)) for t in ("T0", "T1", "T2", "T3")] == [
        True,
        False,
        True,
        True,
    ]


def test_running_one_schedule_still_raises_what_its_ritual_raised(
    container: Container, clock: FakeClock
) -> None:
    clock.now = datetime(2026, 11, 16, 9, 0, 5, tzinfo=ZoneInfo("UTC"))
    (firing,) = _workspaces(container, clock, {"T0": "UTC"})

    def boom() -> list[OutgoingPost]:
        raise RuntimeError("the tracker is down")

    _fail_compose_for(echo_of(container), "T0", boom)

    with pytest.raises(RuntimeError, match="tracker is down"):
        container.dispatcher.run_scheduled(
            team_id="T0", schedule_id=firing.schedule_id, now=clock()
        )


def test_firings_handed_over_together_reach_the_runner_as_one_batch() -> None:
    batches: list[list[Firing]] = []
    done = threading.Event()

    def run(batch: list[Firing]) -> None:
        batches.append(batch)
        if sum(len(b) for b in batches) == 200:
            done.set()

    firings = FiringQueue(run, quiet_seconds=1.0, gather_seconds=10.0)
    firings.start()
    for i in range(200):
        firings.put(Firing(team_id=f"T{i}", schedule_id=i))
    done.wait(timeout=30)
    firings.stop()

    assert [len(b) for b in batches] == [200]


def test_a_batch_that_raises_does_not_stop_later_firings(caplog: pytest.LogCaptureFixture) -> None:
    ran: list[Firing] = []
    done = threading.Event()

    def run(batch: list[Firing]) -> None:
        if batch[0].team_id == "TBAD":
            raise RuntimeError("database away")
        ran.extend(batch)
        done.set()

    firings = FiringQueue(run, quiet_seconds=0.01, gather_seconds=0.05)
    firings.start()
    firings.put(Firing("TBAD", 1))
    time.sleep(0.3)  # the bad batch is gathered and run on its own
    firings.put(Firing("TGOOD", 2))
    done.wait(timeout=10)
    firings.stop()

    assert ran == [Firing("TGOOD", 2)]
    assert "a batch of 1 scheduled runs failed" in caplog.text


def test_the_scheduler_runs_a_fired_job_through_the_batch_queue(
    container: Container, clock: FakeClock, fake_slack: FakeSlackApi
) -> None:
    clock.now = datetime(2026, 11, 16, 8, 59, 59, tzinfo=ZoneInfo("UTC"))  # nothing to catch up
    firings = _workspaces(container, clock, {"T0": "UTC", "T1": "Europe/London"})
    scheduler = container.build_scheduler()
    scheduler.start_in_background()
    caught_up = _rows(container, "T0") + _rows(container, "T1")
    clock.now = datetime(2026, 11, 16, 9, 0, 1, tzinfo=ZoneInfo("UTC"))

    for firing in firings:
        view = container.schedules.get(team_id=firing.team_id, schedule_id=firing.schedule_id)
        assert view is not None
        scheduler._fire(slot_id(view))  # what APScheduler calls
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and len(fake_slack.calls_to("chat.postMessage")) < 2:
        time.sleep(0.05)
    jobs = scheduler.next_run_times()
    scheduler.stop()

    assert caught_up == []
    assert _rows(container, "T0") == [("2026-W47", "CT00", "parent")]
    assert _rows(container, "T1") == [("2026-W47", "CT10", "parent")]
    assert sorted(c.channel for c in fake_slack.calls_to("chat.postMessage")) == ["CT00", "CT10"]
    assert {f"ritual:{f.team_id}:{f.schedule_id}" for f in firings} <= set(jobs)


def test_chunks_run_on_a_bounded_pool_still_enqueue_every_workspace_once(
    container: Container, clock: FakeClock
) -> None:
    clock.now = datetime(2026, 11, 16, 9, 0, 5, tzinfo=ZoneInfo("UTC"))
    firings = _workspaces(container, clock, {f"T{i:02d}": "UTC" for i in range(20)})
    woken: list[int] = []
    due = DueRuns(
        sessions=container.sessions,
        registry=container.registry,
        metrics=container.metrics,
        grace=DEFAULT_GRACE,
        on_enqueued=lambda: woken.append(1),
        workers=3,
        chunk=2,
    )

    report = due.run(firings + firings[:5], now=clock())  # a firing handed over twice, too

    assert report.failed == {}
    assert sorted(f.team_id for f, r in report.results.items() if r.posts == 1) == [
        f"T{i:02d}" for i in range(20)
    ]
    assert [len(_rows(container, f"T{i:02d}")) for i in range(20)] == [1] * 20
    assert len(woken) == 10  # the sender is woken after each chunk, not once at the end
