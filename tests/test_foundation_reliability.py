"""Nothing doubled on Slack retries; failures get polite answers; health and metrics are true."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import httpx
import pytest
from slack_bolt import Ack
from sqlalchemy import func, select, text

from bot.config import Settings
from bot.errors import UserFacingError
from bot.slack.error_handler import DATABASE_DOWN
from bot.web.server import make_server
from bot.wiring import Container, build_container
from bot.workspace.models import ProcessedEvent
from tests.conftest import BACKEND
from tests.support.clock import FakeClock
from tests.support.driver import SlackDriver, body_json
from tests.support.fake_slack import FakeSlackApi
from tests.support.slack_requests import SlackRequests
from tests.support.waiting import eventually

HOME_OPENED = {"type": "app_home_opened", "user": "U1", "tab": "home"}


def test_slack_retry_of_an_event_is_handled_once(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container
) -> None:
    first = slack.event(HOME_OPENED, event_id="Ev0RETRY1")
    fake_slack.wait_for("views.publish")
    retry = slack.event(HOME_OPENED, event_id="Ev0RETRY1", retry_num=1)
    other = slack.event(HOME_OPENED, event_id="Ev0OTHER1")
    fake_slack.wait_for("views.publish", count=2)

    assert (first.status_code, retry.status_code, other.status_code) == (200, 200, 200)
    container.events.flush()
    assert len(fake_slack.calls_to("views.publish")) == 2
    with container.sessions() as session:
        stored = session.scalar(select(func.count()).select_from(ProcessedEvent))
    assert stored == 2
    assert "opsbot_duplicate_events_total 1.0" in container.metrics.render().decode()


def test_slack_retry_after_a_restart_is_still_dropped(
    settings: Settings, clock: FakeClock, slack_requests: SlackRequests, fake_slack: FakeSlackApi
) -> None:
    before = build_container(settings, clock=clock)
    SlackDriver(before.web, slack_requests).event(HOME_OPENED, event_id="Ev0RESTART")
    fake_slack.wait_for("views.publish")
    before.close()

    after = build_container(settings, clock=clock)
    SlackDriver(after.web, slack_requests).event(HOME_OPENED, event_id="Ev0RESTART", retry_num=2)
    after.close()

    assert len(fake_slack.attempts_to("views.publish")) == 1


def test_an_event_is_acked_while_another_writer_holds_the_event_table(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container
) -> None:
    """Nothing before the ack waits for a database write lock (the id is written after)."""
    container.services.workspaces.ensure_workspace(team_id="T0001", now=container.clock())
    acked: list[int] = []
    with container.engine.connect() as writer:
        held = writer.begin()  # SQLite: BEGIN IMMEDIATE (bot/db.py), the database write lock
        if BACKEND == "postgres":
            writer.execute(text("LOCK TABLE processed_events IN EXCLUSIVE MODE"))
        request = threading.Thread(
            target=lambda: acked.append(slack.event(HOME_OPENED, event_id="Ev0LOCKED").status_code)
        )
        request.start()
        request.join(timeout=2.5)
        answered_under_lock = list(acked)
        held.rollback()
    request.join(timeout=10)
    container.events.flush()

    assert answered_under_lock == [200]
    with container.sessions() as session:
        assert session.get(ProcessedEvent, ("T0001", "Ev0LOCKED")) is not None


def test_processed_event_ids_older_than_two_days_are_pruned(
    slack: SlackDriver, container: Container, clock: FakeClock
) -> None:
    slack.event(HOME_OPENED, event_id="Ev0OLD")
    clock.advance(days=3)
    slack.event(HOME_OPENED, event_id="Ev0NEW")
    container.events.flush()

    pruned = container.services.workspaces.prune_processed_events(now=clock())

    assert pruned == 1


def test_user_facing_error_in_a_listener_reaches_the_person_privately(
    container: Container, slack: SlackDriver, fake_slack: FakeSlackApi
) -> None:
    @container.bolt.command("/boom")
    def boom(ack: Ack) -> None:
        ack()
        raise UserFacingError("That account does not exist.")

    # No assertion on the HTTP status: when a listener acks and raises within Bolt's 10 ms
    # ack-polling interval, Bolt's thread runner resets the ack and answers 404 after 3 s
    # (slack_bolt/listener/thread_runner.py). What the person sees is the private message.
    slack.command("/boom", channel_id="C9", user_id="U7")

    ephemeral = fake_slack.wait_for("chat.postEphemeral")[0]
    assert ephemeral.params["text"] == "That account does not exist."
    assert (ephemeral.params["channel"], ephemeral.params["user"]) == ("C9", "U7")
    assert not fake_slack.calls_to("chat.postMessage")


def test_an_error_where_the_bot_is_not_in_the_channel_reaches_the_person_by_dm(
    container: Container, slack: SlackDriver, fake_slack: FakeSlackApi
) -> None:
    fake_slack.error("chat.postEphemeral", "not_in_channel")

    @container.bolt.command("/boom")
    def boom(ack: Ack) -> None:
        ack()
        raise UserFacingError("That account does not exist.")

    slack.command("/boom", channel_id="C9", user_id="U7")

    dm = fake_slack.wait_for("chat.postMessage")[0]
    assert (dm.params["channel"], dm.params["text"]) == ("U7", "That account does not exist.")


def test_an_error_in_a_slack_connect_channel_is_never_posted_in_the_channel(
    container: Container, slack: SlackDriver, fake_slack: FakeSlackApi
) -> None:
    fake_slack.add_channel("CEXT", is_ext_shared=True)

    @container.bolt.command("/boom")
    def boom(ack: Ack) -> None:
        ack()
        raise UserFacingError("That account does not exist.")

    slack.command("/boom", channel_id="CEXT", user_id="U7")

    dm = fake_slack.wait_for("chat.postMessage")[0]
    assert dm.params["channel"] == "U7"
    assert fake_slack.attempts_to("chat.postEphemeral") == []


def test_unexpected_error_before_ack_becomes_a_polite_private_answer(
    container: Container, slack: SlackDriver
) -> None:
    @container.bolt.command("/crash")
    def crash(ack: Ack) -> None:
        raise RuntimeError("xoxb-should-never-be-shown")

    response = slack.command("/crash")

    assert response.status_code == 200
    answer = body_json(response)
    assert answer["response_type"] == "ephemeral"
    assert "nothing was saved" in answer["text"]
    assert "xoxb" not in response.get_data(as_text=True)
    assert 'opsbot_errors_total{error="RuntimeError",where="command"} 1.0' in (
        container.metrics.render().decode()
    )


def test_healthz_reports_a_working_database(slack: SlackDriver) -> None:
    response = slack.http.get("/healthz")

    assert response.status_code == 200
    assert body_json(response) == {"status": "ok", "database": "up", "slack": "unchecked"}


@pytest.mark.skipif(BACKEND != "sqlite", reason="moves the SQLite file away to take the db down")
def test_database_outage_is_reported_answered_politely_and_recovered_from(
    settings: Settings, clock: FakeClock, slack_requests: SlackRequests, tmp_path: Path
) -> None:
    database_dir = tmp_path / "db"
    database_dir.mkdir()
    shutil.move(settings.database_url.removeprefix("sqlite:///"), database_dir / "opsbot.db")
    container = build_container(
        settings.model_copy(update={"database_url": f"sqlite:///{database_dir}/opsbot.db"}),
        clock=clock,
    )
    slack = SlackDriver(container.web, slack_requests)
    assert slack.http.get("/healthz").status_code == 200

    shutil.move(database_dir, tmp_path / "away")
    container.engine.dispose()
    down_health = slack.http.get("/healthz")
    down_command = slack.command("/ops", "help")

    shutil.move(tmp_path / "away", database_dir)
    up_health = slack.http.get("/healthz")
    up_command = slack.command("/ops", "help")
    container.close()

    assert down_health.status_code == 503
    assert body_json(down_health)["database"] == "down"
    assert down_command.status_code == 200
    assert body_json(down_command)["text"] == DATABASE_DOWN
    assert up_health.status_code == 200
    assert "opsbot runs" in up_command.get_data(as_text=True)


def test_metrics_count_requests_ack_latency_and_slack_api_calls(
    slack: SlackDriver, fake_slack: FakeSlackApi
) -> None:
    fake_slack.rate_limit("views.publish", retry_after=3)
    slack.command("/ops", "help")
    slack.event(HOME_OPENED)
    fake_slack.wait_for("views.publish", include_failed=True)
    slack.event(HOME_OPENED)
    fake_slack.wait_for("views.publish")

    ok_publish = 'opsbot_slack_api_calls_total{method="views.publish",outcome="ok"} 1.0'
    metrics = eventually(
        lambda: slack.http.get("/metrics").get_data(as_text=True), lambda m: ok_publish in m
    )

    assert 'opsbot_slack_requests_total{kind="command",outcome="ok"} 1.0' in metrics
    assert 'opsbot_slack_requests_total{kind="event",outcome="ok"} 2.0' in metrics
    assert 'opsbot_ack_seconds_count{kind="command"} 1.0' in metrics
    assert 'opsbot_slack_api_ratelimited_total{method="views.publish"} 1.0' in metrics
    assert 'opsbot_slack_api_calls_total{method="views.publish",outcome="ok"} 1.0' in metrics


def test_rejected_requests_are_counted(slack: SlackDriver) -> None:
    slack.http.post("/slack/events", data=b"x")

    metrics = slack.http.get("/metrics").get_data(as_text=True)

    assert 'opsbot_slack_requests_total{kind="unknown",outcome="rejected"} 1.0' in metrics


def test_production_server_serves_slack_health_and_metrics_over_http(
    container: Container, slack_requests: SlackRequests
) -> None:
    server = make_server(container.web, host="127.0.0.1", port=0, threads=4)
    import threading

    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.effective_port}"
    try:
        signed = slack_requests.command("/ops", "help")
        command = httpx.post(base + "/slack/events", content=signed.body, headers=signed.headers)
        health = httpx.get(base + "/healthz")
        metrics = httpx.get(base + "/metrics")
    finally:
        server.close()
        thread.join(timeout=5)

    assert command.status_code == 200
    assert "opsbot runs" in command.text
    assert health.json() == {"status": "ok", "database": "up", "slack": "unchecked"}
    assert "opsbot_ack_seconds_bucket" in metrics.text


def test_scheduler_housekeeping_prunes_event_ids_past_slacks_retry_window(
    slack: SlackDriver, container: Container, clock: FakeClock
) -> None:
    slack.event(HOME_OPENED, event_id="Ev0STALE")
    clock.advance(days=3)
    slack.event(HOME_OPENED, event_id="Ev0FRESH")
    container.events.flush()

    container.build_scheduler().housekeep(clock())

    with container.sessions() as session:
        left = session.scalars(select(ProcessedEvent.event_id)).all()
    assert left == ["Ev0FRESH"]
