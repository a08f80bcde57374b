"""The fixes of the triage split, through the real app with Slack as a local stand-in: closing
through the outbox, housekeeping per workspace, helpdesk text entering mrkdwn only escaped, and
private replies through the shared path (a DM in Slack Connect, never in the channel)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.rituals.triage.ids import TriageIds
from bot.wiring import Container
from tests.support.clock import FakeClock
from tests.support.driver import SlackDriver, all_text
from tests.support.fake_slack import TEAM_ID, FakeSlackApi
from tests.support.people import reviewer
from tests.test_triage_slack import (
    CHANNEL,
    RITUAL,
    SECRET,
    _click,
    _deliver,
    _file_three,
    _hook,
    _posts,
    _run_week,
    _summaries,
    _ticket_posts,
    _ts_of,
    _zendesk,
)

OTHER_TEAM = "T0OTHER"


@pytest.fixture
def configured(container: Container, clock: FakeClock) -> Container:
    for person in ("U1", "UPM", "UA", "ULEAD"):  # the clickers review (close, re-post)
        reviewer(container, person)
    container.services.triage.configure(
        team_id=TEAM_ID,
        changes={"channel_id": CHANNEL, "sla_days": 7, "webhook_secret": SECRET},
        user_id="UADMIN",
        now=clock(),
    )
    return container


def _close_button(slack: SlackDriver, fake_slack: FakeSlackApi) -> Callable[[], None]:
    """A Close triage click on the thread's parent, to send once or twice."""
    parent = _posts(fake_slack)[0]
    session_id = next(
        e["value"] for b in parent["blocks"] if b["type"] == "actions" for e in b["elements"]
    )
    parent_ts = _ts_of(fake_slack, parent)

    def click() -> None:
        slack.send(
            slack.requests.block_action(
                TriageIds.CLOSE.value,
                session_id,
                user_id="ULEAD",
                channel_id=CHANNEL,
                message_ts=parent_ts,
            )
        )

    return click


def test_a_helpdesk_ticket_cannot_ping_the_channel_or_plant_a_link_in_the_thread(
    slack: SlackDriver, configured: Container, clock: FakeClock, fake_slack: FakeSlackApi
) -> None:
    hostile = "<!channel> <https://evil.example|click>"
    _hook(
        slack,
        _zendesk("66", hostile, account="Acme & <!here>", url="javascript://x.io/%0aalert(1)"),
    )

    _run_week(configured, clock)

    [ticket_post] = [p for p in _posts(fake_slack) if p.get("thread_ts")]
    text = all_text(ticket_post["blocks"]) + ticket_post["text"]
    assert "&lt;!channel&gt; &lt;https://evil.example|click&gt;" in text
    assert "account: Acme &amp; &lt;!here&gt;" in text
    assert "<!channel>" not in text
    assert "<!here>" not in text
    assert "<https://evil.example" not in text
    assert "javascript" not in text  # an unsafe URL is not linked (only the word "helpdesk")


def test_the_close_button_enqueues_the_summary_once_and_a_later_sender_posts_it(
    slack: SlackDriver, configured: Container, clock: FakeClock, fake_slack: FakeSlackApi
) -> None:
    _file_three(slack)
    _run_week(configured, clock)

    parent_ts = _ts_of(fake_slack, _posts(fake_slack)[0])
    close = _close_button(slack, fake_slack)

    close()
    fake_slack.wait_for("chat.update")
    close()
    fake_slack.wait_for("chat.postEphemeral")

    pending = [
        r
        for r in configured.outbox.deliveries(team_id=TEAM_ID, ritual=RITUAL)
        if r.part.startswith("summary:")
    ]
    assert [(r.part, r.state) for r in pending] == [("summary:1", "pending")]
    assert _summaries(fake_slack) == []  # nothing posted yet: a crash here loses nothing
    _deliver(configured, clock)
    _deliver(configured, clock)
    summaries = _summaries(fake_slack)
    assert len(summaries) == 1
    assert summaries[0]["thread_ts"] == parent_ts


def test_the_summary_still_reaches_the_thread_when_the_parent_cannot_be_updated(
    slack: SlackDriver, configured: Container, clock: FakeClock, fake_slack: FakeSlackApi
) -> None:
    configured.services.triage.configure(
        team_id=TEAM_ID, changes={"close_after_hours": 1}, user_id="UADMIN", now=clock()
    )
    _file_three(slack)
    _run_week(configured, clock)
    fake_slack.error("chat.update", "cant_update_message")

    configured.housekeeping(clock.advance(hours=2))
    _deliver(configured, clock)

    assert fake_slack.calls_to("chat.update") == []
    assert len(_summaries(fake_slack)) == 1


def test_one_workspace_that_cannot_be_read_does_not_stop_the_others_from_closing(
    slack: SlackDriver, configured: Container, clock: FakeClock, fake_slack: FakeSlackApi
) -> None:
    triage = configured.services.triage
    _hook(slack, _zendesk("1", "Ours"))
    _run_week(configured, clock)
    triage.configure(
        team_id=TEAM_ID, changes={"close_after_hours": "soon"}, user_id="UADMIN", now=clock()
    )
    triage.configure(
        team_id=OTHER_TEAM, changes={"close_after_hours": 1}, user_id="UADMIN", now=clock()
    )
    triage.plan_thread(team_id=OTHER_TEAM, channel_id="COTHER", period="w", now=clock())
    triage.record_delivery(
        team_id=OTHER_TEAM, channel_id="COTHER", period="w", sent={"parent": "1.1"}, now=clock()
    )

    configured.housekeeping(clock.advance(hours=2))

    other = [r.part for r in configured.outbox.deliveries(team_id=OTHER_TEAM)]
    ours = [r.part for r in configured.outbox.deliveries(team_id=TEAM_ID)]
    assert other == ["summary:1"]
    assert not any(part.startswith("summary:") for part in ours)


def test_in_a_slack_connect_channel_the_loser_of_a_race_is_told_by_dm_not_in_the_channel(
    slack: SlackDriver, configured: Container, clock: FakeClock, fake_slack: FakeSlackApi
) -> None:
    fake_slack.add_channel(CHANNEL, is_ext_shared=True)
    _hook(slack, _zendesk("1", "Login loops"))
    _run_week(configured, clock)
    [(ticket_id, ts)] = _ticket_posts(fake_slack).items()
    _click(slack, TriageIds.KNOWN, ticket_id, ts, user="UPM")
    fake_slack.wait_for("chat.update")
    posts_before = len(fake_slack.calls_to("chat.postMessage"))

    _click(slack, TriageIds.NEEDS_INFO, ticket_id, ts, user="ULEAD")

    posted = fake_slack.wait_for("chat.postMessage", posts_before + 1)
    told = [c.params for c in posted if c.channel == "ULEAD"]
    assert fake_slack.calls_to("chat.postEphemeral") == []
    assert len(told) == 1
    assert "<@UPM> already triaged *Login loops* as *Known issue*" in told[0]["text"]


def test_a_message_sent_to_triage_is_prefilled_as_typed_not_as_slack_entities(
    slack: SlackDriver, configured: Container, fake_slack: FakeSlackApi
) -> None:
    slack.send(
        slack.requests.message_shortcut(
            TriageIds.MESSAGE_SHORTCUT.value,
            text="Exports &lt;50k rows&gt; &amp; <!channel> fail",
            author_id="U2",
            channel_id="C7",
        )
    )

    view = fake_slack.wait_for("views.open")[0].params["view"]
    titles = [b["element"].get("initial_value") for b in view["blocks"] if "element" in b]
    assert titles[0] == "Exports <50k rows> & <!channel> fail"
