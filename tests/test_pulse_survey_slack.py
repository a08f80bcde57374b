"""The pulse survey through the outbox and the real Bolt app: one DM per person, one answer per
person and survey (a second click updates it), a closed survey refuses clearly, and the stats
show counts and the response rate but no average below 5 answers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.outbox.sender import OutboxSender
from bot.rituals.feedback.domain import FeedbackDraft
from bot.rituals.reporting.ids import ReportingIds
from bot.rituals.reporting.models import PulseAnswer, PulseSurvey
from bot.scheduling.registry import after_delivery_hook
from bot.stats.domain import StatsPeriod
from bot.wiring import Container
from bot.workspace.models import Person
from tests.support.clock import FakeClock
from tests.support.driver import SlackDriver, all_text
from tests.support.fake_slack import TEAM_ID, FakeSlackApi
from tests.support.slack_requests import SlackRequests

RITUAL = "pulse-survey"
PERIOD = "2026-10-01"
PMS = ("U10", "U11")


def _people(container: Container, clock: FakeClock) -> None:
    container.services.workspaces.ensure_workspace(team_id=TEAM_ID, now=clock())
    with container.sessions.begin() as session:
        session.add(Person(team_id=TEAM_ID, user_id="U10", role="pm", updated_at=clock()))
        session.add(Person(team_id=TEAM_ID, user_id="U11", role="pm", updated_at=clock()))
        session.add(Person(team_id=TEAM_ID, user_id="U12", role="other", updated_at=clock()))
    container.services.feedback.capture(
        team_id=TEAM_ID,
        draft=FeedbackDraft(text="Export to CSV is slow"),
        submitted_by="U1",
        now=clock() - timedelta(days=3),
    )


def _send_survey(container: Container, clock: FakeClock) -> None:
    container.dispatcher.run_ritual(team_id=TEAM_ID, ritual=RITUAL, period=PERIOD, now=clock())
    sender = OutboxSender(
        sessions=container.sessions,
        client=container.client,
        metrics=container.metrics,
        clock=clock,
        on_delivered=after_delivery_hook(container.registry, clock),
        interval=0.01,
    )
    assert sender.drain(timeout=30)


def _survey_id(container: Container) -> int:
    with container.sessions() as session:
        return int(session.scalars(select(PulseSurvey.id)).one())


def _answers(container: Container) -> list[PulseAnswer]:
    with container.sessions() as session:
        return list(session.scalars(select(PulseAnswer).order_by(PulseAnswer.user_id)))


def _click(
    slack: SlackDriver,
    slack_requests: SlackRequests,
    question: ReportingIds,
    survey_id: int,
    rating: int,
    *,
    user_id: str = "U10",
) -> None:
    request = slack_requests.block_action(
        f"{question.value}-{rating}",
        f"{survey_id}:{rating}",
        user_id=user_id,
        channel_id=f"D{user_id}",
    )
    assert slack.send(request).status_code == 200


def _last_reply(fake_slack: FakeSlackApi, count: int) -> dict[str, Any]:
    return fake_slack.wait_for_response(count)[count - 1][1]


def test_the_survey_is_one_dm_per_participant_and_never_sent_twice(
    container: Container, clock: FakeClock, fake_slack: FakeSlackApi
) -> None:
    _people(container, clock)

    _send_survey(container, clock)
    _send_survey(container, clock)

    posts = fake_slack.calls_to("chat.postMessage")
    assert sorted(c.channel or "" for c in posts) == ["U1", "U10", "U11"]
    text = all_text(posts[0].params["blocks"])
    assert "Insights are relevant and arrive in time" in text
    assert "Operational support helps me" in text
    assert "never who said what" in text


def test_two_clicks_store_one_answer_and_the_second_rating_replaces_the_first(
    container: Container,
    clock: FakeClock,
    fake_slack: FakeSlackApi,
    slack: SlackDriver,
    slack_requests: SlackRequests,
) -> None:
    _people(container, clock)
    _send_survey(container, clock)
    survey_id = _survey_id(container)

    _click(slack, slack_requests, ReportingIds.RELEVANCE, survey_id, 4)
    first = _last_reply(fake_slack, 1)
    _click(slack, slack_requests, ReportingIds.RELEVANCE, survey_id, 4)
    second = _last_reply(fake_slack, 2)
    _click(slack, slack_requests, ReportingIds.RELEVANCE, survey_id, 2)
    third = _last_reply(fake_slack, 3)
    _click(slack, slack_requests, ReportingIds.SUPPORT, survey_id, 5)
    _last_reply(fake_slack, 4)

    assert first["response_type"] == "ephemeral"
    assert "Recorded *Insights are relevant and arrive in time*: 4/5" in first["text"]
    assert "Already recorded" in second["text"]
    assert "Changed your answer" in third["text"]
    [answer] = _answers(container)
    assert (answer.user_id, answer.relevance, answer.support) == ("U10", 2, 5)


def test_an_answer_after_the_survey_closed_is_refused_clearly(
    container: Container,
    clock: FakeClock,
    fake_slack: FakeSlackApi,
    slack: SlackDriver,
    slack_requests: SlackRequests,
) -> None:
    _people(container, clock)
    _send_survey(container, clock)
    survey_id = _survey_id(container)
    clock.advance(days=15)

    _click(slack, slack_requests, ReportingIds.RELEVANCE, survey_id, 5)

    reply = _last_reply(fake_slack, 1)
    assert "This pulse survey closed on Nov 30, 2026" in reply["text"]
    assert "no longer taken" in reply["text"]
    assert _answers(container) == []


def test_someone_the_survey_was_not_sent_to_cannot_answer(
    container: Container,
    clock: FakeClock,
    fake_slack: FakeSlackApi,
    slack: SlackDriver,
    slack_requests: SlackRequests,
) -> None:
    _people(container, clock)
    _send_survey(container, clock)

    _click(slack, slack_requests, ReportingIds.SUPPORT, _survey_id(container), 3, user_id="U12")

    assert "was not sent to you" in _last_reply(fake_slack, 1)["text"]
    assert _answers(container) == []


def test_a_forged_rating_outside_one_to_five_is_refused(
    container: Container,
    clock: FakeClock,
    fake_slack: FakeSlackApi,
    slack: SlackDriver,
    slack_requests: SlackRequests,
) -> None:
    _people(container, clock)
    _send_survey(container, clock)

    _click(slack, slack_requests, ReportingIds.SUPPORT, _survey_id(container), 9)

    assert "from 1 to 5" in _last_reply(fake_slack, 1)["text"]
    assert _answers(container) == []


def test_the_optional_comment_is_stored_with_the_answer_and_refused_once_closed(
    container: Container,
    clock: FakeClock,
    fake_slack: FakeSlackApi,
    slack: SlackDriver,
    slack_requests: SlackRequests,
) -> None:
    _people(container, clock)
    _send_survey(container, clock)
    survey_id = _survey_id(container)

    slack.send(
        slack_requests.block_action(
            ReportingIds.COMMENT_BUTTON.value, str(survey_id), user_id="U11", channel_id="DU11"
        )
    )
    opened = fake_slack.wait_for("views.open")[0].params["view"]
    field = ReportingIds.COMMENT_INPUT.value
    values = {field: {field: {"type": "plain_text_input", "value": "  More digests please  "}}}
    submit = slack_requests.view_submission(
        ReportingIds.COMMENT_MODAL.value,
        values,
        user_id="U11",
        private_metadata=opened["private_metadata"],
    )
    assert slack.send(submit).status_code == 200
    clock.advance(days=15)
    late = slack.send(
        slack_requests.view_submission(
            ReportingIds.COMMENT_MODAL.value,
            {field: {field: {"type": "plain_text_input", "value": "late"}}},
            user_id="U11",
            private_metadata=opened["private_metadata"],
        )
    )

    [answer] = _answers(container)
    assert (answer.user_id, answer.comment, answer.relevance) == (
        "U11",
        "More digests please",
        None,
    )
    errors = late.get_json()
    assert errors["response_action"] == "errors"
    assert "closed on" in errors["errors"][field]


def test_the_stats_count_answers_and_response_rate_but_show_no_average_below_five(
    container: Container,
    clock: FakeClock,
    fake_slack: FakeSlackApi,
    slack: SlackDriver,
    slack_requests: SlackRequests,
) -> None:
    _people(container, clock)
    _send_survey(container, clock)
    survey_id = _survey_id(container)
    clock.advance(hours=2)
    _click(slack, slack_requests, ReportingIds.RELEVANCE, survey_id, 5, user_id="U10")
    _click(slack, slack_requests, ReportingIds.RELEVANCE, survey_id, 3, user_id="U11")
    fake_slack.wait_for_response(2)

    report = container.stats.report(team_id=TEAM_ID, period=StatsPeriod.MONTH, now=clock())

    rate = report.metric("satisfaction.response_rate")
    assert (rate.value, rate.detail) == (2 / 3, "2 answers of 3 asked")
    relevance = report.metric("satisfaction.relevance")
    assert relevance.value is None
    assert relevance.reading().startswith("fewer than 5 answers")
