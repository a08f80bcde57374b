"""A chunk of scheduled runs enqueued in one statement: same rows and idempotency as one by one."""

from __future__ import annotations

from bot.outbox.domain import OutgoingPost
from bot.outbox.many import BIG_RUN, RunPosts, enqueue_many
from bot.slack.limits import MESSAGE_TEXT
from bot.wiring import Container
from tests.support.clock import FakeClock


def _run(team_id: str, channel_id: str, parts: int = 1) -> RunPosts:
    posts = [OutgoingPost(part=f"p{n}", text="x" * 50_000, blocks=[]) for n in range(parts)]
    return RunPosts(team_id, "echo-digest", "2026-W47", channel_id, posts)


def test_many_runs_are_enqueued_once_each_and_a_repeat_creates_nothing(
    container: Container, clock: FakeClock
) -> None:
    for team in ("T1", "T2"):
        container.services.workspaces.ensure_workspace(team_id=team, now=clock())
    runs = [_run("T1", "C1", parts=2), _run("T2", "C2"), _run("T1", "C1", parts=2)]

    with container.sessions.begin() as session:
        first = enqueue_many(session, runs, now=clock())
    with container.sessions.begin() as session:
        again = enqueue_many(session, runs[:2], now=clock())

    assert first == [2, 1, 0]
    assert again == [0, 0]
    rows = container.outbox.deliveries(team_id="T1") + container.outbox.deliveries(team_id="T2")
    assert sorted((r.team_id, r.channel_id, r.part, r.state) for r in rows) == [
        ("T1", "C1", "p0", "pending"),
        ("T1", "C1", "p1", "pending"),
        ("T2", "C2", "p0", "pending"),
    ]
    assert {len(r.text) <= MESSAGE_TEXT for r in rows} == {True}  # clipped as Outbox.enqueue does


def test_a_big_run_beside_small_ones_is_enqueued_once_in_order_and_counted_for_itself(
    container: Container, clock: FakeClock
) -> None:
    """A 5,000-ticket thread takes the bulk path (bulk.insert_deliveries) inside a scheduler
    batch; the small runs beside it still share statements, and each count is its own."""
    for team in ("T1", "T2"):
        container.services.workspaces.ensure_workspace(team_id=team, now=clock())
    big = RunPosts(
        "T1",
        "echo-digest",
        "2026-W47",
        "CBIG",
        [OutgoingPost(part=f"{n:05d}", text=f"post {n}", blocks=[]) for n in range(BIG_RUN + 7)],
    )
    runs = [_run("T2", "C2"), big, _run("T1", "C1", parts=2), big]

    with container.sessions.begin() as session:
        first = enqueue_many(session, runs, now=clock())
    with container.sessions.begin() as session:
        again = enqueue_many(session, runs, now=clock())

    assert first == [1, BIG_RUN + 7, 2, 0]
    assert again == [0, 0, 0, 0]
    stored = [r for r in container.outbox.deliveries(team_id="T1") if r.channel_id == "CBIG"]
    assert sorted(r.part for r in stored) == [f"{n:05d}" for n in range(BIG_RUN + 7)]
