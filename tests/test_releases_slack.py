"""The release ritual end to end through the real Flask + Bolt app: compose → preview →
approve → publish through the outbox → submitters told → acknowledged → roll-up, and the bad
input of issue 11. GitHub is a local stand-in on port 0; Slack is the Web API stand-in."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.outbox.models import Delivery
from bot.rituals.feedback.domain import AccountRecord, FeedbackDraft, Status
from bot.rituals.releases.domain import ReleaseRefused, ReleaseState
from bot.rituals.releases.forms import ComposerMetadata
from bot.rituals.releases.ids import ReleaseIds
from bot.rituals.releases.models import Release, ReleaseAck, ReleasePost
from bot.rituals.releases.service import SETTING, ReleaseService
from bot.wiring import Container
from tests.support.clock import FakeClock
from tests.support.driver import SlackDriver, all_text, body_json
from tests.support.fake_github import FakeGitHub
from tests.support.fake_slack import TEAM_ID, FakeSlackApi
from tests.support.releases import composer_values, housekeeping, install_releases

AUTHOR, SUBMITTER, OWNER, MANAGER, OUTSIDER = "U1", "U2", "U3", "U9", "U4"
ACK_GROUP = "S0CUSTOMER"
ACKERS = ("U5", "U6", "U7")


@pytest.fixture
def fake_github() -> Iterator[FakeGitHub]:
    server = FakeGitHub().start()
    yield server
    server.stop()


@pytest.fixture
def releases(container: Container, fake_github: FakeGitHub, clock: FakeClock) -> ReleaseService:
    service = install_releases(container, github_url=fake_github.base_url)
    container.services.workspaces.set_setting(
        team_id=TEAM_ID,
        key=SETTING,
        value={"managers": [MANAGER], "ack_group": ACK_GROUP},
        user_id="setup",
        now=clock(),
    )
    return service


def _feedback_item(container: Container, clock: FakeClock) -> int:
    feedback = container.services.feedback
    feedback.save_account(
        team_id=TEAM_ID, record=AccountRecord("Acme", owner_user_id=OWNER), now=clock()
    )
    result = feedback.capture(
        team_id=TEAM_ID,
        draft=FeedbackDraft(text="CSV export takes minutes", account_name="Acme"),
        submitted_by=SUBMITTER,
        now=clock(),
    )
    return result.item.item_id


def _releases(container: Container) -> list[Release]:
    with container.sessions() as session:
        return list(session.scalars(select(Release).order_by(Release.id)))


def _posts_in(fake_slack: FakeSlackApi, channel: str) -> list[dict[str, Any]]:
    return [c.params for c in fake_slack.calls_to("chat.postMessage") if c.channel == channel]


def _wait(predicate: Any, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


def _compose(slack: SlackDriver, **values: Any) -> Any:
    return slack.send(
        slack.requests.view_submission(
            ReleaseIds.COMPOSER.value,
            composer_values(**values),
            private_metadata=ComposerMetadata(channel_id="C1").to_json(),
        )
    )


def _dm_with(fake_slack: FakeSlackApi, user: str, words: str, count: int = 1) -> list[Any]:
    def found() -> list[Any]:
        return [
            c
            for c in fake_slack.calls_to("chat.postMessage")
            if c.channel == user and words in json.dumps(c.params)
        ]

    _wait(lambda: len(found()) >= count)
    return found()


# ---- the whole loop --------------------------------------------------------------------------


def test_release_loop_compose_preview_approve_publish_tell_acknowledge_and_roll_up(
    slack: SlackDriver,
    fake_slack: FakeSlackApi,
    container: Container,
    clock: FakeClock,
    releases: ReleaseService,
) -> None:
    item_id = _feedback_item(container, clock)
    fake_slack.usergroups[ACK_GROUP] = list(ACKERS)

    # /release opens the composer; the related-feedback select searches text and accounts
    slack.command("/release", "", user_id=AUTHOR)
    composer = fake_slack.wait_for("views.open")[0].params["view"]
    assert composer["callback_id"] == ReleaseIds.COMPOSER.value
    options = body_json(
        slack.send(slack.requests.block_suggestion(ReleaseIds.FEEDBACK_SELECT.value, "acme"))
    )
    assert [o["value"] for o in options["options"]] == [str(item_id)]

    # submitted: a private preview, exactly as posted, with Publish / Edit / Cancel
    response = _compose(
        slack,
        tier="1",
        who_for="Admins of large workspaces",
        docs="https://docs.example.com/export",
        feedback=(item_id,),
        channels=("C1", "C2"),
    )
    assert response.status_code == 200 and response.get_data() == b""
    preview = _dm_with(fake_slack, AUTHOR, ReleaseIds.PUBLISH.value)[0]
    release = _releases(container)[0]
    assert release.state == ReleaseState.DRAFT.value
    previewed = [
        c.params["blocks"]
        for c in fake_slack.calls_to("chat.postMessage")
        if c.channel == AUTHOR and "Faster exports" in json.dumps(c.params.get("blocks"))
    ]
    assert _posts_in(fake_slack, "C1") == []

    # Publish on a tier-1 release asks the release manager; nothing is posted yet
    slack.send(
        slack.requests.block_action(
            ReleaseIds.PUBLISH.value,
            str(release.id),
            user_id=AUTHOR,
            channel_id=AUTHOR,
            message_ts=preview.params.get("ts") or "1.0",
        )
    )
    approval = _dm_with(fake_slack, MANAGER, ReleaseIds.APPROVE.value)[0]
    assert _releases(container)[0].state == ReleaseState.AWAITING_APPROVAL.value

    # someone who is not a release manager is refused, nothing changes
    slack.send(
        slack.requests.block_action(
            ReleaseIds.APPROVE.value, str(release.id), user_id=OUTSIDER, channel_id=OUTSIDER
        )
    )
    _dm_with(fake_slack, OUTSIDER, "Only release managers")
    assert _releases(container)[0].state == ReleaseState.AWAITING_APPROVAL.value

    # the manager approves: published through the outbox
    slack.send(
        slack.requests.block_action(
            ReleaseIds.APPROVE.value,
            str(release.id),
            user_id=MANAGER,
            channel_id=MANAGER,
            message_ts=approval.params.get("ts") or "1.0",
        )
    )
    _wait(lambda: _releases(container)[0].state == ReleaseState.PUBLISHED.value)
    # approving twice is refused
    slack.send(
        slack.requests.block_action(
            ReleaseIds.APPROVE.value, str(release.id), user_id=MANAGER, channel_id=MANAGER
        )
    )
    _dm_with(fake_slack, MANAGER, "already published")

    # linked feedback shipped; its submitter and the account owner told by feedback
    _dm_with(fake_slack, SUBMITTER, "Shipped")
    _dm_with(fake_slack, OWNER, "Shipped")
    assert container.services.feedback.get_item(team_id=TEAM_ID, item_id=item_id).status is (
        Status.SHIPPED
    )

    container.sender.drain(timeout=10)
    for channel in ("C1", "C2"):
        posted = _posts_in(fake_slack, channel)
        assert len(posted) == 1
        assert posted[0]["blocks"] == previewed[0]  # exactly as previewed
        text = all_text(posted[0]["blocks"])
        assert "CSV export is ten times faster." in text
        assert "Big accounts waited minutes." in text
        assert "docs.example.com/export" in text
    with container.sessions() as session:
        stored = list(session.scalars(select(ReleasePost)))
        asked = list(session.scalars(select(ReleaseAck)))
    assert sorted(p.channel_id for p in stored) == ["C1", "C2"]
    assert sorted(a.user_id for a in asked) == sorted(ACKERS)

    # acknowledgement: the author's status line shows n of m
    slack.send(
        slack.requests.block_action(
            ReleaseIds.ACKNOWLEDGE.value, str(release.id), user_id="U5", channel_id="C1"
        )
    )
    _wait(
        lambda: any(
            "1 of 3 acknowledged" in json.dumps(c.params)
            for c in fake_slack.calls_to("chat.update")
        )
    )

    # the monthly roll-up for C1
    container.dispatcher.run_ritual(
        team_id=TEAM_ID,
        ritual="release-rollup",
        period="2026-11",
        channel_ids=["C1"],
        options={"month": "2026-11"},
        now=clock(),
    )
    container.sender.drain(timeout=10)
    rollup = all_text(_posts_in(fake_slack, "C1")[-1]["blocks"])
    assert "*1* releases (tier 1: 1)" in rollup
    assert "*1* feedback items closed" in rollup
    assert "*1* accounts told" in rollup
    assert "33%" in rollup


def test_restart_mid_publish_makes_every_post_once(
    container: Container,
    fake_slack: FakeSlackApi,
    clock: FakeClock,
    releases: ReleaseService,
) -> None:
    channels = [f"C{i:02d}" for i in range(12)]
    long_notes = "\n\n".join(f"Change {i}: " + "detail " * 60 for i in range(60))
    draft = releases.save_draft(
        team_id=TEAM_ID,
        user_id=AUTHOR,
        draft=_draft(tier=3, whats_new=long_notes, channel_ids=tuple(channels)),
        now=clock(),
    )
    releases.submit(team_id=TEAM_ID, release_id=draft.release_id, user_id=AUTHOR, now=clock())
    fake_slack.stall("chat.postMessage", 0.3, times=None)
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.support.outbox_worker",
            container.settings.database_url,
            fake_slack.api_url,
        ],
        stdout=subprocess.PIPE,
    )
    fake_slack.wait_for("chat.postMessage", 4, timeout=30)
    worker.kill()
    worker.wait()
    time.sleep(1.0)  # requests the dead worker had in flight still reach Slack
    before = len(fake_slack.calls_to("chat.postMessage"))
    # after the restart: the publishing run again, a scheduler's due check, a second click
    container.dispatcher.run_ritual(
        team_id=TEAM_ID, ritual="release-publish", period=f"release:{draft.release_id}", now=clock()
    )
    releases.publish_due(now=clock())
    with pytest.raises(ReleaseRefused):
        releases.submit(team_id=TEAM_ID, release_id=draft.release_id, user_id=AUTHOR, now=clock())
    clock.now = datetime.now(UTC) + timedelta(minutes=10)  # the dead worker's leases expired
    fake_slack._rules.clear()
    assert container.sender.drain(timeout=60)

    parts = len({c.params["text"] for c in fake_slack.calls_to("chat.postMessage")})
    assert parts > 1  # long notes went out as several messages
    assert 4 <= before < len(channels) * parts
    per_channel = Counter(c.channel for c in fake_slack.calls_to("chat.postMessage"))
    assert per_channel == dict.fromkeys(channels, parts)
    with container.sessions() as session:
        rows = list(session.scalars(select(Delivery).where(Delivery.ritual == "release-publish")))
        stored = list(session.scalars(select(ReleasePost)))
    assert len(rows) == len(channels) * parts
    assert {r.state for r in rows} == {"sent"}
    assert len({(p.channel_id, p.part) for p in stored}) >= len(channels) * parts - before


def _draft(**overrides: Any) -> Any:
    from bot.rituals.releases.domain import ReleaseDraft

    values: dict[str, Any] = {
        "title": "Faster exports",
        "version": "v2.4",
        "tier": 2,
        "whats_new": "CSV export is ten times faster.",
        "why_it_matters": "Big accounts waited minutes.",
        "channel_ids": ("C1",),
    }
    values.update(overrides)
    return ReleaseDraft(**values)
