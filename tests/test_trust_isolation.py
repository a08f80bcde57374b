"""Workspace isolation: two workspaces served by one opsbot (multi-workspace install) never see
or change each other's data, whatever ids or secrets the other one sends; and a single-token
install serves only its own workspace."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from cryptography.fernet import Fernet

from bot.config import Settings, load_settings
from bot.errors import UserFacingError
from bot.rituals.feedback.domain import FeedbackDraft
from bot.rituals.feedback.forms import ItemModalMetadata
from bot.rituals.feedback.ids import FeedbackIds
from bot.rituals.feedback.jobs import FeedbackDigestRunner
from bot.rituals.triage.domain import Helpdesk, HelpdeskTicket, Severity
from bot.rituals.triage.webhook import signed_headers
from bot.wiring import Container, build_container
from tests.conftest import SIGNING_SECRET
from tests.support.clock import FakeClock
from tests.support.driver import SlackDriver, body_json
from tests.support.fake_slack import FakeSlackApi
from tests.support.oauth import install
from tests.support.people import reviewer
from tests.support.slack_requests import SlackRequests

ALPHA, BETA = "TALPHA", "TBETA"
SECRET_TEXT = "Alpha needs SAML single sign-on"


@pytest.fixture
def two_workspaces(
    database_url: str, fake_slack: FakeSlackApi, clock: FakeClock
) -> Iterator[Container]:
    settings: Settings = load_settings(
        _env_file=None,
        slack_client_id="1111.2222",
        slack_client_secret="client-secret",
        encryption_key=Fernet.generate_key().decode(),
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.api_url,
        database_url=database_url,
        listener_threads=8,
    )
    container = build_container(settings, clock=clock)
    install(container, fake_slack, team_id=ALPHA, token="xoxb-alpha")
    install(container, fake_slack, team_id=BETA, token="xoxb-beta")
    yield container
    container.close()


def _driver(container: Container, fake_slack: FakeSlackApi, team_id: str) -> SlackDriver:
    requests = SlackRequests(
        SIGNING_SECRET, response_url=fake_slack.response_url(), team_id=team_id
    )
    return SlackDriver(container.web, requests, clock=container.clock)


def _alpha_item(container: Container, clock: FakeClock) -> int:
    captured = container.services.feedback.capture(
        team_id=ALPHA,
        draft=FeedbackDraft(text=SECRET_TEXT, account_name="Alpha Corp"),
        submitted_by="UA1",
        now=clock(),
    )
    return captured.item.item_id


def test_feedback_of_one_workspace_is_invisible_to_the_other(
    two_workspaces: Container, fake_slack: FakeSlackApi, clock: FakeClock
) -> None:
    _alpha_item(two_workspaces, clock)
    beta = _driver(two_workspaces, fake_slack, BETA)

    options = beta.send(beta.requests.block_suggestion(FeedbackIds.ACCOUNT_SELECT.value, "Alp"))
    beta.event({"type": "app_home_opened", "user": "UB1", "tab": "home"})
    (home,) = fake_slack.wait_for("views.publish")
    exported = "".join(
        two_workspaces.services.feedback.export(team_id=BETA, fmt="json", since=None)
    )
    digest = FeedbackDigestRunner(two_workspaces.services.feedback).compose(
        team_id=BETA, channel_id="CB", period="2026-W47", options={}, now=clock()
    )

    assert "Alpha Corp" not in json.dumps(body_json(options))
    assert SECRET_TEXT not in json.dumps(home.params["view"])
    assert home.token == "xoxb-beta"
    assert SECRET_TEXT not in exported
    assert SECRET_TEXT not in json.dumps([post.blocks for post in digest])


def test_a_button_with_the_other_workspaces_item_id_changes_nothing(
    two_workspaces: Container, fake_slack: FakeSlackApi, clock: FakeClock
) -> None:
    item_id = _alpha_item(two_workspaces, clock)
    reviewer(two_workspaces, "UB1", team_id=BETA)
    beta = _driver(two_workspaces, fake_slack, BETA)
    metadata = ItemModalMetadata(item_id=item_id, status="declined").to_json()

    beta.send(
        beta.requests.view_submission(
            FeedbackIds.STATUS_MODAL.value, {}, private_metadata=metadata, user_id="UB1"
        )
    )

    (item,) = [
        line
        for line in "".join(
            two_workspaces.services.feedback.export(team_id=ALPHA, fmt="json", since=None)
        ).splitlines()
        if SECRET_TEXT in line
    ]
    assert '"status": "new"' in item


def test_triage_tickets_and_webhooks_stay_in_their_workspace(
    two_workspaces: Container, fake_slack: FakeSlackApi, clock: FakeClock
) -> None:
    triage = two_workspaces.services.triage
    for team in (ALPHA, BETA):
        triage.configure(
            team_id=team,
            changes={"webhook_secret": f"secret-{team}"},
            user_id="UADMIN",
            now=clock(),
        )
    _, alpha_ticket = triage.receive_from_helpdesk(
        team_id=ALPHA,
        incoming=HelpdeskTicket(
            helpdesk=Helpdesk.ZENDESK,
            external_id="1",
            title="Alpha outage",
            severity=Severity.HIGH,
            deleted=False,
            description="",
            account_name=None,
            link=None,
            reporter=None,
            created_at=None,
        ),
        now=clock(),
    )
    beta = _driver(two_workspaces, fake_slack, BETA)
    body = json.dumps({"helpdesk": "zendesk", "id": "1", "title": "Planted"}).encode()

    planted = beta.http.post(
        f"/hooks/tickets?team={BETA}",
        data=body,
        headers=signed_headers(f"secret-{ALPHA}", body, int(clock().timestamp())),
    )

    assert planted.status_code == 401
    assert [t.title for t in triage.export(team_id=BETA)] == []
    with pytest.raises(UserFacingError, match="no longer in the triage queue"):
        triage.ticket(team_id=BETA, ticket_id=alpha_ticket or 0)
    assert [t.title for t in triage.export(team_id=ALPHA)] == ["Alpha outage"]


def test_a_signed_request_from_another_workspace_is_refused_in_single_workspace_mode(
    slack: SlackDriver, slack_requests: SlackRequests, fake_slack: FakeSlackApi
) -> None:
    other = SlackRequests(
        slack_requests.secret, response_url=fake_slack.response_url(), team_id="TOTHER"
    )

    refused = slack.send(other.command("/feedback", "Acme wants SSO"))
    served = slack.command("/ops", "help")

    assert refused.status_code == 403
    assert served.status_code == 200


def test_buddy_calls_stay_in_their_workspace(
    two_workspaces: Container, fake_slack: FakeSlackApi, clock: FakeClock
) -> None:
    from datetime import time, timedelta

    from bot.rituals.buddies.calls import CallService
    from bot.rituals.buddies.domain import CallDraft

    calls = two_workspaces.service(CallService)
    for team in (ALPHA, BETA):  # both workspaces have been seen (their first request)
        two_workspaces.services.workspaces.ensure_workspace(team_id=team, now=clock())
    shared = calls.share_call(
        team_id=ALPHA,
        rep_user_id="UAREP",
        draft=CallDraft(
            account_name="Alpha Corp",
            day=(clock() + timedelta(days=3)).date(),
            at=time(15, 0),
            topic="Renewal",
            link="https://meet.example.com/alpha",
        ),
        request_key="alpha-call-1",
        now=clock(),
    )

    with pytest.raises(UserFacingError):
        calls.get_call(team_id=BETA, call_id=shared.call_id)
    with pytest.raises(UserFacingError):
        calls.claim(team_id=BETA, call_id=shared.call_id, user_id="UBPM", now=clock())
    assert calls.calls_in_play(team_id=BETA, now=clock()) == []
    assert calls.get_call(team_id=ALPHA, call_id=shared.call_id).owner_user_id is None


def test_releases_and_their_feedback_links_stay_in_their_workspace(
    two_workspaces: Container, fake_slack: FakeSlackApi, clock: FakeClock
) -> None:
    from bot.rituals.releases.domain import ReleaseDraft
    from bot.rituals.releases.service import ReleaseService

    _alpha_item(two_workspaces, clock)
    releases = two_workspaces.service(ReleaseService)
    draft = releases.save_draft(
        team_id=ALPHA,
        user_id="UA1",
        draft=ReleaseDraft(
            title="Alpha SSO",
            version="v1",
            tier=3,
            whats_new="SAML for Alpha.",
            why_it_matters="Alpha asked.",
            channel_ids=("CA",),
        ),
        now=clock(),
    )

    with pytest.raises(UserFacingError):
        releases.get(team_id=BETA, release_id=draft.release_id)
    with pytest.raises(UserFacingError):
        releases.cancel(team_id=BETA, release_id=draft.release_id, user_id="UB1", now=clock())
    options = releases.feedback_options(team_id=BETA, typed="SAML")
    assert SECRET_TEXT not in json.dumps([str(o) for o in options])
    assert releases.get(team_id=ALPHA, release_id=draft.release_id).release_id == draft.release_id
