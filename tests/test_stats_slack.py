"""`/ops stats` through the real Bolt app: acked at once, answered privately via response_url
with every number, its trend and a reading; an unknown period gets help."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import select

from bot.home.models import HomeVisit
from bot.stats.domain import StatsPeriod, StatsReport
from bot.wiring import Container
from tests.support.clock import FakeClock
from tests.support.driver import SlackDriver, all_text
from tests.support.fake_slack import TEAM_ID, FakeSlackApi
from tests.support.stats_fixture import seed


def test_ops_stats_acks_at_once_then_answers_privately_with_every_number_and_trend(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container
) -> None:
    seed(container.sessions)

    response = slack.command("/ops", "stats 7d")

    assert response.status_code == 200
    assert response.get_data(as_text=True) == ""
    _, answer = fake_slack.wait_for_response()[0]
    assert answer["response_type"] == "ephemeral"
    text = all_text(answer["blocks"])
    assert "Product ops stats: last 7 days" in text
    assert "Capture → reviewed, median*: 36.0 h (4 items reviewed) ▲ 9.0 h vs 27.0 h" in text
    assert "slower than the previous period" in text
    assert "*Captured items now planned or shipped*: 50% (2 of 4) ▲ 17 pts vs 33%" in text
    assert "*Tickets in*: 3.0 a week (3 tickets) ▲ 1.0 vs 2.0 a week" in text
    assert "*Tickets past the SLA undecided*: 1 = vs 1 — _about the same" in text
    assert "*Insights are relevant and arrive in time*: 4.2 / 5" in text
    assert "fewer than 5 answers" in text
    assert fake_slack.calls_to("chat.postMessage") == []


def test_ops_stats_without_a_period_covers_the_last_30_days(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container
) -> None:
    seed(container.sessions)

    slack.command("/ops", "stats")

    _, answer = fake_slack.wait_for_response()[0]
    assert "Product ops stats: last 30 days" in all_text(answer["blocks"])


def test_ops_stats_with_an_unknown_period_answers_with_help(
    slack: SlackDriver, fake_slack: FakeSlackApi
) -> None:
    response = slack.command("/ops", "stats fortnight")

    assert response.status_code == 200
    _, answer = fake_slack.wait_for_response()[0]
    text = all_text(answer["blocks"])
    assert "`fortnight` is not a period I know" in text
    assert "`/ops stats quarter`" in text


def test_ops_stats_in_an_empty_workspace_explains_instead_of_showing_zeros(
    slack: SlackDriver, fake_slack: FakeSlackApi
) -> None:
    slack.command("/ops", "stats 30d")

    _, answer = fake_slack.wait_for_response()[0]
    text = all_text(answer["blocks"])
    assert "nothing to measure yet" in text
    assert ": 0" not in text


def test_ops_help_lists_stats(slack: SlackDriver) -> None:
    response = slack.command("/ops", "help")

    assert "`/ops stats [7d|30d|quarter]`" in response.get_data(as_text=True)


def test_opening_the_app_home_counts_each_person_once_a_day_as_a_visitor(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container, clock: FakeClock
) -> None:
    # one at a time: two first visits of one person at once race in remember_person (people)
    for count, user in enumerate(("U1", "U1", "U2"), start=1):
        slack.event({"type": "app_home_opened", "user": user, "tab": "home"})
        fake_slack.wait_for("views.publish", count)
    clock.advance(days=1)

    report = container.stats.report(team_id=TEAM_ID, period=StatsPeriod.WEEK, now=clock())

    with container.sessions() as session:
        visits = session.scalars(select(HomeVisit.user_id).order_by(HomeVisit.user_id)).all()
    assert visits == ["U1", "U2"]
    assert report.metric("reach.home").value == 2


def test_ops_stats_acks_before_the_numbers_are_computed(
    slack: SlackDriver,
    fake_slack: FakeSlackApi,
    container: Container,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    release = threading.Event()
    computing = container.stats.report

    def slow_report(**kwargs: Any) -> StatsReport:
        assert release.wait(10)
        return computing(**kwargs)

    monkeypatch.setattr(container.stats, "report", slow_report)

    response = slack.command("/ops", "stats 7d")

    assert response.status_code == 200
    assert fake_slack.responses == []
    release.set()
    _, answer = fake_slack.wait_for_response()[0]
    assert "nothing to measure yet" in all_text(answer["blocks"])
