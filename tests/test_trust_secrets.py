"""Secrets at rest: tracker tokens and webhook secrets are encrypted in the database, keys
rotate, and every settings change is in the audit log with its secrets masked."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from bot.rituals.triage.ids import TriageIds
from bot.security.sealed_settings import MASK
from bot.security.secret_box import SecretBox, SecretBoxError
from bot.wiring import Container
from tests.support.driver import SlackDriver
from tests.support.fake_slack import TEAM_ID, FakeSlackApi
from tests.support.people import known_person
from tests.test_triage_settings import _form, _values


def _raw_settings(container: Container) -> str:
    with container.engine.connect() as connection:
        rows = connection.execute(text("SELECT value FROM workspace_settings")).all()
    return " ".join(str(row[0]) for row in rows)


def test_a_tracker_token_saved_from_slack_is_not_in_the_database_in_plain_text(
    slack: SlackDriver, container: Container, fake_slack: FakeSlackApi
) -> None:
    known_person(container, fake_slack, "UADMIN", is_admin=True)
    slack.command("/triage", "settings", user_id="UADMIN")
    fake_slack.wait_for("views.open")

    slack.send(
        slack.requests.view_submission(
            TriageIds.SETTINGS_MODAL.value,
            _values(_form(tracker_token="jira-secret-token-42")),
            user_id="UADMIN",
        )
    )
    fake_slack.wait_for("chat.postMessage")

    raw = _raw_settings(container)
    stored = container.services.triage.settings(team_id=TEAM_ID)
    assert "jira-secret-token-42" not in raw
    assert "enc:v1:" in raw
    assert stored.tracker is not None
    assert stored.tracker.token == "jira-secret-token-42"
    assert stored.webhook_secret is not None
    assert stored.webhook_secret not in raw


def test_every_settings_change_is_audited_with_secrets_masked(container: Container) -> None:
    workspaces = container.services.workspaces
    now = container.clock()
    workspaces.set_setting(
        team_id=TEAM_ID, key="triage", value={"sla_days": 5}, user_id="UADMIN", now=now
    )
    workspaces.set_setting(
        team_id=TEAM_ID,
        key="triage",
        value={"sla_days": 3, "tracker": {"token": "tok-1"}},
        user_id="UOTHER",
        now=now,
    )

    latest, first = workspaces.audit_log(team_id=TEAM_ID)

    assert (first.actor, first.before, first.after) == ("UADMIN", None, {"sla_days": 5})
    assert latest.actor == "UOTHER"
    assert latest.before == {"sla_days": 5}
    assert latest.after == {"sla_days": 3, "tracker": {"token": MASK}}
    assert workspaces.audit_log(team_id="TOTHER") == []


def test_a_new_key_in_front_reencrypts_and_old_values_still_open() -> None:
    old, new = Fernet.generate_key(), Fernet.generate_key()
    before = SecretBox([old])
    sealed = before.seal("xoxb-secret")
    after = SecretBox([new, old])

    rotated = after.rotate(sealed)

    assert after.open(sealed) == "xoxb-secret"
    assert SecretBox([new]).open(rotated) == "xoxb-secret"
    with pytest.raises(SecretBoxError, match="cannot be opened"):
        SecretBox([new]).open(sealed)


def test_without_an_explicit_key_the_signing_secret_derives_one() -> None:
    box = SecretBox.from_config(encryption_keys=None, signing_secret="signing-secret")
    same = SecretBox.from_config(encryption_keys=None, signing_secret="signing-secret")

    assert same.open(box.seal("tok")) == "tok"
    with pytest.raises(SecretBoxError, match="no key"):
        SecretBox.from_config(encryption_keys=None, signing_secret=None).seal("tok")
    with pytest.raises(SecretBoxError, match="Fernet keys"):
        SecretBox.from_config(encryption_keys="not-a-key", signing_secret=None)


def test_rotating_the_stored_secrets_rewrites_them_under_the_first_key(
    container: Container,
) -> None:
    workspaces = container.services.workspaces
    workspaces.set_setting(
        team_id=TEAM_ID,
        key="triage",
        value={"webhook_secret": "whsec-1"},
        user_id="UADMIN",
        now=container.clock(),
    )
    raw_before = _raw_settings(container)

    changed = workspaces.rotate_secrets(now=container.clock())

    assert changed == 1
    assert _raw_settings(container) != raw_before
    assert workspaces.get_setting(team_id=TEAM_ID, key="triage") == {"webhook_secret": "whsec-1"}
