"""Roles decided in one place: Slack's admin flag mirrored (demotion included), opsbot grants
kept apart and audited, run-now limited per ritual and workspace."""

from __future__ import annotations

from bot.wiring import Container
from bot.workspace.roles import Grant, Permission
from bot.workspace.service import SlackUser
from tests.support.clock import FakeClock
from tests.support.driver import SlackDriver
from tests.support.fake_slack import TEAM_ID, FakeSlackApi
from tests.support.people import known_person


def _admin(container: Container) -> bool:
    return container.services.permissions.allows(
        team_id=TEAM_ID, user_id="U1", permission=Permission.CHANGE_SETTINGS
    )


def test_a_slack_admin_demoted_in_slack_is_no_longer_an_admin_here(
    container: Container, fake_slack: FakeSlackApi
) -> None:
    known_person(container, fake_slack, "U1", is_admin=True)
    was_admin = _admin(container)

    demoted = SlackUser.from_api({"id": "U1", "tz": "UTC", "is_admin": False, "profile": {}})
    container.services.workspaces.remember_person(
        team_id=TEAM_ID, user=demoted, now=container.clock()
    )

    assert (was_admin, _admin(container)) == (True, False)


def test_an_admin_granted_in_opsbot_survives_a_refresh_from_slack(
    container: Container, fake_slack: FakeSlackApi, clock: FakeClock
) -> None:
    known_person(container, fake_slack, "UBOSS", is_admin=True)
    known_person(container, fake_slack, "U1", is_admin=False)
    container.services.permissions.grant(
        team_id=TEAM_ID, actor="UBOSS", user_id="U1", role=Grant.ADMIN, now=clock()
    )

    container.services.admins.refresh(team_id=TEAM_ID, user_id="U1")

    assert _admin(container)


def test_an_admin_grants_a_role_from_slack_and_it_is_audited(
    slack: SlackDriver, container: Container, fake_slack: FakeSlackApi
) -> None:
    known_person(container, fake_slack, "UBOSS", is_admin=True)

    slack.command("/ops", "roles grant <@UPM|pat> reviewer", user_id="UBOSS")

    told = fake_slack.wait_for_response()[0][1]
    assert "reviewer granted to <@UPM>" in told["text"]
    standing = container.services.permissions.standing(team_id=TEAM_ID, user_id="UPM")
    assert standing.is_reviewer
    (entry,) = container.services.workspaces.audit_log(team_id=TEAM_ID)
    assert (entry.actor, entry.action, entry.target) == ("UBOSS", "role.granted", "UPM:reviewer")


def test_someone_who_is_not_an_admin_cannot_grant_roles_or_read_the_audit(
    slack: SlackDriver, container: Container, fake_slack: FakeSlackApi
) -> None:
    known_person(container, fake_slack, "UPLAIN", is_admin=False)

    slack.command("/ops", "roles grant <@UPLAIN|me> admin", user_id="UPLAIN")
    slack.command("/ops", "audit", user_id="UPLAIN")

    refusals = fake_slack.wait_for("chat.postEphemeral", count=2)
    assert all("Only workspace admins" in call.params["text"] for call in refusals)
    assert container.services.permissions.holders(team_id=TEAM_ID) == []


def test_run_now_is_limited_per_ritual_and_workspace(
    slack: SlackDriver, container: Container, fake_slack: FakeSlackApi, clock: FakeClock
) -> None:
    known_person(container, fake_slack, "U1", is_admin=True)

    slack.command("/ops", "run echo-digest <#C7|product>")
    fake_slack.wait_for_response()
    slack.command("/ops", "run echo-digest <#C7|product>")
    answers = fake_slack.wait_for_response(count=2)

    assert "running now" in answers[0][1]["text"]
    assert "run it again in about" in answers[1][1]["text"]
    clock.advance(minutes=6)
    slack.command("/ops", "run echo-digest <#C7|product>")
    assert "running now" in fake_slack.wait_for_response(count=3)[2][1]["text"]


def test_a_plain_member_cannot_close_the_triage_session_or_repost_the_queue(
    container: Container, clock: FakeClock
) -> None:
    import pytest

    from bot.workspace.permissions import NotAllowedError

    triage = container.services.triage
    with pytest.raises(NotAllowedError, match="reviewers"):
        triage.close_session(team_id=TEAM_ID, session_id=1, user_id="UPLAIN", now=clock())
    with pytest.raises(NotAllowedError, match="reviewers"):
        triage.post_now(
            runs=container.dispatcher,
            team_id=TEAM_ID,
            user_id="UPLAIN",
            fallback_channel_id="C1",
            now=clock(),
        )
    assert container.outbox.deliveries(team_id=TEAM_ID) == []
