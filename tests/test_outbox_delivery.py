"""The outbox: each post once, at Slack's rate, through 429s, 5xx, bad channels and crashes."""

from __future__ import annotations

import itertools
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

from bot.outbox.domain import OutgoingPost
from bot.outbox.sender import OutboxSender
from bot.scheduling.registry import after_delivery_hook
from bot.wiring import Container
from tests.support.clock import FakeClock
from tests.support.fake_slack import TEAM_ID, FakeSlackApi
from tests.support.rituals import EchoRitual, echo_of

RITUAL = "echo-digest"


def _setup(container: Container, clock: FakeClock, *, replies: int = 0) -> EchoRitual:
    ritual = echo_of(container)
    ritual.replies = replies
    container.services.workspaces.ensure_workspace(team_id=TEAM_ID, now=clock())
    return ritual


def _fast_sender(container: Container, clock: FakeClock, **kwargs: float) -> OutboxSender:
    options = {"interval": 0.05, "backoff_base": 0.05, **kwargs}
    return OutboxSender(
        sessions=container.sessions,
        client=container.client,
        metrics=container.metrics,
        clock=clock,
        on_delivered=after_delivery_hook(container.registry, clock),
        **options,  # type: ignore[arg-type]
    )


def _posts_per_channel(fake_slack: FakeSlackApi) -> Counter[str]:
    return Counter(call.channel or "" for call in fake_slack.calls_to("chat.postMessage"))


def test_running_a_ritual_twice_for_one_period_posts_once(
    container: Container, clock: FakeClock, fake_slack: FakeSlackApi
) -> None:
    ritual = _setup(container, clock)
    channels = ["C1", "C2", "C3"]
    first = container.dispatcher.run_ritual(
        team_id=TEAM_ID, ritual=RITUAL, period="2026-W47", channel_ids=channels, now=clock()
    )
    second = container.dispatcher.run_ritual(
        team_id=TEAM_ID, ritual=RITUAL, period="2026-W47", channel_ids=channels, now=clock()
    )
    assert container.sender.drain(timeout=20)

    assert (first.posts, second.posts, second.skipped) == (3, 0, channels)
    assert len(ritual.composed) == 3
    assert _posts_per_channel(fake_slack) == {"C1": 1, "C2": 1, "C3": 1}
    rows = container.outbox.deliveries(team_id=TEAM_ID, period="2026-W47")
    assert {(row.state, row.ts is not None) for row in rows} == {("sent", True)}


def test_enqueue_of_an_existing_key_creates_nothing(container: Container, clock: FakeClock) -> None:
    _setup(container, clock)

    post = OutgoingPost(part="digest", text="hello", blocks=[])
    with container.sessions.begin() as session:
        created = [
            container.outbox.enqueue(
                session,
                team_id=TEAM_ID,
                ritual=RITUAL,
                period="2026-11",
                channel_id="C1",
                posts=[post],
                now=clock(),
            )
            for _ in range(2)
        ]
    assert created == [1, 0]
    assert len(container.outbox.deliveries(team_id=TEAM_ID)) == 1


def test_429_bursts_and_5xx_deliver_everything_exactly_once(
    container: Container, clock: FakeClock, fake_slack: FakeSlackApi
) -> None:
    _setup(container, clock, replies=2)
    channels = [f"C{i}" for i in range(6)]
    fake_slack.rate_limit("chat.postMessage", times=4, retry_after=1)
    fake_slack.fail("chat.postMessage", status=503, times=3)
    fake_slack.rate_limit("chat.postMessage", channel="C3", times=2, retry_after=1)
    container.dispatcher.run_ritual(
        team_id=TEAM_ID, ritual=RITUAL, period="2026-W47", channel_ids=channels, now=clock()
    )
    sender = _fast_sender(container, clock)
    assert sender.drain(timeout=30)

    texts = Counter((c.channel, c.params["text"]) for c in fake_slack.calls_to("chat.postMessage"))
    assert len(texts) == 18
    assert set(texts.values()) == {1}
    assert sender.stats.ratelimited == 6
    assert sender.stats.retried == 3
    metrics = container.metrics.render().decode()
    assert 'opsbot_deliveries_total{outcome="ratelimited",ritual="echo-digest"} 6.0' in metrics
    assert 'opsbot_deliveries_total{outcome="retried",ritual="echo-digest"} 3.0' in metrics
    assert 'opsbot_deliveries_total{outcome="sent",ritual="echo-digest"} 18.0' in metrics


