"""The sender at Slack's limit: whole channels per sender, batched bookkeeping, the workspace-wide
backoff, and a dead sender replaced without waiting for its leases."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from bot.outbox.domain import OutgoingPost
from bot.outbox.leases import Finished, Leases, Result
from bot.outbox.presence import Presence
from bot.outbox.sender import OutboxSender
from bot.wiring import Container
from tests.support.clock import FakeClock
from tests.support.fake_slack import TEAM_ID, FakeSlackApi

RITUAL = "echo-digest"


def _enqueue(container: Container, now: datetime, *, channels: list[str], posts: int) -> None:
    container.services.workspaces.ensure_workspace(team_id=TEAM_ID, now=now)
    with container.sessions.begin() as session:
        for channel in channels:
            container.outbox.enqueue(
                session,
                team_id=TEAM_ID,
                ritual=RITUAL,
                period="2026-W47",
                channel_id=channel,
                posts=[
                    OutgoingPost(part=f"p{i}", text=f"{channel} post {i}", blocks=[])
                    for i in range(posts)
                ],
                now=now,
            )


def _sender(container: Container, clock: FakeClock, **options: float) -> OutboxSender:
    return OutboxSender(
        sessions=container.sessions,
        client=container.client,
        metrics=container.metrics,
        clock=clock,
        **{"interval": 0.05, "backoff_base": 0.05, **options},  # type: ignore[arg-type]
    )


def _delivered(fake_slack: FakeSlackApi) -> Counter[tuple[str | None, str]]:
    return Counter((c.channel, c.params["text"]) for c in fake_slack.calls_to("chat.postMessage"))


def test_two_senders_split_the_channels_and_never_post_to_one_channel_at_once(
    container: Container, clock: FakeClock, fake_slack: FakeSlackApi
) -> None:
    channels = [f"C{i}" for i in range(6)]
    _enqueue(container, clock(), channels=channels, posts=3)
    fake_slack.enforce_channel_rate(per_second=1.0)
    senders = [_sender(container, clock, interval=1.25) for _ in range(2)]
    results: list[bool] = []
    threads = [
        threading.Thread(target=lambda s=s: results.append(s.drain(timeout=30))) for s in senders
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results == [True, True]
    assert len(_delivered(fake_slack)) == 18
    assert set(_delivered(fake_slack).values()) == {1}
    # Had both posted in one channel, Slack's one-per-second rule would have refused some.
    assert fake_slack.attempts_to("chat.postMessage") == fake_slack.calls_to("chat.postMessage")


def test_429s_from_the_workspace_cap_are_recognised_and_everything_is_delivered_once(
    container: Container,
    clock: FakeClock,
    fake_slack: FakeSlackApi,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _enqueue(container, clock(), channels=[f"C{i}" for i in range(6)], posts=1)
    fake_slack.enforce_workspace_rate(per_second=2.0, burst=2.0, retry_after=1)

    sender = _sender(container, clock)
    with caplog.at_level(logging.WARNING, logger="bot.outbox.sender"):
        assert sender.drain(timeout=30)

    assert len(_delivered(fake_slack)) == 6
    assert set(_delivered(fake_slack).values()) == {1}
    # Six posts at once, two allowed: refusals on several channels at once are the workspace's
    # cap, and the sender says so (the pause itself: test_outbox_pacing.py).
    assert "is at Slack's posting limit" in caplog.text
    assert sender.stats.ratelimited == fake_slack.workspace_refusals > 0


def test_one_turn_records_every_outcome_and_marks_every_next_post_in_one_transaction(
    container: Container, clock: FakeClock
) -> None:
    _enqueue(container, clock(), channels=[f"C{i}" for i in range(50)], posts=2)
    leases = Leases(sessions=container.sessions, owner="sender-a", lease=timedelta(seconds=30))
    taken = leases.take(now=clock(), gone=lambda owner: False)
    firsts = [row.row_id for row in taken.rows if row.row_id % 2 == 1]
    seconds = [row.row_id for row in taken.rows if row.row_id % 2 == 0]
    leases.sync(
        finished=[], start=firsts, uncertain=set(), check_groups=[], renew=False, now=clock()
    )
    commits: list[int] = []
    engine = container.sessions.kw["bind"]
    event.listen(engine, "commit", lambda _connection: commits.append(1))

    synced = leases.sync(
        finished=[Finished(row, Result.SENT, ts=f"{row}.0001") for row in firsts],
        start=seconds,
        uncertain=set(),
        check_groups=[],
        renew=True,
        now=clock(),
    )

    assert len(taken.rows) == 100
    assert len(commits) == 1
    assert sorted(c.row_id for c in synced.claimed) == sorted(seconds)
    states = Counter(row.state for row in container.outbox.deliveries(team_id=TEAM_ID))
    assert states == {"sent": 50, "pending": 50}


def test_taking_channels_reads_the_pending_rows_in_one_query_whatever_their_number(
    container: Container, clock: FakeClock
) -> None:
    engine = container.sessions.kw["bind"]
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(str(args[2])[:6]))
    counts = []
    for channels, owner in ((2, "sender-a"), (200, "sender-b")):
        _enqueue(container, clock(), channels=[f"{owner}-C{i}" for i in range(channels)], posts=5)
        statements.clear()
        Leases(sessions=container.sessions, owner=owner, lease=timedelta(seconds=30)).take(
            now=clock(), gone=lambda owner: False
        )
        counts.append(Counter(s for s in statements if s.upper().startswith("SELECT")))

    assert counts[0] == counts[1]


def test_a_live_senders_channels_are_left_alone_until_it_is_gone(
    container: Container, clock: FakeClock
) -> None:
    _enqueue(container, clock(), channels=["C1", "C2"], posts=2)
    first = Leases(sessions=container.sessions, owner="sender-a", lease=timedelta(seconds=30))
    second = Leases(sessions=container.sessions, owner="sender-b", lease=timedelta(seconds=30))
    held = first.take(now=clock(), gone=lambda owner: False)
    first.sync(
        finished=[],
        start=[held.rows[0].row_id],
        uncertain=set(),
        check_groups=[],
        renew=False,
        now=clock(),
    )

    while_alive = second.take(now=clock(), gone=lambda owner: False)
    after_death = second.take(now=clock(), gone=lambda owner: owner == "sender-a")

    assert (len(held.rows), while_alive.rows, while_alive.blockers) == (4, [], {"sender-a"})
    assert len(after_death.rows) == 4
    # The row the dead sender had marked may be in Slack: it is looked for before posting.
    assert [row.uncertain for row in after_death.rows] == [True, False, False, False]


def test_a_killed_sender_is_replaced_at_once_without_waiting_for_its_leases(
    container: Container, fake_slack: FakeSlackApi
) -> None:
    clock = FakeClock(datetime.now(UTC))  # the worker's leases (30 s) are still running
    channels = [f"C{i:02d}" for i in range(8)]
    _enqueue(container, clock(), channels=channels, posts=3)
    fake_slack.stall("chat.postMessage", 0.4, times=None)
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.support.outbox_worker",
            container.settings.database_url,
            fake_slack.api_url,
        ],
        stdout=subprocess.PIPE,
    )
    fake_slack.wait_for("chat.postMessage", 4, timeout=30)
    worker.kill()
    worker.wait()
    time.sleep(0.6)  # requests the dead worker had in flight still reach Slack
    clock.now = datetime.now(UTC)

    assert _sender(container, clock).drain(timeout=60)
    assert len(_delivered(fake_slack)) == 24
    assert set(_delivered(fake_slack).values()) == {1}


def test_without_a_lock_to_test_a_dead_senders_channels_wait_for_its_leases(
    container: Container, clock: FakeClock
) -> None:
    _enqueue(container, clock(), channels=["C1"], posts=1)
    Leases(sessions=container.sessions, owner="sender-a", lease=timedelta(seconds=30)).take(
        now=clock(), gone=lambda owner: False
    )
    sender = OutboxSender(
        sessions=container.sessions,
        client=container.client,
        metrics=container.metrics,
        clock=clock,
        presence=Presence(),  # cannot tell: counts every owner alive
    )

    assert sender.drain(timeout=5)
    assert sender.stats.sent == 0
    clock.advance(seconds=31)
    assert sender.drain(timeout=5)
    assert sender.stats.sent == 1


def test_a_sender_that_drains_again_takes_its_presence_again(
    container: Container, clock: FakeClock, fake_slack: FakeSlackApi
) -> None:
    sender = _sender(container, clock)
    for round_ in range(3):  # each drain holds the sender's lock and lets it go
        _enqueue(container, clock(), channels=[f"C{round_}"], posts=1)
        assert sender.drain(timeout=20)

    assert len(_delivered(fake_slack)) == 3
