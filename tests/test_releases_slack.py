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

from bot.config import Settings
from bot.outbox.models import Delivery
from bot.rituals.feedback.domain import AccountRecord, FeedbackDraft, Status
from bot.rituals.releases.domain import ReleaseRefused, ReleaseState
from bot.rituals.releases.forms import ComposerMetadata
from bot.rituals.releases.ids import ReleaseIds
from bot.rituals.releases.models import Release, ReleaseAck, ReleasePost
from bot.rituals.releases.service import EXPORT_COLUMNS, SETTING, ReleaseService
from bot.scheduling.ids import ScheduleIds
from bot.wiring import Container
from bot.workspace.roles import Grant
from tests.support.cli import run_cli
from tests.support.clock import FakeClock
from tests.support.driver import SlackDriver, all_text, body_json
from tests.support.fake_github import FakeGitHub
from tests.support.fake_slack import TEAM_ID, FakeSlackApi
from tests.support.people import known_person
from tests.support.releases import composer_values, housekeeping, release_service

AUTHOR, SUBMITTER, OWNER, MANAGER, OUTSIDER, BOSS = "U1", "U2", "U3", "U9", "U4", "UBOSS"
ACK_GROUP = "S0CUSTOMER"
ACKERS = ("U5", "U6", "U7")


@pytest.fixture
def fake_github() -> Iterator[FakeGitHub]:
    server = FakeGitHub().start()
    yield server
    server.stop()


@pytest.fixture
def settings(settings: Settings, fake_github: FakeGitHub) -> Settings:
    """GitHub is the local stand-in (GITHUB_API_URL)."""
    return settings.model_copy(update={"github_api_url": fake_github.base_url})


