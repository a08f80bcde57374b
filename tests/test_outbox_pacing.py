"""Per-channel and per-workspace pacing, with the times given (no threads, no Slack, no waiting)."""

from __future__ import annotations

from bot.outbox.pacing import DONE, ChannelSchedule, Step

C1 = ("T1", "C1")
C2 = ("T1", "C2")
C3 = ("T1", "C3")
OTHER = ("T2", "C1")
INTERVAL = 1.02


def test_a_channel_starts_its_next_post_an_interval_after_the_last_ones_deadline() -> None:
    schedule = ChannelSchedule(interval=INTERVAL)
    schedule.add([(1, *C1), (2, *C1), (3, *C1)])

    first, _ = schedule.take_due(10.0, longest=2.0)
    in_flight, _ = schedule.take_due(10.5, longest=2.0)
    # Slack answered after 0.7 s: the next start still counts from this one's deadline (10.0).
    schedule.finish(C1, 1, DONE, now=10.7)
    early, wait = schedule.take_due(10.7, longest=2.0)
    second, _ = schedule.take_due(10.0 + INTERVAL, longest=2.0)

    assert (first, in_flight, early) == ([(C1, 1)], [], [])
    assert abs(wait - (INTERVAL - 0.7)) < 1e-9
    assert second == [(C1, 2)]


def test_a_late_start_is_made_up_by_the_next_posts() -> None:
    schedule = ChannelSchedule(interval=1.0, spacing=0.8)
    schedule.add([(row, *C1) for row in (1, 2, 3)])

    schedule.take_due(0.0, longest=2.0)  # due at 0.0, on time
    schedule.finish(C1, 1, DONE, now=0.05, answered=True)
    late, _ = schedule.take_due(1.3, longest=2.0)  # due at 1.0, started 0.3 s late
    schedule.finish(C1, 2, DONE, now=1.35, answered=True)
    early, wait = schedule.take_due(2.0, longest=2.0)
    third, _ = schedule.take_due(2.16, longest=2.0)

    assert late == [(C1, 2)]
    # Due at 2.0 by the deadline chain, at 2.15 by Slack's spacing after the answer (1.35):
    # 0.15 s earlier than a start-to-start rule (2.3) would allow.
    assert early == []
    assert abs(wait - 0.15) < 1e-9
    assert third == [(C1, 3)]


def test_the_next_post_waits_slacks_spacing_after_the_answer_of_a_slow_post() -> None:
    schedule = ChannelSchedule(interval=INTERVAL)
    schedule.add([(1, *C1), (2, *C1)])

    schedule.take_due(0.0, longest=2.0)
    schedule.finish(C1, 1, DONE, now=0.5, answered=True)  # Slack took 0.5 s to answer
    on_deadline, wait = schedule.take_due(INTERVAL, longest=2.0)
    after_spacing, _ = schedule.take_due(1.5, longest=2.0)

    # The post may have arrived just before its answer; the next may arrive as it starts.
    assert on_deadline == []
    assert abs(wait - (1.5 - INTERVAL)) < 1e-9
    assert after_spacing == [(C1, 2)]


def test_channels_do_not_wait_for_each_other() -> None:
    schedule = ChannelSchedule(interval=INTERVAL)
    schedule.add([(1, *C1), (2, *C1), (3, *C2)])

    due, _ = schedule.take_due(0.0, longest=2.0)
    schedule.finish(C1, 1, DONE, now=0.1)
    later, wait = schedule.take_due(0.1, longest=2.0)

    assert sorted(due) == [(C1, 1), (C2, 3)]
    assert later == []
    assert abs(wait - (INTERVAL - 0.1)) < 1e-9


def test_posts_in_flight_follow_the_due_channels_up_to_the_bound() -> None:
    schedule = ChannelSchedule(interval=INTERVAL, max_in_flight=2)
    schedule.add([(1, *C1), (2, *C2), (3, *C3)])

    first, wait = schedule.take_due(0.0, longest=2.0)
    schedule.finish(C1, 1, DONE, now=0.05)
    second, _ = schedule.take_due(0.05, longest=2.0)

    assert len(first) == 2
    assert wait == 2.0  # the bound is reached: the caller waits for a post to finish
    assert len(second) == 1


def test_a_rate_limited_post_goes_first_again_after_retry_after() -> None:
    schedule = ChannelSchedule(interval=INTERVAL)
    schedule.add([(1, *C1), (2, *C1)])

    schedule.take_due(0.0, longest=2.0)
    schedule.finish(C1, 1, Step(again=True, delay=3.0), now=0.2)
    too_early, _ = schedule.take_due(3.1, longest=2.0)
    again, _ = schedule.take_due(3.2, longest=2.0)

    assert too_early == []
    assert again == [(C1, 1)]
    assert schedule.queued_ids() == {1, 2}


