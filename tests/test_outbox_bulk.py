"""Enqueueing a big run: one INSERT per batch of rows, in the order the ritual gave them, each
key once (SQLite and Postgres)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from bot.outbox.bulk import BATCH
from bot.outbox.domain import OutgoingPost
from bot.wiring import Container
from tests.support.clock import FakeClock
from tests.support.fake_slack import TEAM_ID

RITUAL = "triage-thread"


def _thread(replies: int) -> list[OutgoingPost]:
    parent = OutgoingPost(part="parent", text="Support triage", blocks=[{"type": "divider"}])
    return [parent] + [
        OutgoingPost(
            part=f"ticket:{n}",
            text=f'Ticket {n}: it\'s "broken" <again> & again \u2713',
            blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": f"#{n} \u00b7 \\o/"}}],
            reply_to_part="parent",
        )
        for n in range(replies)
    ]


@contextmanager
def _inserts_into(container: Container, table: str) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(*args: Any) -> None:
        statement = args[2]
        if statement.lstrip().upper().startswith("INSERT") and table in statement:
            seen.append(statement)

    event.listen(container.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(container.engine, "before_cursor_execute", record)


def _enqueue(container: Container, clock: FakeClock, posts: list[OutgoingPost]) -> int:
    with container.sessions.begin() as session:
        return container.outbox.enqueue(
            session,
            team_id=TEAM_ID,
            ritual=RITUAL,
            period="2026-W48",
            channel_id="CTRIAGE",
            posts=posts,
            now=clock(),
        )


def test_a_big_thread_is_enqueued_one_statement_per_batch_in_the_order_given(
    container: Container, clock: FakeClock
) -> None:
    container.services.workspaces.ensure_workspace(team_id=TEAM_ID, now=clock())
    posts = _thread(2 * BATCH + 10)

    with _inserts_into(container, "outbox_deliveries") as statements:
        created = _enqueue(container, clock, posts)

    rows = container.outbox.deliveries(team_id=TEAM_ID, ritual=RITUAL)
    assert created == len(posts)
    assert len(statements) == 3
    assert [row.part for row in rows] == [post.part for post in posts]
    assert [(r.text, r.blocks, r.reply_to_part) for r in rows] == [
        (p.text, p.blocks, p.reply_to_part) for p in posts
    ]
    assert {(r.state, r.attempts, r.created_at) for r in rows} == {("pending", 0, clock())}


def test_enqueueing_a_thread_again_adds_only_the_posts_it_did_not_have(
    container: Container, clock: FakeClock
) -> None:
    container.services.workspaces.ensure_workspace(team_id=TEAM_ID, now=clock())
    first = _thread(BATCH + 1)
    _enqueue(container, clock, first)
    rows_before = {r.part: r.id for r in container.outbox.deliveries(team_id=TEAM_ID)}

    again = _enqueue(container, clock, _thread(BATCH + 3))

    rows = container.outbox.deliveries(team_id=TEAM_ID)
    assert again == 2
    assert len(rows) == len(first) + 2
    assert {r.part: r.id for r in rows if r.part in rows_before} == rows_before
