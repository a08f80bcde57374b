"""Nothing before an ack waits for a database write lock: the feedback form is checked before
the ack and stored after it (once, and never lost when the after-ack pool is full), the
account type-ahead only reads, and an event's first delivery does not touch the database."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest
from sqlalchemy import select, text

from bot.config import Settings
from bot.rituals.feedback.domain import AccountRecord
from bot.rituals.feedback.forms import FeedbackModalMetadata
from bot.rituals.feedback.ids import FeedbackIds
from bot.rituals.feedback.models import FeedbackItem
from bot.wiring import Container, build_container
from bot.workspace.models import ProcessedEvent
from tests.conftest import BACKEND, BOT_TOKEN, SIGNING_SECRET
from tests.support.clock import FakeClock
from tests.support.driver import SlackDriver, body_json
from tests.support.fake_slack import TEAM_ID, FakeSlackApi
from tests.support.feedback_forms import feedback_form_values
from tests.support.slack_requests import SignedRequest, SlackRequests
from tests.support.waiting import eventually

HOME_OPENED = {"type": "app_home_opened", "user": "U1", "tab": "home"}


@contextmanager
def write_lock_held(container: Container, table: str, mode: str = "EXCLUSIVE") -> Iterator[None]:
    """Another writer in the middle of a transaction: on SQLite the database write lock
    (`BEGIN IMMEDIATE`, bot/db.py); on Postgres `table` locked in `mode`."""
    with container.engine.connect() as writer:
        held = writer.begin()
        if BACKEND == "postgres":
            writer.execute(text(f"LOCK TABLE {table} IN {mode} MODE"))
        try:
            yield
        finally:
            held.rollback()


def answered_while(
    lock: Callable[[], AbstractContextManager[None]], send: Callable[[], int]
) -> tuple[list[int], int]:
    """Sends from a thread while `lock` is held: (answers given under the lock, final answer)."""
    answers: list[int] = []
    request = threading.Thread(target=lambda: answers.append(send()))
    with lock():
        request.start()
        request.join(timeout=2.5)  # Slack's 3 s, less a margin
        under_lock = list(answers)
    request.join(timeout=10)
    return under_lock, answers[0] if answers else 0


def _texts(container: Container) -> list[str]:
    with container.sessions() as session:
        return list(session.scalars(select(FeedbackItem.text).order_by(FeedbackItem.id)))


def _form(slack: SlackDriver, text_: str) -> SignedRequest:
    return slack.requests.view_submission(
        FeedbackIds.MODAL.value,
        feedback_form_values(text=text_),
        private_metadata=FeedbackModalMetadata(channel_id="C1").to_json(),
    )


def test_a_submitted_feedback_form_is_acked_while_another_writer_holds_the_lock_and_stored_after(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container
) -> None:
    container.services.workspaces.ensure_workspace(team_id=TEAM_ID, now=container.clock())
    submission = _form(slack, "Bulk edit for dashboards")

    under_lock, final = answered_while(
        lambda: write_lock_held(container, "feedback_items"),
        lambda: slack.send(submission).status_code,
    )

    assert (under_lock, final) == ([200], 200)
    assert eventually(lambda: _texts(container), bool) == ["Bulk edit for dashboards"]
    assert fake_slack.wait_for("chat.postEphemeral")[0].params["user"] == "U1"


def test_a_bad_feedback_form_still_gets_its_inline_errors_before_the_ack(
    slack: SlackDriver, container: Container
) -> None:
    response = slack.send(_form(slack, "  "))

    assert body_json(response)["response_action"] == "errors"
    assert list(body_json(response)["errors"]) == [FeedbackIds.TEXT_BLOCK.value]
    container.after_ack.pool.shutdown(timeout=5)
    assert _texts(container) == []


@pytest.fixture
def one_busy_worker(
    database_url: str, fake_slack: FakeSlackApi, clock: FakeClock
) -> Iterator[tuple[Container, threading.Event]]:
    """An app whose after-ack pool (one thread, no queue) is taken by a task that waits."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.api_url,
        DATABASE_URL=database_url,
        after_ack_threads=1,
        after_ack_queue=0,
    )
    built = build_container(settings, clock=clock)
    release = threading.Event()
    assert built.after_ack.pool.try_submit(lambda: release.wait(10), name="busy")
    yield built, release
    release.set()
    built.close()


def test_a_feedback_form_submitted_while_the_after_ack_pool_is_full_is_stored_not_shed(
    one_busy_worker: tuple[Container, threading.Event],
    slack_requests: SlackRequests,
    fake_slack: FakeSlackApi,
) -> None:
    container, _ = one_busy_worker
    slack = SlackDriver(container.web, slack_requests)

    response = slack.send(_form(slack, "Export to Sheets"))

    assert (response.status_code, response.get_data()) == (200, b"")
    assert _texts(container) == ["Export to Sheets"]  # stored before the ack
    told = fake_slack.wait_for("chat.postMessage")[0]  # a form has no channel: a DM
    assert (told.channel, "Saved" in told.params["text"]) == ("U1", True)


def test_the_account_type_ahead_answers_while_another_writer_holds_the_lock(
    slack: SlackDriver, container: Container, clock: FakeClock
) -> None:
    container.services.feedback.import_accounts(
        team_id=TEAM_ID, records=[AccountRecord("Initech"), AccountRecord("Acme")], now=clock()
    )
    typed = slack.requests.block_suggestion(FeedbackIds.ACCOUNT_SELECT.value, "init")
    offered: list[str] = []

    def type_ahead() -> int:
        response = slack.send(typed)
        offered.extend(str(option["value"]) for option in body_json(response)["options"])
        return response.status_code

    under_lock, final = answered_while(
        lambda: write_lock_held(container, "feedback_accounts"), type_ahead
    )

    assert (under_lock, final) == ([200], 200)
    assert any("Initech" in value for value in offered)


def test_an_events_first_delivery_is_acked_while_its_table_is_locked_even_for_reads(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container
) -> None:
    """Postgres' ACCESS EXCLUSIVE lock blocks reads too: a first delivery (no
    X-Slack-Retry-Num) reads nothing before its ack. (SQLite readers never wait anyway.)"""
    container.services.workspaces.ensure_workspace(team_id=TEAM_ID, now=container.clock())

    under_lock, final = answered_while(
        lambda: write_lock_held(container, "processed_events", mode="ACCESS EXCLUSIVE"),
        lambda: slack.event(HOME_OPENED, event_id="Ev0FIRST").status_code,
    )
    container.events.flush()

    assert (under_lock, final) == ([200], 200)
    assert fake_slack.wait_for("views.publish")[0].params["user_id"] == "U1"
    with container.sessions() as session:
        assert session.get(ProcessedEvent, (TEAM_ID, "Ev0FIRST")) is not None


def test_a_retry_of_an_event_recorded_before_a_restart_is_dropped_but_a_new_one_is_handled(
    settings: Settings, clock: FakeClock, slack_requests: SlackRequests, fake_slack: FakeSlackApi
) -> None:
    before = build_container(settings, clock=clock)
    SlackDriver(before.web, slack_requests).event(HOME_OPENED, event_id="Ev0BEFORE")
    fake_slack.wait_for("views.publish")
    before.close()

    after = build_container(settings, clock=clock)
    driver = SlackDriver(after.web, slack_requests)
    driver.event(HOME_OPENED, event_id="Ev0BEFORE", retry_num=1)
    driver.event(HOME_OPENED, event_id="Ev0AFTER")
    fake_slack.wait_for("views.publish", count=2)
    after.events.flush()
    after.close()

    assert len(fake_slack.attempts_to("views.publish")) == 2