@pytest.fixture
def releases(container: Container, clock: FakeClock, fake_slack: FakeSlackApi) -> ReleaseService:
    """The ritual with MANAGER made release manager by an admin, and its acknowledging group."""
    service = release_service(container)
    known_person(container, fake_slack, BOSS, is_admin=True)
    container.services.permissions.grant(
        team_id=TEAM_ID, actor=BOSS, user_id=MANAGER, role=Grant.RELEASE_MANAGER, now=clock()
    )
    container.services.workspaces.set_setting(
        team_id=TEAM_ID,
        key=SETTING,
        value={"ack_group": ACK_GROUP},
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


def _told(fake_slack: FakeSlackApi, user: str, words: str) -> None:
    """Told privately: a DM, or an ephemeral message only this person sees."""

    def found() -> bool:
        for call in fake_slack.calls_to("chat.postMessage") + fake_slack.calls_to(
            "chat.postEphemeral"
        ):
            to_user = call.channel == user or call.params.get("user") == user
            if to_user and words in json.dumps(call.params):
                return True
        return False

    _wait(found)


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
    assert response.status_code == 200
    assert response.get_data() == b""
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
    _told(fake_slack, OUTSIDER, "Only release managers")
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
    _told(fake_slack, MANAGER, "already published")

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


# ---- bad input -------------------------------------------------------------------------------


def test_empty_required_sections_get_inline_errors_and_nothing_is_saved(
    slack: SlackDriver, container: Container, releases: ReleaseService
) -> None:
    response = _compose(slack, title="", tier="1", whats_new="", why="", who_for="")

    answer = body_json(response)
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {
        ReleaseIds.TITLE_BLOCK.value,
        ReleaseIds.WHATS_NEW_BLOCK.value,
        ReleaseIds.WHY_BLOCK.value,
        ReleaseIds.WHO_FOR_BLOCK.value,
    }
    assert _releases(container) == []


def test_a_channel_the_bot_cannot_post_to_is_an_inline_error_before_anything_is_published(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container, releases: ReleaseService
) -> None:
    fake_slack.add_channel("C1")
    fake_slack.add_channel("C7", is_member=False)

    answer = body_json(_compose(slack, channels=("C1", "C7")))

    assert answer["response_action"] == "errors"
    assert "<#C7>" in answer["errors"][ReleaseIds.CHANNELS_BLOCK.value]
    assert "invite me" in answer["errors"][ReleaseIds.CHANNELS_BLOCK.value]
    assert _releases(container) == []
    assert fake_slack.calls_to("chat.postMessage") == []


def test_a_time_in_the_past_is_refused_inline(
    slack: SlackDriver, clock: FakeClock, container: Container, releases: ReleaseService
) -> None:
    past = int((clock() - timedelta(hours=2)).timestamp())

    answer = body_json(_compose(slack, publish_at=past))

    assert answer["errors"] == {ReleaseIds.PUBLISH_AT_BLOCK.value: ANY_PAST}
    assert _releases(container) == []


class _Past(str):
    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and "in the past" in other

    __hash__ = str.__hash__


ANY_PAST = _Past("in the past")


@pytest.mark.parametrize(
    ("setup", "words"),
    [
        ("missing", "has no release `v9`"),
        ("rate_limited", "rate limit is used up"),
        ("unreachable", "could not reach GitHub"),
    ],
)
def test_github_import_failures_answer_privately_and_the_composer_still_opens_empty(
    slack: SlackDriver,
    fake_slack: FakeSlackApi,
    fake_github: FakeGitHub,
    releases: ReleaseService,
    container: Container,
    setup: str,
    words: str,
) -> None:
    if setup == "rate_limited":
        fake_github.rate_limit(403)
    if setup == "unreachable":
        fake_github.stop()

    slack.command("/release", "import acme/app@v9", user_id=AUTHOR)

    updated = fake_slack.wait_for("views.update")[0].params["view"]
    answer = fake_slack.wait_for_response()[0][1]
    assert updated["callback_id"] == ReleaseIds.COMPOSER.value
    title = next(b for b in updated["blocks"] if b.get("block_id") == ReleaseIds.TITLE_BLOCK.value)
    assert "initial_value" not in title["element"]
    assert words in answer["text"]
    assert answer["response_type"] == "ephemeral"
    assert _releases(container) == []


def test_github_import_opens_the_composer_prefilled_with_converted_notes(
    slack: SlackDriver,
    fake_slack: FakeSlackApi,
    fake_github: FakeGitHub,
    releases: ReleaseService,
    container: Container,
) -> None:
    fake_github.add_release(
        "acme/app",
        "v3.0.0",
        name="Spring release",
        body="## Highlights\n* **Faster** export\n* [Docs](https://docs.example.com)\n",
    )

    slack.command("/release", "import acme/app", user_id=AUTHOR)

    opened = fake_slack.wait_for("views.open")[0].params["view"]
    updated = fake_slack.wait_for("views.update")[0].params["view"]
    assert opened["callback_id"] == ReleaseIds.LOADING.value
    values = {
        b["block_id"]: b["element"].get("initial_value")
        for b in updated["blocks"]
        if b.get("type") == "input"
    }
    assert values[ReleaseIds.TITLE_BLOCK.value] == "Spring release"
    assert values[ReleaseIds.VERSION_BLOCK.value] == "v3.0.0"
    assert values[ReleaseIds.WHATS_NEW_BLOCK.value] == (
        "*Highlights*\n\n• *Faster* export\n• <https://docs.example.com|Docs>"
    )
    assert [r.source for r in _releases(container)] == ["acme/app"]


def test_unknown_subcommand_gets_help(slack: SlackDriver, releases: ReleaseService) -> None:
    answer = body_json(slack.command("/release", "publish everything"))

    assert "I don't know `/release publish`" in answer["text"]
    assert "/release import owner/repo" in all_text(answer["blocks"])


# ---- corrections, scheduling, reminders, Home, settings ----------------------------------------


def _published(
    releases: ReleaseService, clock: FakeClock, container: Container, **overrides: Any
) -> int:
    draft = releases.save_draft(
        team_id=TEAM_ID, user_id=AUTHOR, draft=_draft(**overrides), now=clock()
    )
    releases.submit(team_id=TEAM_ID, release_id=draft.release_id, user_id=AUTHOR, now=clock())
    container.sender.drain(timeout=10)
    return draft.release_id


def test_correcting_a_published_release_updates_its_posts_in_place(
    slack: SlackDriver,
    fake_slack: FakeSlackApi,
    container: Container,
    clock: FakeClock,
    releases: ReleaseService,
) -> None:
    release_id = _published(releases, clock, container, channel_ids=("C1", "C2"))
    with container.sessions() as session:
        posted = {p.channel_id: p.ts for p in session.scalars(select(ReleasePost))}
    assert set(posted) == {"C1", "C2"}

    slack.send(slack.requests.block_action(ReleaseIds.CORRECT.value, str(release_id)))
    composer = fake_slack.wait_for("views.open")[0].params["view"]
    assert ComposerMetadata.from_json(composer["private_metadata"]).correcting
    slack.send(
        slack.requests.view_submission(
            ReleaseIds.COMPOSER.value,
            composer_values(whats_new="CSV export is twenty times faster."),
            private_metadata=composer["private_metadata"],
        )
    )

    updates = fake_slack.wait_for("chat.update", 2)
    by_channel = {u.channel: u.params for u in updates if u.channel in {"C1", "C2"}}
    assert set(by_channel) == {"C1", "C2"}
    for channel, params in by_channel.items():
        assert params["ts"] == posted[channel]
        assert "twenty times faster" in json.dumps(params["blocks"])
    _dm_with(fake_slack, AUTHOR, "2 posted messages updated in place")
    assert len(_posts_in(fake_slack, "C1")) == len(_posts_in(fake_slack, "C2")) == 1
    assert _releases(container)[0].revision == 2


def test_a_scheduled_release_publishes_at_its_time_through_the_frequent_job(
    container: Container, fake_slack: FakeSlackApi, clock: FakeClock, releases: ReleaseService
) -> None:
    later = clock() + timedelta(hours=3)
    draft = releases.save_draft(
        team_id=TEAM_ID, user_id=AUTHOR, draft=_draft(publish_at=later), now=clock()
    )
    outcome = releases.submit(
        team_id=TEAM_ID, release_id=draft.release_id, user_id=AUTHOR, now=clock()
    )
    job = housekeeping(container)

    job(clock())
    container.sender.drain(timeout=5)
    assert outcome.state is ReleaseState.SCHEDULED
    assert _posts_in(fake_slack, "C1") == []

    clock.advance(hours=3, minutes=1)
    job(clock())
    job(clock())  # a second run (or a second scheduler) adds nothing
    container.sender.drain(timeout=5)
    assert len(_posts_in(fake_slack, "C1")) == 1
    assert _releases(container)[0].state == ReleaseState.PUBLISHED.value


def test_people_who_have_not_acknowledged_are_reminded_once_in_their_working_hours(
    container: Container, fake_slack: FakeSlackApi, clock: FakeClock, releases: ReleaseService
) -> None:
    fake_slack.usergroups[ACK_GROUP] = ["U5", "U6"]
    clock.now = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # a Monday
    release_id = _published(
        releases, clock, container, tier=1, who_it_is_for="Admins", channel_ids=("C1",)
    )
    releases.decide(
        team_id=TEAM_ID, release_id=release_id, user_id=MANAGER, approve=True, now=clock()
    )
    job = housekeeping(container)
    job(clock())  # asks U5 and U6 (after publishing)
    releases.acknowledge(team_id=TEAM_ID, release_id=release_id, user_id="U5", now=clock())

    clock.now = datetime(2026, 11, 17, 3, 0, tzinfo=UTC)  # past the delay, but at night
    job(clock())
    container.sender.drain(timeout=5)
    assert [c for c in fake_slack.calls_to("chat.postMessage") if c.channel == "U6"] == []

    clock.now = datetime(2026, 11, 17, 10, 0, tzinfo=UTC)
    job(clock())
    job(clock())
    container.sender.drain(timeout=5)
    reminded = [c for c in fake_slack.calls_to("chat.postMessage") if c.channel == "U6"]
    assert len(reminded) == 1
    assert ReleaseIds.ACKNOWLEDGE.value in json.dumps(reminded[0].params)
    assert [c for c in fake_slack.calls_to("chat.postMessage") if c.channel == "U5"] == []


def test_home_shows_recent_releases_my_drafts_and_what_waits_for_my_approval(
    slack: SlackDriver,
    fake_slack: FakeSlackApi,
    container: Container,
    clock: FakeClock,
    releases: ReleaseService,
) -> None:
    _published(releases, clock, container, title="Shipped thing")
    waiting = releases.save_draft(
        team_id=TEAM_ID,
        user_id=AUTHOR,
        draft=_draft(title="Big launch", tier=1, who_it_is_for="All"),
        now=clock(),
    )
    releases.submit(team_id=TEAM_ID, release_id=waiting.release_id, user_id=AUTHOR, now=clock())

    slack.event({"type": "app_home_opened", "user": MANAGER, "tab": "home"})
    home = json.dumps(fake_slack.wait_for("views.publish")[0].params["view"])

    assert "Waiting for your approval" in home
    assert "Big launch" in home
    assert "Recent releases" in home
    assert "Shipped thing" in home


def test_release_settings_are_for_admins_and_change_who_approves(
    slack: SlackDriver,
    fake_slack: FakeSlackApi,
    container: Container,
    clock: FakeClock,
    releases: ReleaseService,
) -> None:
    fake_slack.add_user("U8", is_admin=True)
    slack.command("/release", "settings", user_id=OUTSIDER)
    _told(fake_slack, OUTSIDER, "Only workspace admins")

    slack.command("/release", "settings 2", user_id="U8")
    modal = fake_slack.wait_for("views.open")[0].params["view"]
    assert modal["callback_id"] == ReleaseIds.SETTINGS_MODAL.value
    assert modal["private_metadata"] == "2"
    values = {
        ReleaseIds.MANAGERS_BLOCK.value: {
            ReleaseIds.MANAGERS_SELECT.value: {"selected_users": [OUTSIDER]}
        },
        ReleaseIds.ACK_GROUP_BLOCK.value: {ReleaseIds.ACK_GROUP_INPUT.value: {"value": "S1"}},
        ReleaseIds.TEMPLATE_NAME_BLOCK.value: {
            ReleaseIds.TEMPLATE_NAME_INPUT.value: {"value": "Notable"}
        },
        ReleaseIds.TEMPLATE_EMOJI_BLOCK.value: {
            ReleaseIds.TEMPLATE_EMOJI_INPUT.value: {"value": ":star:"}
        },
        ReleaseIds.TEMPLATE_SECTIONS_BLOCK.value: {
            ReleaseIds.TEMPLATE_SECTIONS_SELECT.value: {
                "selected_options": [{"value": "whats_new"}]
            }
        },
        ReleaseIds.TEMPLATE_CHANNELS_BLOCK.value: {
            ReleaseIds.TEMPLATE_CHANNELS_SELECT.value: {"selected_channels": ["C5"]}
        },
        ReleaseIds.TEMPLATE_FLAGS_BLOCK.value: {
            ReleaseIds.TEMPLATE_FLAGS_CHECKS.value: {
                "selected_options": [{"value": "needs_approval"}]
            }
        },
    }
    outsider = slack.send(
        slack.requests.view_submission(
            ReleaseIds.SETTINGS_MODAL.value, values, user_id=OUTSIDER, private_metadata="2"
        )
    )
    assert body_json(outsider)["response_action"] == "errors"

    saved = slack.send(
        slack.requests.view_submission(
            ReleaseIds.SETTINGS_MODAL.value, values, user_id="U8", private_metadata="2"
        )
    )

    assert saved.get_data() == b""
    assert releases.is_release_manager(team_id=TEAM_ID, user_id=OUTSIDER)
    assert not releases.is_release_manager(team_id=TEAM_ID, user_id=MANAGER)
    tier2 = releases.templates(team_id=TEAM_ID)[2]
    assert (tier2.name, tier2.emoji, tier2.default_channels, tier2.needs_approval) == (
        "Notable",
        "star",
        ("C5",),
        True,
    )


def test_export_lists_releases_as_csv_and_json(
    container: Container, clock: FakeClock, releases: ReleaseService
) -> None:
    _published(releases, clock, container, title="Faster, exports")

    rows = "".join(releases.export(team_id=TEAM_ID, fmt="csv", since=None))
    records = json.loads("".join(releases.export(team_id=TEAM_ID, fmt="json", since=None)))

    assert '"Faster, exports"' in rows
    assert records[0]["state"] == "published"
    assert records[0]["channels"] == ["C1"]


def test_opsbot_export_releases_needs_only_the_database(
    container: Container,
    clock: FakeClock,
    releases: ReleaseService,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _published(releases, clock, container, title="Faster exports")
    env = {"DATABASE_URL": container.settings.database_url}

    as_json = run_cli(monkeypatch, capsys, env, "export", "releases", "--format", "json")
    as_csv = run_cli(
        monkeypatch, capsys, env, "export", "releases", "--team", TEAM_ID, "--since", "2030-01-01"
    )

    assert as_json.returncode == 0, as_json.stderr
    assert [r["title"] for r in json.loads(as_json.stdout)] == ["Faster exports"]
    assert as_csv.returncode == 0
    assert as_csv.stdout.strip().splitlines() == [",".join(EXPORT_COLUMNS)]


def test_ops_settings_opens_the_release_settings_over_its_modal_for_admins(
    slack: SlackDriver, fake_slack: FakeSlackApi, releases: ReleaseService
) -> None:
    fake_slack.add_user("U8", is_admin=True)

    slack.send(
        slack.requests.block_action(
            f"{ScheduleIds.SECTION_BUTTON.value}:releases", "releases", user_id="U8"
        )
    )

    pushed = fake_slack.wait_for("views.push")[0].params["view"]
    assert pushed["callback_id"] == ReleaseIds.SETTINGS_MODAL.value


def _preview(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container, **values: Any
) -> int:
    response = _compose(slack, **values)
    assert response.get_data() == b""
    _dm_with(fake_slack, AUTHOR, ReleaseIds.PUBLISH.value, count=len(_releases(container)))
    return _releases(container)[-1].id


def test_publish_on_a_tier_without_approval_posts_at_once_and_tells_the_author(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container, releases: ReleaseService
) -> None:
    release_id = _preview(slack, fake_slack, container, tier="2", channels=("C1",))

    slack.send(
        slack.requests.block_action(
            ReleaseIds.PUBLISH.value, str(release_id), user_id=AUTHOR, channel_id="D1"
        )
    )
    _wait(lambda: _releases(container)[0].state == ReleaseState.PUBLISHED.value)
    container.sender.drain(timeout=5)

    assert len(_posts_in(fake_slack, "C1")) == 1
    _wait(
        lambda: any(
            "is published in" in json.dumps(c.params) for c in fake_slack.calls_to("chat.update")
        )
    )
    # publishing again (a double click) is refused and posts nothing new
    slack.send(
        slack.requests.block_action(
            ReleaseIds.PUBLISH.value, str(release_id), user_id=AUTHOR, channel_id="D1"
        )
    )
    _told(fake_slack, AUTHOR, "already published")
    container.sender.drain(timeout=2)
    assert len(_posts_in(fake_slack, "C1")) == 1


def test_edit_reopens_the_composer_and_cancel_stops_the_release(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container, releases: ReleaseService
) -> None:
    release_id = _preview(slack, fake_slack, container)

    slack.send(slack.requests.block_action(ReleaseIds.EDIT.value, str(release_id), user_id=AUTHOR))
    composer = fake_slack.wait_for("views.open")[0].params["view"]
    title = next(b for b in composer["blocks"] if b.get("block_id") == ReleaseIds.TITLE_BLOCK.value)
    assert title["element"]["initial_value"] == "Faster exports"
    slack.send(
        slack.requests.view_submission(
            ReleaseIds.COMPOSER.value,
            composer_values(title="Much faster exports"),
            private_metadata=composer["private_metadata"],
        )
    )
    _dm_with(fake_slack, AUTHOR, ReleaseIds.PUBLISH.value, count=2)
    assert [r.title for r in _releases(container)] == ["Much faster exports"]

    slack.send(
        slack.requests.block_action(ReleaseIds.EDIT.value, str(release_id), user_id=OUTSIDER)
    )
    _told(fake_slack, OUTSIDER, "who wrote this release")
    slack.send(
        slack.requests.block_action(ReleaseIds.CANCEL.value, str(release_id), user_id=AUTHOR)
    )
    _wait(lambda: _releases(container)[0].state == ReleaseState.CANCELLED.value)
    slack.send(
        slack.requests.block_action(ReleaseIds.PUBLISH.value, str(release_id), user_id=AUTHOR)
    )
    _told(fake_slack, AUTHOR, "already cancelled")
    container.sender.drain(timeout=2)
    assert _posts_in(fake_slack, "C1") == []


def test_request_changes_sends_the_comment_back_and_nothing_is_posted(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container, releases: ReleaseService
) -> None:
    release_id = _preview(slack, fake_slack, container, tier="1", who_for="Admins")
    slack.send(
        slack.requests.block_action(ReleaseIds.PUBLISH.value, str(release_id), user_id=AUTHOR)
    )
    _dm_with(fake_slack, MANAGER, ReleaseIds.REQUEST_CHANGES.value)

    slack.send(
        slack.requests.block_action(
            ReleaseIds.REQUEST_CHANGES.value, str(release_id), user_id=MANAGER
        )
    )
    modal = fake_slack.wait_for("views.open")[0].params["view"]
    answer = slack.send(
        slack.requests.view_submission(
            ReleaseIds.CHANGES_MODAL.value,
            {
                ReleaseIds.COMMENT_BLOCK.value: {
                    ReleaseIds.COMMENT_INPUT.value: {"value": "Say which plans get it <!here>"}
                }
            },
            user_id=MANAGER,
            private_metadata=modal["private_metadata"],
        )
    )

    assert answer.get_data() == b""
    note = _dm_with(fake_slack, AUTHOR, "asked for changes")[0]
    assert "Say which plans get it &lt;!here&gt;" in json.dumps(note.params["blocks"])
    assert ReleaseIds.EDIT.value in json.dumps(note.params["blocks"])
    assert _releases(container)[0].state == ReleaseState.CHANGES_REQUESTED.value
    container.sender.drain(timeout=2)
    assert _posts_in(fake_slack, "C1") == []


def test_no_channel_picked_means_the_tiers_default_channels_checked_like_any_other(
    slack: SlackDriver,
    fake_slack: FakeSlackApi,
    container: Container,
    clock: FakeClock,
    releases: ReleaseService,
) -> None:
    container.services.workspaces.set_setting(
        team_id=TEAM_ID,
        key=SETTING,
        value={
            "tiers": {
                "2": {
                    "name": "Feature",
                    "sections": ["whats_new"],
                    "default_channels": ["C5", "C6"],
                }
            },
        },
        user_id="setup",
        now=clock(),
    )
    fake_slack.add_channel("C6", is_member=False)

    refused = body_json(_compose(slack, tier="2", channels=()))
    fake_slack.add_channel("C6")
    accepted = _compose(slack, tier="2", channels=())

    assert "<#C6>" in refused["errors"][ReleaseIds.CHANNELS_BLOCK.value]
    assert accepted.get_data() == b""
    assert [r.channel_ids for r in _releases(container)] == [["C5", "C6"]]
