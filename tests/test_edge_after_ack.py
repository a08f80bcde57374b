"""Acks never wait on Slack: the after-ack pool, shedding, errors after the ack, admin checks."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from bot.config import Settings
from bot.metrics import Metrics
from bot.slack.after_ack import AfterAckPool
from bot.wiring import Container, build_container
from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.support.clock import FakeClock
from tests.support.driver import SlackDriver, body_json
from tests.support.fake_slack import TEAM_ID, FakeSlackApi
from tests.support.people import known_person
from tests.support.slack_requests import SlackRequests


@pytest.fixture
def one_worker(
    database_url: str, fake_slack: FakeSlackApi, clock: FakeClock
) -> Iterator[Container]:
    """An app whose after-ack pool has one thread and room for one more task."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.api_url,
        DATABASE_URL=database_url,
        after_ack_threads=1,
        after_ack_queue=1,
    )
    built = build_container(settings, clock=clock)
    yield built
    built.close()


def test_an_error_after_the_ack_is_told_privately_and_the_ack_stands(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container
) -> None:
    known_person(container, fake_slack, "U1", is_admin=True)
    fake_slack.fail("views.open", status=500)

    response = slack.command("/ops", "settings")

    assert (response.status_code, response.get_data()) == (200, b"")
    told = fake_slack.wait_for("chat.postEphemeral")[0]
    assert (told.params["user"], told.channel) == ("U1", "C1")
    assert "Something went wrong" in told.params["text"]


def test_a_full_pool_sheds_a_command_with_a_polite_private_answer(
    one_worker: Container, slack_requests: SlackRequests, fake_slack: FakeSlackApi
) -> None:
    known_person(one_worker, fake_slack, "U1", is_admin=True)
    fake_slack.stall("views.open", 2.0, times=2)
    slack = SlackDriver(one_worker.web, slack_requests)

    answers = [slack.command("/ops", "settings") for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.get_data() for a in answers[:2]] == [b"", b""]
    shed = body_json(answers[2])
    assert shed["response_type"] == "ephemeral"
    assert "very busy" in shed["text"]


def test_a_modal_whose_trigger_expired_in_the_queue_is_not_opened_and_the_person_is_told(
    one_worker: Container, slack_requests: SlackRequests, fake_slack: FakeSlackApi
) -> None:
    known_person(one_worker, fake_slack, "U1", is_admin=True)
    fake_slack.stall("views.open", 2.8, times=1)
    slack = SlackDriver(one_worker.web, slack_requests)

    slack.command("/ops", "settings")
    slack.command("/ops", "settings")

    told = fake_slack.wait_for("chat.postEphemeral", timeout=10)[0]
    assert "too slow" in told.params["text"]
    assert len(fake_slack.attempts_to("views.open")) == 1


def test_acks_stay_fast_while_every_after_ack_thread_waits_on_a_slow_slack(
    one_worker: Container, slack_requests: SlackRequests, fake_slack: FakeSlackApi
) -> None:
    known_person(one_worker, fake_slack, "U1", is_admin=True)
    fake_slack.stall("views.open", 2.0, times=None)
    slack = SlackDriver(one_worker.web, slack_requests)

    started = time.monotonic()
    answers = [slack.command("/ops", "help") for _ in range(3)]
    answers += [slack.command("/ops", "settings") for _ in range(3)]
    answers += [slack.command("/ops", "help") for _ in range(3)]
    elapsed = time.monotonic() - started

    assert all(a.status_code == 200 for a in answers)
    assert elapsed < 1.5


def test_the_admin_check_before_the_ack_never_asks_slack(
    slack: SlackDriver,
    slack_requests: SlackRequests,
    fake_slack: FakeSlackApi,
    container: Container,
) -> None:
    known_person(container, fake_slack, "U1", is_admin=True)
    container.services.admins.require_admin(team_id=TEAM_ID, user_id="U1")  # within 5 min
    asked_before = len(fake_slack.attempts_to("users.info"))

    fake_slack.stall("users.info", 3.0, times=None)
    request = slack_requests.view_submission("ops-schedule-modal", {})
    started = time.monotonic()
    slack.send(request)

    assert time.monotonic() - started < 1.0
    assert len(fake_slack.attempts_to("users.info")) == asked_before


def test_someone_never_seen_is_refreshed_in_the_background_and_asked_to_retry(
    container: Container, fake_slack: FakeSlackApi
) -> None:
    from bot.slack.after_ack import current_ack_var
    from bot.workspace.admins import AdminNotKnownYetError

    fake_slack.add_user("U7", is_admin=True)

    class Unacked:
        response = None

    token = current_ack_var.set(Unacked())
    try:
        with pytest.raises(AdminNotKnownYetError):
            container.services.admins.require_admin(team_id=TEAM_ID, user_id="U7")
    finally:
        current_ack_var.reset(token)
    fake_slack.wait_for("users.info")
    deadline = time.monotonic() + 5
    while not container.services.workspaces.is_admin(team_id=TEAM_ID, user_id="U7"):
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_the_pool_never_re_raises_and_reports_each_failure() -> None:
    pool = AfterAckPool(workers=2, queue_limit=0, metrics=Metrics())
    reported: list[str] = []
    done = threading.Event()

    def boom() -> None:
        raise ValueError("after the ack")

    def report(error: Exception) -> None:
        reported.append(str(error))
        done.set()

    assert pool.try_submit(boom, on_error=report)
    assert done.wait(5)
    assert reported == ["after the ack"]
    assert pool.shutdown(timeout=5)
    assert not pool.try_submit(boom)


def test_the_pool_refuses_work_beyond_threads_and_queue() -> None:
    pool = AfterAckPool(workers=1, queue_limit=1, metrics=Metrics())
    release = threading.Event()

    accepted = [pool.try_submit(lambda: release.wait(5) and None) for _ in range(3)]
    release.set()

    assert accepted == [True, True, False]
    assert pool.shutdown(timeout=5)
