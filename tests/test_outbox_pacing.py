"""Per-channel pacing, with the times given (no threads, no Slack, no waiting)."""

from __future__ import annotations

from bot.outbox.pacing import DONE, ChannelSchedule, Step

C1 = ("T1", "C1")
C2 = ("T1", "C2")
INTERVAL = 1.02


def test_a_channel_starts_its_next_post_an_interval_after_the_last_one_started() -> None:
    schedule = ChannelSchedule()
    schedule.add([(1, *C1), (2, *C1), (3, *C1)])

    first, _ = schedule.take_due(10.0, longest=2.0)
    in_flight, _ = schedule.take_due(10.5, longest=2.0)
    # Slack answered after 0.7 s: the next start still counts from this one's start (10.0).
    schedule.finish(C1, 1, Step(again=False, delay=INTERVAL, since=10.0), now=10.7)
    early, wait = schedule.take_due(10.7, longest=2.0)
    second, _ = schedule.take_due(10.0 + INTERVAL, longest=2.0)

    assert (first, in_flight, early) == ([(C1, 1)], [], [])
    assert abs(wait - (INTERVAL - 0.7)) < 1e-9
    assert second == [(C1, 2)]


def test_channels_do_not_wait_for_each_other() -> None:
    schedule = ChannelSchedule()
    schedule.add([(1, *C1), (2, *C1), (3, *C2)])

    due, _ = schedule.take_due(0.0, longest=2.0)
    schedule.finish(C1, 1, Step(again=False, delay=INTERVAL, since=0.0), now=0.1)
    later, wait = schedule.take_due(0.1, longest=2.0)

    assert due == [(C1, 1), (C2, 3)]
    assert later == []
    assert abs(wait - (INTERVAL - 0.1)) < 1e-9


def test_a_rate_limited_post_goes_first_again_after_retry_after() -> None:
    schedule = ChannelSchedule()
    schedule.add([(1, *C1), (2, *C1)])

    schedule.take_due(0.0, longest=2.0)
    schedule.finish(C1, 1, Step(again=True, delay=3.0), now=0.2)
    too_early, _ = schedule.take_due(3.1, longest=2.0)
    again, _ = schedule.take_due(3.2, longest=2.0)

    assert too_early == []
    assert again == [(C1, 1)]
    assert schedule.queued_ids() == {1, 2}


def test_a_finished_row_leaves_and_a_reload_does_not_queue_a_row_twice() -> None:
    schedule = ChannelSchedule()
    schedule.add([(1, *C1)])

    schedule.take_due(0.0, longest=2.0)
    schedule.add([(1, *C1)])  # a reload while it is in flight
    busy = schedule.idle()
    schedule.finish(C1, 1, DONE, now=0.1)

    assert busy is False
    assert schedule.idle()
    assert schedule.take_due(5.0, longest=2.0) == ([], 2.0)