def test_replies_go_in_the_thread_of_their_parent_and_the_ritual_hears_when_done(
    container: Container, clock: FakeClock, fake_slack: FakeSlackApi
) -> None:
    ritual = _setup(container, clock, replies=2)
    container.dispatcher.run_ritual(
        team_id=TEAM_ID, ritual=RITUAL, period="2026-W47", channel_ids=["C1"], now=clock()
    )
    assert _fast_sender(container, clock).drain(timeout=10)

    parent_ts = container.outbox.sent_message(
        team_id=TEAM_ID, ritual=RITUAL, period="2026-W47", channel_id="C1", part="parent"
    )
    calls = fake_slack.calls_to("chat.postMessage")
    assert [c.params.get("thread_ts") for c in calls] == [None, parent_ts, parent_ts]
    sent = {row.part: row.ts for row in container.outbox.deliveries(team_id=TEAM_ID)}
    assert len(set(sent.values())) == 3
    assert ritual.delivered == [("C1", "2026-W47", sent)]


def test_posts_are_spaced_about_one_per_second_per_channel(
    container: Container, clock: FakeClock, fake_slack: FakeSlackApi
) -> None:
    _setup(container, clock, replies=2)
    fake_slack.enforce_channel_rate(per_second=1.0)
    container.dispatcher.run_ritual(
        team_id=TEAM_ID, ritual=RITUAL, period="2026-W47", channel_ids=["C1", "C2"], now=clock()
    )
    # The stand-in measures *arrivals*, which jitter by tens of milliseconds on a busy machine;
    # the production sender starts a channel's next post one second after Slack *answered*
    # the previous one, so no jitter can bring two arrivals closer than a second.
    assert container.sender.drain(timeout=20)

    assert fake_slack.attempts_to("chat.postMessage") == fake_slack.calls_to("chat.postMessage")
    for channel in ("C1", "C2"):
        times = [c.at for c in fake_slack.calls_to("chat.postMessage") if c.channel == channel]
        assert len(times) == 3
        assert min(b - a for a, b in itertools.pairwise(times)) >= 1.0


def test_a_channel_the_bot_cannot_post_in_fails_its_run_and_tells_the_admins(
    container: Container, clock: FakeClock, fake_slack: FakeSlackApi
) -> None:
    _setup(container, clock, replies=1)
    fake_slack.add_user("UADMIN", is_admin=True)
    container.services.admins.refresh(team_id=TEAM_ID, user_id="UADMIN")
    fake_slack.error("chat.postMessage", "not_in_channel", channel="CGONE")
    container.dispatcher.run_ritual(
        team_id=TEAM_ID, ritual=RITUAL, period="2026-W47", channel_ids=["CGONE", "C1"], now=clock()
    )
    assert _fast_sender(container, clock).drain(timeout=10)

    rows = container.outbox.deliveries(team_id=TEAM_ID)
    assert sorted((r.channel_id, r.part, r.state, r.error) for r in rows) == [
        ("C1", "parent", "sent", None),
        ("C1", "reply:0", "sent", None),
        ("CGONE", "parent", "failed", "not_in_channel"),
        ("CGONE", "reply:0", "failed", "not_in_channel"),
    ]
    notes = [c for c in fake_slack.calls_to("chat.postMessage") if c.channel == "UADMIN"]
    assert len(notes) == 1
    assert "<#CGONE>" in notes[0].params["text"]
    assert "invite me" in notes[0].params["text"]


def test_a_crash_in_the_middle_of_a_fan_out_resumes_with_one_post_per_channel(
    container: Container, clock: FakeClock, fake_slack: FakeSlackApi
) -> None:
    _setup(container, clock, replies=2)
    channels = [f"C{i:02d}" for i in range(16)]
    container.dispatcher.run_ritual(
        team_id=TEAM_ID, ritual=RITUAL, period="2026-W47", channel_ids=channels, now=clock()
    )
    fake_slack.stall("chat.postMessage", 0.4, times=None)
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
    time.sleep(1.5)  # requests the dead worker had in flight still reach Slack
    before = len(fake_slack.calls_to("chat.postMessage"))
    clock.now = datetime.now(UTC) + timedelta(minutes=10)

    assert 4 <= before < 3 * len(channels)
    assert _fast_sender(container, clock).drain(timeout=60)
    texts = Counter((c.channel, c.params["text"]) for c in fake_slack.calls_to("chat.postMessage"))
    assert len(texts) == 3 * len(channels)
    assert set(texts.values()) == {1}
    rows = container.outbox.deliveries(team_id=TEAM_ID)
    assert {row.state for row in rows} == {"sent"}
