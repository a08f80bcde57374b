"""The ops report through the scheduler, the outbox and the real Slack upload flow: numbers in
the message, PNG charts in its thread, uploaded once whatever repeats or fails."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from PIL import Image
from sqlalchemy import select

from bot.outbox.sender import OutboxSender
from bot.rituals.reporting.models import ReportUpload
from bot.scheduling.domain import ScheduleRule
from bot.scheduling.registry import after_delivery_hook
from bot.wiring import Container
from tests.support.clock import FakeClock
from tests.support.driver import SlackDriver, all_text
from tests.support.fake_slack import TEAM_ID, FakeSlackApi
from tests.support.stats_fixture import seed

CHANNEL = "CREPORT"
RITUAL = "ops-report"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHARTS = 3  # feedback, support, and buddy calls (the buddy ritual is installed)


def _deliver(container: Container, clock: FakeClock) -> None:
    sender = OutboxSender(
        sessions=container.sessions,
        client=container.client,
        metrics=container.metrics,
        clock=clock,
        on_delivered=after_delivery_hook(container.registry, clock),
        interval=0.01,
        backoff_base=0.05,
    )
    assert sender.drain(timeout=30)


def _run(container: Container, clock: FakeClock, period: str = "2026-11") -> None:
    container.dispatcher.run_ritual(
        team_id=TEAM_ID, ritual=RITUAL, period=period, channel_ids=[CHANNEL], now=clock()
    )
    _deliver(container, clock)


def _reports(fake_slack: FakeSlackApi) -> list[dict[str, object]]:
    return [c.params for c in fake_slack.calls_to("chat.postMessage") if c.channel == CHANNEL]


def _upload_row(container: Container) -> ReportUpload:
    with container.sessions() as session:
        return session.scalars(select(ReportUpload)).one()


def test_the_report_posts_the_numbers_and_uploads_real_png_charts_into_its_thread(
    container: Container, clock: FakeClock, fake_slack: FakeSlackApi
) -> None:
    seed(container.sessions)

    _run(container, clock)

    [report] = _reports(fake_slack)
    text = all_text(report["blocks"])  # type: ignore[arg-type]
    assert "Ops report: last 30 days" in text
    assert "*Time to triage, median*: 2.0 d (4 tickets decided)" in text
    shared = fake_slack.shared_files()
    assert [f.filename for f in shared] == [
        "feedback-and-time-to-insight.png",
        "tickets-and-time-to-triage.png",
        "buddy-calls-against-target.png",
    ]
    assert {(f.channel_id, f.thread_ts) for f in shared} == {(CHANNEL, _ts_of(fake_slack))}
    for uploaded in shared:
        assert uploaded.content is not None
        assert uploaded.content.startswith(PNG_SIGNATURE)
        assert len(uploaded.content) == uploaded.length
        image = Image.open(io.BytesIO(uploaded.content))
        assert (image.format, image.size) == ("PNG", (800, 360))
    row = _upload_row(container)
    assert row.uploaded_at == clock()
    assert row.file_ids == [f.file_id for f in shared]


def _ts_of(fake_slack: FakeSlackApi) -> str:
    [message] = [m for (channel, _), m in fake_slack.messages.items() if channel == CHANNEL]
    return str(message["ts"])


def test_a_repeated_run_or_delivery_hook_posts_and_uploads_nothing_twice(
    container: Container, clock: FakeClock, fake_slack: FakeSlackApi
) -> None:
    seed(container.sessions)
    _run(container, clock)

    _run(container, clock)
    container.registry.get(RITUAL).after_delivery(  # type: ignore[attr-defined]
        team_id=TEAM_ID,
        channel_id=CHANNEL,
        period="2026-11",
        sent={"report": _ts_of(fake_slack)},
        now=clock(),
    )
    container.housekeeping(clock())

    assert len(_reports(fake_slack)) == 1
    assert len(fake_slack.shared_files()) == CHARTS
    assert len(fake_slack.calls_to("files.completeUploadExternal")) == 1


def test_a_failed_upload_is_retried_by_housekeeping_once_the_report_was_sent(
    container: Container, clock: FakeClock, fake_slack: FakeSlackApi
) -> None:
    seed(container.sessions)
    fake_slack.error("files.completeUploadExternal", "internal_error", times=1)

    _run(container, clock)

    assert len(_reports(fake_slack)) == 1
    assert fake_slack.shared_files() == []
    assert _upload_row(container).uploaded_at is None

    container.housekeeping(clock.advance(minutes=10))
    container.housekeeping(clock.advance(minutes=10))

    shared = fake_slack.shared_files()
    assert len(shared) == CHARTS
    assert {f.thread_ts for f in shared} == {_ts_of(fake_slack)}
    assert _upload_row(container).uploaded_at is not None


def test_a_monthly_schedule_runs_the_report_under_its_month_through_the_scheduler(
    container: Container, clock: FakeClock, fake_slack: FakeSlackApi
) -> None:
    seed(container.sessions)
    saved = container.schedules.save(
        team_id=TEAM_ID,
        ritual=RITUAL,
        channel_ids=[CHANNEL],
        rule=ScheduleRule.monthly(1, "09:00"),
        time_zone="UTC",
        now=clock(),
    )
    clock.now = datetime(2026, 12, 1, 9, 0, 30, tzinfo=UTC)

    result = container.dispatcher.run_scheduled(team_id=TEAM_ID, schedule_id=saved.id, now=clock())
    _deliver(container, clock)

    assert result is not None
    assert result.period == "2026-12"
    assert len(_reports(fake_slack)) == 1
    assert len(fake_slack.shared_files()) == CHARTS


def test_the_report_of_an_empty_workspace_explains_and_still_uploads_empty_charts(
    container: Container, clock: FakeClock, fake_slack: FakeSlackApi
) -> None:
    _run(container, clock)

    [report] = _reports(fake_slack)
    text = all_text(report["blocks"])  # type: ignore[arg-type]
    assert "nothing to measure yet" in text
    assert ": 0" not in text
    assert all(f.content and f.content.startswith(PNG_SIGNATURE) for f in fake_slack.shared_files())


def test_ops_run_posts_the_report_now_to_the_channel_an_admin_names(
    container: Container, clock: FakeClock, fake_slack: FakeSlackApi, slack: SlackDriver
) -> None:
    fake_slack.add_user("U1", name="Ada", is_admin=True)
    seed(container.sessions)

    slack.command("/ops", f"run {RITUAL} <#{CHANNEL}|reports>")
    _, answer = fake_slack.wait_for_response()[0]
    _deliver(container, clock)

    assert f"`{RITUAL}` is running now: 1 post(s)" in answer["text"]
    assert len(_reports(fake_slack)) == 1
    assert len(fake_slack.shared_files()) == CHARTS


def test_both_reporting_rituals_are_listed_wherever_ritual_names_are(container: Container) -> None:
    names = {"ops-report", "pulse-survey"}

    assert names <= set(container.schedules.ritual_names)
    assert names <= set(container.registry.names())
