"""Every number of `/ops stats` against a hand-computed workspace (tests/support/stats_fixture.py),
on SQLite and Postgres: SQL aggregations, trends and what an empty workspace is told."""

from __future__ import annotations

import pytest

from bot.stats.domain import StatsPeriod
from bot.wiring import Container
from tests.support.fake_slack import TEAM_ID
from tests.support.stats_fixture import DAY, EXPECTED, NOISE_TEAM, NOW, at, seed


@pytest.fixture
def seeded(container: Container) -> Container:
    seed(container.sessions)
    return container


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_each_stat_matches_the_hand_computed_value_and_its_previous_period(
    seeded: Container, key: str
) -> None:
    report = seeded.stats.report(team_id=TEAM_ID, period=StatsPeriod.WEEK, now=NOW)

    metric = report.metric(key)

    assert (metric.value, metric.previous) == pytest.approx(EXPECTED[key])


def test_the_report_has_every_metric_and_nothing_it_cannot_measure(seeded: Container) -> None:
    report = seeded.stats.report(team_id=TEAM_ID, period=StatsPeriod.WEEK, now=NOW)

    assert {metric.key for metric in report.metrics} == set(EXPECTED)
    assert report.has_data
    assert report.not_available == ()


def test_readings_say_which_way_each_number_moved(seeded: Container) -> None:
    report = seeded.stats.report(team_id=TEAM_ID, period=StatsPeriod.WEEK, now=NOW)

    readings = {key: report.metric(key).reading() for key in EXPECTED}

    assert readings["insight.review_median"] == "slower than the previous period"
    assert readings["support.carried_over"] == "worse than the previous period"
    assert readings["roadmap.share"] == "better than the previous period"
    assert readings["adherence.runs"] == "about the same as the previous period"
    assert readings["insight.planned_median"] == "no data for the previous period to compare with"
    assert readings["satisfaction.support"].startswith("fewer than 5 answers")


def test_another_workspace_sees_only_its_own_numbers(seeded: Container) -> None:
    report = seeded.stats.report(team_id=NOISE_TEAM, period=StatsPeriod.WEEK, now=NOW)

    assert report.metric("reach.feedback_in").value == 1
    assert report.metric("support.per_week").value == 1.0
    assert report.metric("insight.review_median").value == 3600.0
    assert report.metric("sessions.held").value is None
    assert report.metric("satisfaction.response_rate").value is None


def test_a_workspace_with_no_data_gets_an_explanation_not_zeros(container: Container) -> None:
    report = container.stats.report(team_id="T0EMPTY", period=StatsPeriod.MONTH, now=NOW)

    assert not report.has_data
    assert report.metrics == ()


def test_the_weekly_series_of_the_charts_match_the_hand_computed_weeks(seeded: Container) -> None:
    series = seeded.stats.weekly_series(team_id=TEAM_ID, now=NOW, weeks=13)

    assert [series.weeks[-1].start, series.weeks[-2].start] == [at(9), at(2)]
    assert series.feedback_in[-2:] == [3, 5]
    assert series.review_median[-2:] == [97200.0, 1.5 * DAY]
    assert series.tickets_in[-2:] == [2, 3]
    assert series.triage_median[-2:] == [DAY, 3 * DAY]
    assert series.calls_joined is not None
    assert series.calls_joined[-2:] == [1, 4]
    assert sum(series.calls_joined) == 5
    assert series.calls_target_per_week == pytest.approx(2 * 3 * 7 / 30)
    assert series.feedback_in[:-3] == [0] * 10
