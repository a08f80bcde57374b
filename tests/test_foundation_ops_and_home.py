"""The first surfaces a new user meets: `/ops help` and the App Home tab."""

from __future__ import annotations

from slack_sdk.models.views import View
from sqlalchemy import select

from bot.wiring import Container
from bot.workspace.models import Person, Workspace
from tests.support.driver import SlackDriver, all_text, body_json
from tests.support.fake_slack import TEAM_ID, FakeSlackApi


def test_ops_help_answers_privately_with_every_ritual(slack: SlackDriver) -> None:
    response = slack.command("/ops", "help")

    assert response.status_code == 200
    answer = body_json(response)
    text = all_text(answer["blocks"])
    assert answer.get("response_type", "ephemeral") == "ephemeral"
    for expected in ("/feedback", "/triage", "/ops settings"):
        assert expected in text


def test_ops_without_subcommand_shows_help(slack: SlackDriver) -> None:
    answer = body_json(slack.command("/ops", ""))

    assert "opsbot runs your product-ops rituals" in all_text(answer["blocks"])


def test_ops_with_unknown_subcommand_says_so_and_shows_help(slack: SlackDriver) -> None:
    answer = body_json(slack.command("/ops", "frobnicate now"))

    text = all_text(answer["blocks"])
    assert "I don't know `/ops frobnicate`" in text
    assert "/feedback" in text


def test_first_request_from_a_workspace_creates_its_row(
    slack: SlackDriver, container: Container
) -> None:
    slack.command("/ops", "help")

    with container.sessions() as session:
        workspace = session.get(Workspace, TEAM_ID)
    assert workspace is not None
    assert workspace.time_zone == "UTC"


def test_opening_app_home_publishes_the_home_view_and_remembers_the_person(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container
) -> None:
    fake_slack.add_user("U1", name="Ada", tz="Europe/Berlin")

    response = slack.event({"type": "app_home_opened", "user": "U1", "tab": "home"})

    assert response.status_code == 200
    published = fake_slack.wait_for("views.publish")[0]
    assert published.params["user_id"] == "U1"
    view = published.params["view"]
    assert view["type"] == "home"
    assert "Hi Ada!" in all_text(view["blocks"])
    assert "/ops settings" not in all_text(view["blocks"])
    View(**view).validate_json()
    with container.sessions() as session:
        person = session.scalars(select(Person).where(Person.user_id == "U1")).one()
    assert (person.team_id, person.time_zone, person.is_admin) == (TEAM_ID, "Europe/Berlin", False)


def test_admins_see_the_settings_hint_on_their_home(
    slack: SlackDriver, fake_slack: FakeSlackApi
) -> None:
    fake_slack.add_user("UADMIN", name="Grace", is_admin=True)

    slack.event({"type": "app_home_opened", "user": "UADMIN", "tab": "home"})

    view = fake_slack.wait_for("views.publish")[0].params["view"]
    assert "/ops settings" in all_text(view["blocks"])


def test_messages_tab_opening_publishes_nothing(
    slack: SlackDriver, fake_slack: FakeSlackApi
) -> None:
    slack.event({"type": "app_home_opened", "user": "U1", "tab": "messages"})
    slack.event({"type": "app_home_opened", "user": "U1", "tab": "home"})

    assert len(fake_slack.wait_for("views.publish")) == 1
    assert len(fake_slack.calls_to("views.publish")) == 1
