"""Multi-workspace install by OAuth: install, serve each workspace with its own (encrypted)
token, and forget a workspace on `app_uninstalled` / `tokens_revoked`."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from bot.config import Settings, load_settings
from bot.slack.client import acting_for
from bot.wiring import Container, build_container
from tests.conftest import SIGNING_SECRET
from tests.support.clock import FakeClock
from tests.support.driver import SlackDriver
from tests.support.fake_slack import FakeSlackApi
from tests.support.slack_requests import SlackRequests
from tests.support.waiting import eventually

TEAM = "T0OAUTH"
TOKEN = "xoxb-oauth-team-token-123"


@pytest.fixture
def oauth_settings(database_url: str, fake_slack: FakeSlackApi) -> Settings:
    return load_settings(
        _env_file=None,
        slack_client_id="1111.2222",
        slack_client_secret="client-secret",
        encryption_key=Fernet.generate_key().decode(),
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.api_url,
        database_url=database_url,
        listener_threads=8,
    )


@pytest.fixture
def oauth_app(oauth_settings: Settings, clock: FakeClock) -> Iterator[Container]:
    built = build_container(oauth_settings, clock=clock)
    yield built
    built.close()


def _install(container: Container, fake_slack: FakeSlackApi) -> None:
    web = container.web.test_client()
    page = web.get("/slack/install")
    assert page.status_code == 200
    state = re.search(r"state=([\w-]+)", page.get_data(as_text=True))
    assert state is not None
    fake_slack.grant_install("code-1", team_id=TEAM, bot_token=TOKEN)

    done = web.get(f"/slack/oauth_redirect?code=code-1&state={state.group(1)}")

    assert done.status_code == 200, done.get_data(as_text=True)


def test_a_workspace_installs_and_its_token_is_stored_encrypted(
    oauth_app: Container, fake_slack: FakeSlackApi
) -> None:
    _install(oauth_app, fake_slack)

    with oauth_app.engine.connect() as connection:
        raw = connection.execute(text("SELECT * FROM slack_installations")).all()
    assert [row.team_id for row in raw] == [TEAM]
    assert TOKEN not in str(raw)
    assert [c.method for c in fake_slack.calls_to("oauth.v2.access")] == ["oauth.v2.access"]


def test_an_installed_workspace_is_served_with_its_own_token(
    oauth_app: Container, fake_slack: FakeSlackApi
) -> None:
    _install(oauth_app, fake_slack)
    requests = SlackRequests(SIGNING_SECRET, response_url=fake_slack.response_url(), team_id=TEAM)
    slack = SlackDriver(oauth_app.web, requests)

    answered = slack.command("/feedback", "")

    assert answered.status_code == 200
    (opened,) = fake_slack.wait_for("views.open")
    assert opened.token == TOKEN


def test_a_job_acting_for_a_workspace_uses_that_workspaces_token(
    oauth_app: Container, fake_slack: FakeSlackApi
) -> None:
    _install(oauth_app, fake_slack)

    with acting_for(TEAM):
        oauth_app.client.chat_postMessage(channel="C1", text="hello")

    (posted,) = fake_slack.calls_to("chat.postMessage")
    assert posted.token == TOKEN


def test_a_workspace_that_never_installed_is_not_served(
    oauth_app: Container, fake_slack: FakeSlackApi
) -> None:
    requests = SlackRequests(SIGNING_SECRET, response_url=fake_slack.response_url(), team_id="TX")

    SlackDriver(oauth_app.web, requests).command("/feedback", "")

    assert fake_slack.calls_to("views.open") == []


def test_uninstalling_removes_the_workspaces_token(
    oauth_app: Container, fake_slack: FakeSlackApi
) -> None:
    _install(oauth_app, fake_slack)
    requests = SlackRequests(SIGNING_SECRET, response_url=fake_slack.response_url(), team_id=TEAM)

    SlackDriver(oauth_app.web, requests).event({"type": "app_uninstalled"}, event_id="EvUNINST")

    def installed() -> int:
        with oauth_app.engine.connect() as connection:
            return len(connection.execute(text("SELECT team_id FROM slack_installations")).all())

    assert eventually(installed, lambda count: count == 0) == 0


def test_scheduled_posts_for_an_installed_workspace_go_out_with_its_token(
    oauth_app: Container, fake_slack: FakeSlackApi, clock: FakeClock
) -> None:
    _install(oauth_app, fake_slack)
    oauth_app.services.workspaces.ensure_workspace(team_id=TEAM, now=clock())

    oauth_app.dispatcher.run_now(
        team_id=TEAM, ritual="feedback-digest", channel_ids=["CDIGEST"], now=clock()
    )
    assert oauth_app.sender.drain(timeout=10)

    (posted,) = fake_slack.calls_to("chat.postMessage")
    assert (posted.channel, posted.token) == ("CDIGEST", TOKEN)


def test_the_interactive_and_patient_clients_keep_acting_for_each_workspace(
    oauth_app: Container, fake_slack: FakeSlackApi
) -> None:
    _install(oauth_app, fake_slack)

    with acting_for(TEAM):
        oauth_app.client.with_timeout(3).chat_postMessage(channel="C1", text="interactive")
        oauth_app.client.patient(max_retries=2).chat_postMessage(channel="C1", text="patient")

    posted = fake_slack.calls_to("chat.postMessage")
    assert [(call.params["text"], call.token) for call in posted] == [
        ("interactive", TOKEN),
        ("patient", TOKEN),
    ]