def test_one_channels_429_pauses_only_that_channel() -> None:
    schedule = ChannelSchedule(interval=INTERVAL)
    schedule.add([(1, *C1), (2, *C2)])
    schedule.take_due(0.0, longest=2.0)

    workspace = schedule.rate_limited(C1, retry_after=5.0, now=0.1)

    assert workspace is False
    assert schedule.workspace_paused_until("T1") == 0.0


def test_429s_on_two_channels_of_a_workspace_within_a_second_pause_the_whole_workspace() -> None:
    schedule = ChannelSchedule(interval=INTERVAL)
    schedule.add([(1, *C1), (2, *C2), (3, *C3), (4, *OTHER), (5, *C3), (6, *OTHER)])
    schedule.take_due(0.0, longest=2.0)
    schedule.finish(C3, 3, DONE, now=0.05)
    schedule.finish(OTHER, 4, DONE, now=0.05)

    first = schedule.rate_limited(C1, retry_after=4.0, now=0.1)
    second = schedule.rate_limited(C2, retry_after=4.0, now=0.6)
    schedule.finish(C1, 1, Step(again=True, delay=4.0), now=0.1)
    schedule.finish(C2, 2, Step(again=True, delay=4.0), now=0.6)
    during, _ = schedule.take_due(1.5, longest=2.0)

    assert (first, second) == (False, True)
    assert schedule.workspace_paused_until("T1") == 4.6
    assert during == [(OTHER, 6)]  # another workspace goes on; C3 waits for its workspace


def test_429s_on_two_channels_far_apart_are_each_channels_own() -> None:
    schedule = ChannelSchedule(interval=INTERVAL)
    schedule.add([(1, *C1), (2, *C2)])
    schedule.take_due(0.0, longest=2.0)

    first = schedule.rate_limited(C1, retry_after=1.0, now=0.1)
    second = schedule.rate_limited(C2, retry_after=1.0, now=2.5)

    assert (first, second) == (False, False)


def test_a_workspace_rate_spaces_the_workspaces_starts_across_its_channels() -> None:
    schedule = ChannelSchedule(interval=INTERVAL, workspace_rate=10.1)  # paced at 10/s
    schedule.add([(row, "T1", f"C{row}") for row in range(1, 6)])

    first, wait = schedule.take_due(0.0, longest=2.0)
    none_yet, _ = schedule.take_due(0.05, longest=2.0)
    next_one, _ = schedule.take_due(0.1001, longest=2.0)

    assert len(first) == 1  # no burst at first: another sender may just have been posting
    assert abs(wait - 0.1) < 1e-9
    assert none_yet == []
    assert len(next_one) == 1


def test_a_channel_taken_over_waits_out_the_previous_senders_last_post() -> None:
    schedule = ChannelSchedule(interval=INTERVAL)
    schedule.add([(1, *C1)], not_before=5.0)

    early, wait = schedule.take_due(4.0, longest=2.0)
    due, _ = schedule.take_due(5.0, longest=2.0)

    assert early == []
    assert wait == 1.0
    assert due == [(C1, 1)]


def test_a_finished_row_leaves_and_a_reload_does_not_queue_a_row_twice() -> None:
    schedule = ChannelSchedule(interval=INTERVAL)
    schedule.add([(1, *C1)])

    schedule.take_due(0.0, longest=2.0)
    schedule.add([(1, *C1)])  # a reload while it is in flight
    busy = schedule.idle()
    schedule.finish(C1, 1, DONE, now=0.1)

    assert busy is False
    assert schedule.idle()
    assert schedule.take_due(5.0, longest=2.0) == ([], 2.0)


def test_rows_failed_with_their_run_are_dropped_from_the_queue() -> None:
    schedule = ChannelSchedule(interval=INTERVAL)
    schedule.add([(1, *C1), (2, *C1), (3, *C1)])

    schedule.take_due(0.0, longest=2.0)
    schedule.drop([2, 3])
    schedule.finish(C1, 1, DONE, now=0.1)

    assert schedule.idle()


def test_429s_that_the_channels_own_limit_can_explain_are_no_workspace_evidence() -> None:
    schedule = ChannelSchedule(interval=INTERVAL)
    schedule.add([(1, *C1), (2, *C1), (3, *C2), (4, *C2)])
    schedule.take_due(0.0, longest=2.0)
    schedule.finish(C1, 1, DONE, now=0.05)
    schedule.finish(C2, 3, DONE, now=0.05)
    schedule.take_due(1.02, longest=2.0)  # each channel's second post, 1.02 s after its first

    first = schedule.rate_limited(C1, retry_after=1.0, now=1.05)
    second = schedule.rate_limited(C2, retry_after=1.0, now=1.06)

    assert (first, second) == (False, False)
    assert schedule.workspace_paused_until("T1") == 0.0
