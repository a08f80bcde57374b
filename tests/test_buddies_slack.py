"""The buddy ritual end to end through the real Flask + Bolt app and the outbox, asserting on what
Slack received (the Web API stand-in) and what is stored."""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.rituals.buddies import jobs as buddy_jobs
from bot.rituals.buddies.ids import BuddyIds, BuddyRitual
from bot.rituals.buddies.models import BuddyCall, BuddyMember, BuddyPair, BuddyTakeaway
from bot.rituals.buddies.service import BuddyService
from bot.scheduling.domain import ScheduleRule
from bot.wiring import Container, build_container
from tests.support.buddies import call_form_values, install_buddies
from tests.support.cli import run_cli
from tests.support.clock import FakeClock
from tests.support.driver import SlackDriver, all_text, body_json
from tests.support.fake_slack import TEAM_ID, FakeSlackApi
from tests.support.feedback_forms import feedback_form_values
from tests.support.slack_requests import SlackRequests

NY = "America/New_York"
BERLIN = "Europe/Berlin"


@pytest.fixture
def buddies(container: Container) -> BuddyService:
    return install_buddies(container)


@pytest.fixture
def people(fake_slack: FakeSlackApi, container: Container) -> None:
    fake_slack.add_user("UADMIN", name="Ada", tz=BERLIN, is_admin=True)
    container.services.admins.refresh(team_id=TEAM_ID, user_id="UADMIN")  # a known admin
    fake_slack.add_user("R1", name="Rita", tz=NY)
    fake_slack.add_user("R2", name="Rob", tz=BERLIN)
    fake_slack.add_user("P1", name="Pia", tz=BERLIN)
    fake_slack.add_user("P2", name="Pat", tz=NY)


def _answers(fake_slack: FakeSlackApi, count: int) -> list[dict[str, Any]]:
    return [body for _, body in fake_slack.wait_for_response(count)]


def _join(slack: SlackDriver, fake_slack: FakeSlackApi, **groups: str) -> None:
    for user_id, group in groups.items():
        before = len(fake_slack.responses)
        slack.command("/buddy", f"join {group}", user_id=user_id)
        fake_slack.wait_for_response(before + 1)


def _pair(container: Container, clock: FakeClock, cycle: str = "2026-11") -> None:
    container.dispatcher.run_ritual(
        team_id=TEAM_ID, ritual=BuddyRitual.PAIRING.value, period=cycle, now=clock()
    )
    assert container.sender.drain(timeout=20)


def _posts(fake_slack: FakeSlackApi, channel: str) -> list[dict[str, Any]]:
    return [c.params for c in fake_slack.calls_to("chat.postMessage") if c.channel == channel]


def _calls(container: Container) -> list[BuddyCall]:
    with container.sessions() as session:
        return list(session.scalars(select(BuddyCall).order_by(BuddyCall.id)))


def _share(
    slack: SlackDriver,
    fake_slack: FakeSlackApi,
    *,
    rep: str,
    day: date,
    at: time,
    link: str = "https://meet.example.com/abc",
    account: str = "Acme",
) -> dict[str, Any]:
    opened = len(fake_slack.calls_to("views.open"))
    confirmed = len(fake_slack.calls_to("chat.postEphemeral"))
    slack.command("/buddy", "call", user_id=rep)
    view = fake_slack.wait_for("views.open", opened + 1)[-1].params["view"]
    response = slack.send(
        slack.requests.view_submission(
            BuddyIds.CALL_MODAL.value,
            call_form_values(account=account, day=day, at=at, link=link),
            user_id=rep,
            private_metadata=view["private_metadata"],
        )
    )
    text = response.get_data(as_text=True)
    if text:
        return dict(json.loads(text))
    # The rep's confirmation comes after the ask or offers were handed to the outbox.
    fake_slack.wait_for("chat.postEphemeral", confirmed + 1)
    return {}


def _click(
    slack: SlackDriver,
    fake_slack: FakeSlackApi,
    action: BuddyIds | str,
    value: str,
    *,
    user: str,
    channel: str,
) -> dict[str, Any]:
    """Clicks a button and returns the answer it got through its response_url."""
    before = len(fake_slack.responses)
    slack.send(slack.requests.block_action(str(action), value, user_id=user, channel_id=channel))
    return _answers(fake_slack, before + 1)[before]


def _command(
    slack: SlackDriver, fake_slack: FakeSlackApi, text: str, *, user: str
) -> dict[str, Any]:
    before = len(fake_slack.responses)
    slack.command("/buddy", text, user_id=user)
    return _answers(fake_slack, before + 1)[before]


def _run_reminders(container: Container, now: datetime) -> None:
    container.dispatcher.run_ritual(
        team_id=TEAM_ID, ritual=BuddyRitual.REMINDERS.value, now=now, period="reminders"
    )


def _reminder_rows(container: Container) -> set[tuple[str, str]]:
    rows = container.outbox.deliveries(team_id=TEAM_ID, ritual=BuddyRitual.REMINDERS.value)
    return {(r.period, r.channel_id) for r in rows}


# ---- enrolment -------------------------------------------------------------------------------


def test_join_twice_is_refused_and_leave_and_snooze_answer_privately(
    slack: SlackDriver,
    fake_slack: FakeSlackApi,
    container: Container,
    buddies: BuddyService,
    people: None,
) -> None:
    slack.command("/buddy", "join pm", user_id="P1")
    _answers(fake_slack, 1)
    slack.command("/buddy", "join pm", user_id="P1")
    answers = _answers(fake_slack, 2)
    slack.command("/buddy", "snooze 2026-12-24", user_id="P1")
    snoozed = _answers(fake_slack, 3)[-1]
    with container.sessions() as session:
        member = session.scalars(select(BuddyMember)).one()
        assert (member.group_name, str(member.snoozed_until)) == ("pm", "2026-12-24")
    slack.command("/buddy", "leave", user_id="P1")
    left = _answers(fake_slack, 4)[-1]

    assert "You're in the *PM* group" in answers[0]["text"]
    assert "already in the PM group" in answers[1]["text"]
    assert all(a["response_type"] == "ephemeral" for a in (*answers, snoozed, left))
    assert "Snoozed until 2026-12-24" in snoozed["text"]
    assert "left the buddy programme" in left["text"]
    with container.sessions() as session:
        assert session.scalars(select(BuddyMember.active)).one() is False


def test_joining_keeps_the_persons_slack_time_zone(
    slack: SlackDriver,
    fake_slack: FakeSlackApi,
    container: Container,
    buddies: BuddyService,
    people: None,
) -> None:
    _join(slack, fake_slack, R1="sales")

    assert buddies.time_zone_of(team_id=TEAM_ID, user_id="R1") == NY


def test_unknown_subcommand_answers_with_help_privately(
    slack: SlackDriver, buddies: BuddyService
) -> None:
    answer = body_json(slack.command("/buddy", "dance", user_id="R1"))

    assert answer.get("response_type", "ephemeral") == "ephemeral"
    assert "I don't know `/buddy dance`" in all_text(answer["blocks"])
    assert "/buddy join pm" in all_text(answer["blocks"])


def test_buddy_alone_shows_my_buddy_and_upcoming_calls(
    slack: SlackDriver,
    fake_slack: FakeSlackApi,
    container: Container,
    clock: FakeClock,
    buddies: BuddyService,
    people: None,
) -> None:
    _join(slack, fake_slack, R1="sales", P2="pm")
    _pair(container, clock)
    before = len(fake_slack.responses)

    slack.command("/buddy", "", user_id="R1")

    answer = _answers(fake_slack, before + 1)[-1]
    assert answer["response_type"] == "ephemeral"
    assert "Your buddy PM: <@P2>" in all_text(answer["blocks"])
    assert "Upcoming calls" in all_text(answer["blocks"])


def test_admins_add_people_groups_and_channels_and_remove_them(
    slack: SlackDriver,
    fake_slack: FakeSlackApi,
    container: Container,
    buddies: BuddyService,
    people: None,
) -> None:
    fake_slack.usergroups["S1"] = ["R1", "R2"]
    fake_slack.channel_members["C9"] = ["P1", "P2"]
    fake_slack.add_user("RGONE", tz=NY)
    fake_slack.users["RGONE"]["deleted"] = True

    commands = [
        ("add <@R1> pm", "P1"),
        ("add <!subteam^S1|@sales> <@RGONE> sales", "UADMIN"),
        ("add <#C9|product> pm", "UADMIN"),
        ("remove <@R2>", "UADMIN"),
    ]
    for count, (text, user) in enumerate(commands, start=1):
        slack.command("/buddy", text, user_id=user)
        _answers(fake_slack, count)
    answers = [a["text"] for a in _answers(fake_slack, 4)]

    assert any("Only workspace admins" in a for a in answers)
    assert any("Skipped (left the workspace): <@RGONE>" in a for a in answers)
    assert any("Removed from the buddy programme: <@R2>" in a for a in answers)
    with container.sessions() as session:
        rows = session.scalars(select(BuddyMember).order_by(BuddyMember.user_id))
        assert [(m.user_id, m.group_name, m.active) for m in rows] == [
            ("P1", "pm", True),
            ("P2", "pm", True),
            ("R1", "sales", True),
            ("R2", "sales", False),
        ]


# ---- pairing ---------------------------------------------------------------------------------


def test_pairing_run_introduces_each_pair_in_one_group_dm_saying_why(
    slack: SlackDriver,
    fake_slack: FakeSlackApi,
    container: Container,
    clock: FakeClock,
    buddies: BuddyService,
    people: None,
) -> None:
    _join(slack, fake_slack, R1="sales", R2="sales", P1="pm", P2="pm")

    _pair(container, clock)
    _pair(container, clock)  # a second run of the same cycle posts nothing new

    opened = {c.params["users"] for c in fake_slack.calls_to("conversations.open")}
    assert {"P2,R1", "P1,R2"} <= {",".join(sorted(u.split(","))) for u in opened}
    intro_ny = _posts(fake_slack, "GP2R1")
    intro_berlin = _posts(fake_slack, "GP1R2")
    assert len(intro_ny) == 1
    assert len(intro_berlin) == 1
    assert "8 h of shared working hours" in all_text(intro_ny[0]["blocks"])
    assert "/buddy call" in all_text(intro_berlin[0]["blocks"])


def test_ops_style_run_now_re_pairs_avoiding_the_last_cycle(
    slack: SlackDriver,
    fake_slack: FakeSlackApi,
    container: Container,
    clock: FakeClock,
    buddies: BuddyService,
    people: None,
) -> None:
    _join(slack, fake_slack, R1="sales", R2="sales", P1="pm", P2="pm")
    _pair(container, clock)
    clock.advance(days=1)

    container.dispatcher.run_now(team_id=TEAM_ID, ritual=BuddyRitual.PAIRING.value, now=clock())
    assert container.sender.drain(timeout=20)

    with container.sessions() as session:
        pairs = session.scalars(select(BuddyPair).order_by(BuddyPair.id)).all()
    first = {(p.rep_user_id, p.pm_user_id) for p in pairs if p.cycle == "2026-11"}
    second = {(p.rep_user_id, p.pm_user_id, p.last_together) for p in pairs if p.cycle != "2026-11"}
    assert first == {("R1", "P2"), ("R2", "P1")}
    assert second == {("R1", "P1", None), ("R2", "P2", None)}
    assert "no shared working hours" not in all_text(_posts(fake_slack, "GP1R1")[0]["blocks"])


def test_ops_run_buddy_pairing_re_pairs_now_through_slack(
    slack: SlackDriver,
    fake_slack: FakeSlackApi,
    container: Container,
    clock: FakeClock,
    buddies: BuddyService,
    people: None,
) -> None:
    _join(slack, fake_slack, R1="sales", P1="pm")
    before = len(fake_slack.responses)

    slack.command("/ops", "run buddy-pairing", user_id="UADMIN")
    answer = _answers(fake_slack, before + 1)[before]
    assert container.sender.drain(timeout=20)

    assert answer["response_type"] == "ephemeral"
    assert len(_posts(fake_slack, "GP1R1")) == 1
    with container.sessions() as session:
        assert [p.cycle for p in session.scalars(select(BuddyPair))] == [
            f"now-{clock():%Y%m%dT%H%M%S}"
        ]


def test_without_a_schedule_the_sweep_pairs_each_month_once_and_a_schedule_takes_over(
    slack: SlackDriver,
    fake_slack: FakeSlackApi,
    container: Container,
    clock: FakeClock,
    buddies: BuddyService,
    people: None,
) -> None:
    _join(slack, fake_slack, R1="sales", P1="pm")

    container.housekeeping(clock())
    container.housekeeping(clock())
    assert container.sender.drain(timeout=20)
    container.schedules.save(
        team_id=TEAM_ID,
        ritual=BuddyRitual.PAIRING.value,
        channel_ids=["C1"],
        rule=ScheduleRule.monthly(15, "10:00"),
        now=clock(),
    )
    clock.now = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    container.housekeeping(clock())

    with container.sessions() as session:
        assert [p.cycle for p in session.scalars(select(BuddyPair))] == ["2026-11"]
    assert len(_posts(fake_slack, "GP1R1")) == 1


def test_introductions_beyond_one_runs_budget_or_a_429_go_out_with_the_sweep(
    slack: SlackDriver,
    fake_slack: FakeSlackApi,
    container: Container,
    clock: FakeClock,
    buddies: BuddyService,
    people: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(buddy_jobs, "INTRO_OPENS_PER_RUN", 1)
    _join(slack, fake_slack, R1="sales", R2="sales", P1="pm", P2="pm")
    fake_slack.rate_limit("conversations.open", times=1)

    _pair(container, clock)  # Slack says 429: paired, nobody introduced yet
    assert _posts(fake_slack, "GP2R1") + _posts(fake_slack, "GP1R2") == []
    container.housekeeping(clock())
    container.housekeeping(clock())
    container.housekeeping(clock())  # nothing left to introduce
    assert container.sender.drain(timeout=20)

    assert len(_posts(fake_slack, "GP2R1")) == 1
    assert len(_posts(fake_slack, "GP1R2")) == 1
    with container.sessions() as session:
        assert set(session.scalars(select(BuddyPair.channel_id))) == {"GP2R1", "GP1R2"}


def test_an_unavoidable_repeat_says_when_the_pair_last_worked_together(
    slack: SlackDriver,
    fake_slack: FakeSlackApi,
    container: Container,
    clock: FakeClock,
    buddies: BuddyService,
    people: None,
) -> None:
    _join(slack, fake_slack, R1="sales", P1="pm")
    _pair(container, clock, "2026-11")
    clock.now = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)

    _pair(container, clock, "2026-12")

    intros = [all_text(p["blocks"]) for p in _posts(fake_slack, "GP1R1")]
    assert len(intros) == 2
    assert "you haven't been paired before" in intros[0]
    assert "you last worked together in November 2026" in intros[1]


def test_people_who_left_slack_leave_the_pool_and_admins_are_told_once(
    slack: SlackDriver,
    fake_slack: FakeSlackApi,
    container: Container,
    clock: FakeClock,
    buddies: BuddyService,
    people: None,
) -> None:
    slack.command("/buddy", "target 2", user_id="UADMIN")  # the admin is known to opsbot
    _answers(fake_slack, 1)
    _join(slack, fake_slack, R1="sales", P1="pm", P2="pm")
    fake_slack.users["P2"]["deleted"] = True
    clock.advance(days=2)  # records older than a day are re-read before pairing

    _pair(container, clock, "2026-11")
    clock.advance(days=30)
    _pair(container, clock, "2026-12")

    notes = _posts(fake_slack, "DUADMIN")
    assert [n["text"] for n in notes] == [
        ":wave: <@P2> has left the workspace, so I took them out of the buddy pool. "
        "Their calls stay in the export."
    ]
    with container.sessions() as session:
        assert set(session.scalars(select(BuddyPair.pm_user_id))) == {"P1"}


# ---- calls -----------------------------------------------------------------------------------


@pytest.fixture
def paired(
    slack: SlackDriver,
    fake_slack: FakeSlackApi,
    container: Container,
    clock: FakeClock,
    buddies: BuddyService,
    people: None,
) -> None:
    """R1 (New York) with P2 (New York), R2 (Berlin) with P1 (Berlin)."""
    _join(slack, fake_slack, R1="sales", R2="sales", P1="pm", P2="pm")
    _pair(container, clock)


def test_sharing_a_call_asks_the_buddy_pm_with_join_and_decline(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container, paired: None
) -> None:
    slack.command("/buddy", "call", user_id="R1")
    view = fake_slack.wait_for("views.open")[0].params["view"]

    answer = _share(slack, fake_slack, rep="R1", day=date(2026, 11, 20), at=time(10, 0))
    assert container.sender.drain(timeout=20)

    assert view["callback_id"] == BuddyIds.CALL_MODAL.value
    assert NY in all_text(view["blocks"])
    assert answer == {}
    [call] = _calls(container)
    assert (call.rep_user_id, call.buddy_user_id, call.status) == ("R1", "P2", "asked")
    assert call.starts_at == datetime(2026, 11, 20, 15, 0, tzinfo=UTC)  # 10:00 in New York
    [ask] = _posts(fake_slack, "DP2")
    text = all_text(ask["blocks"])
    assert BuddyIds.JOIN.value in text
    assert BuddyIds.DECLINE.value in text
    assert f"<!date^{int(call.starts_at.timestamp())}^{{date_short_pretty}} at {{time}}|" in text
    assert "calendar.google.com/calendar/render?action=TEMPLATE" in text
    confirmation = fake_slack.wait_for("chat.postEphemeral")[0].params
    assert "asked your buddy <@P2>" in confirmation["text"]


def test_claiming_tells_the_rep_and_a_later_click_learns_who_has_it(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container, paired: None
) -> None:
    _share(slack, fake_slack, rep="R1", day=date(2026, 11, 20), at=time(10, 0))
    [call] = _calls(container)

    answers = [
        _click(slack, fake_slack, BuddyIds.JOIN, str(call.id), user="P2", channel="DP2"),
        _click(slack, fake_slack, BuddyIds.JOIN, str(call.id), user="P2", channel="DP2"),
    ]
    assert container.sender.drain(timeout=20)

    assert answers[0]["replace_original"] is True
    assert "You're joining" in all_text(answers[0]["blocks"])
    assert "already joining" in answers[1]["text"]
    assert [c.owner_user_id for c in _calls(container)] == ["P2"]
    [note] = _posts(fake_slack, "DR1")
    assert note["text"] == "<@P2> will join your call with Acme."


def test_two_clicks_at_once_on_an_open_call_make_one_owner(
    container: Container,
    fake_slack: FakeSlackApi,
    slack_requests: SlackRequests,
    slack: SlackDriver,
    paired: None,
) -> None:
    _share(slack, fake_slack, rep="R1", day=date(2026, 11, 20), at=time(10, 0))
    [call] = _calls(container)
    _click(slack, fake_slack, BuddyIds.DECLINE, str(call.id), user="P2", channel="DP2")
    fake_slack.add_user("P3", tz=BERLIN)
    _join(slack, fake_slack, P3="pm")
    barrier = threading.Barrier(2)
    before = len(fake_slack.responses)

    def click(user: str) -> None:
        driver = SlackDriver(container.web, slack_requests)
        barrier.wait()
        driver.send(
            slack_requests.block_action(
                BuddyIds.JOIN.value, str(call.id), user_id=user, channel_id=f"D{user}"
            )
        )

    threads = [threading.Thread(target=click, args=(u,)) for u in ("P1", "P3")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    answers = _answers(fake_slack, before + 2)[before:]

    owner = _calls(container)[0].owner_user_id
    assert owner in {"P1", "P3"}
    joined = [a for a in answers if "You're joining" in all_text(a.get("blocks") or [])]
    taken = [a for a in answers if f"<@{owner}> already joined" in all_text(a.get("blocks") or [])]
    assert (len(joined), len(taken)) == (1, 1)


def test_a_declined_call_is_offered_to_the_other_pms_with_room(
    slack: SlackDriver,
    fake_slack: FakeSlackApi,
    container: Container,
    clock: FakeClock,
    buddies: BuddyService,
    paired: None,
) -> None:
    fake_slack.add_user("P3", tz=BERLIN)
    _join(slack, fake_slack, P3="pm")
    _command(slack, fake_slack, "target 1", user="UADMIN")
    # P3 already joined one call this month: at the target, so not offered another.
    _share(slack, fake_slack, rep="R2", day=date(2026, 11, 18), at=time(10, 0))
    first = _calls(container)[0]
    _click(slack, fake_slack, BuddyIds.DECLINE, str(first.id), user="P1", channel="DP1")
    _click(slack, fake_slack, BuddyIds.JOIN, str(first.id), user="P3", channel="DP3")

    _share(slack, fake_slack, rep="R1", day=date(2026, 11, 20), at=time(10, 0))
    second = _calls(container)[1]
    declined = _click(slack, fake_slack, BuddyIds.DECLINE, str(second.id), user="P2", channel="DP2")
    assert container.sender.drain(timeout=30)

    assert "offered it to the other PMs" in all_text(declined["blocks"])
    offers = sorted(
        channel
        for period, channel in _reminder_rows(container)
        if period == f"call:{second.id}:offer"
    )
    assert offers == ["DP1"]  # not the decliner, not P3 at the target
    refused = _click(slack, fake_slack, BuddyIds.JOIN, str(second.id), user="P3", channel="DP3")
    assert "this one stays open for PMs with room" in refused["text"]


def test_a_rep_without_a_buddy_has_the_call_offered_to_every_pm_with_room(
    slack: SlackDriver,
    fake_slack: FakeSlackApi,
    container: Container,
    buddies: BuddyService,
    people: None,
) -> None:
    _join(slack, fake_slack, R1="sales", P1="pm", P2="pm")

    _share(slack, fake_slack, rep="R1", day=date(2026, 11, 20), at=time(10, 0))
    assert container.sender.drain(timeout=20)

    assert [c.status for c in _calls(container)] == ["offered"]
    assert len(_posts(fake_slack, "DP1")) == 1
    assert len(_posts(fake_slack, "DP2")) == 1
    confirmation = fake_slack.wait_for("chat.postEphemeral")[0].params
    assert "offered your call" in confirmation["text"]


def test_an_ask_unanswered_24_hours_before_the_call_is_offered_to_the_others(
    container: Container,
    fake_slack: FakeSlackApi,
    slack: SlackDriver,
    clock: FakeClock,
    paired: None,
) -> None:
    _share(slack, fake_slack, rep="R1", day=date(2026, 11, 20), at=time(10, 0))

    _run_reminders(container, datetime(2026, 11, 19, 14, 59, tzinfo=UTC))
    assert [c.status for c in _calls(container)] == ["asked"]
    _run_reminders(container, datetime(2026, 11, 19, 15, 0, tzinfo=UTC))
    assert container.sender.drain(timeout=20)

    assert [c.status for c in _calls(container)] == ["offered"]
    assert any("needs a PM" in p["text"] for p in _posts(fake_slack, "DP1"))


@pytest.mark.parametrize(
    ("day", "at", "link", "block", "message"),
    [
        (date(2026, 11, 16), time(3, 0), "https://meet.example.com/x", "buddy-day", "passed"),
        (date(2027, 3, 1), time(10, 0), "https://meet.example.com/x", "buddy-day", "90 days"),
        (date(2026, 11, 20), time(10, 0), "not a link", "buddy-link", "meeting link"),
    ],
)
def test_bad_call_input_is_shown_in_the_form_and_nothing_is_stored(
    slack: SlackDriver,
    fake_slack: FakeSlackApi,
    container: Container,
    paired: None,
    day: date,
    at: time,
    link: str,
    block: str,
    message: str,
) -> None:
    answer = _share(slack, fake_slack, rep="R1", day=day, at=at, link=link)

    assert answer["response_action"] == "errors"
    assert message in answer["errors"][block]
    assert _calls(container) == []
    assert container.outbox.deliveries(team_id=TEAM_ID, ritual=BuddyRitual.REMINDERS) == []


# ---- reminders -------------------------------------------------------------------------------


@pytest.fixture
def dst_call(
    slack: SlackDriver,
    fake_slack: FakeSlackApi,
    container: Container,
    clock: FakeClock,
    buddies: BuddyService,
    people: None,
) -> BuddyCall:
    """A call on Monday 2 Nov 2026, 10:00 in New York (15:00 UTC), shared in October: New York
    leaves DST on 1 Nov, Berlin on 25 Oct. The rep is in New York, the PM who joins in Berlin."""
    clock.now = datetime(2026, 10, 20, 12, 0, tzinfo=UTC)
    _join(slack, fake_slack, R1="sales", P1="pm")
    _pair(container, clock, "2026-10")
    _share(slack, fake_slack, rep="R1", day=date(2026, 11, 2), at=time(10, 0))
    [call] = _calls(container)
    _click(slack, fake_slack, BuddyIds.JOIN, str(call.id), user="P1", channel="DP1")
    assert container.sender.drain(timeout=20)
    return _calls(container)[0]


def test_reminders_follow_each_readers_own_zone_across_dst(
    container: Container, fake_slack: FakeSlackApi, dst_call: BuddyCall
) -> None:
    call_id = dst_call.id
    day_before = f"call:{call_id}:day-before"
    at = lambda h, m, d=1: datetime(2026, 11, d, h, m, tzinfo=UTC)  # noqa: E731

    assert dst_call.starts_at == at(15, 0, 2)
    _run_reminders(container, at(7, 59))
    assert (day_before, "DP1") not in _reminder_rows(container)
    _run_reminders(container, at(8, 0))  # 09:00 in Berlin (CET)
    assert (day_before, "DP1") in _reminder_rows(container)
    _run_reminders(container, at(13, 59))  # 08:59 in New York (EST since this morning)
    assert (day_before, "DR1") not in _reminder_rows(container)
    _run_reminders(container, at(14, 0))
    assert (day_before, "DR1") in _reminder_rows(container)
    _run_reminders(container, at(14, 44, 2))
    assert (f"call:{call_id}:15min", "DR1") not in _reminder_rows(container)
    _run_reminders(container, at(14, 45, 2))
    _run_reminders(container, at(16, 0, 2))
    assert container.sender.drain(timeout=30)

    rows = _reminder_rows(container)
    for kind in ("day-before", "15min", "after"):
        assert {(f"call:{call_id}:{kind}", "DR1"), (f"call:{call_id}:{kind}", "DP1")} <= rows
    rep_texts = [p["text"] for p in _posts(fake_slack, "DR1")]
    assert rep_texts.count("Tomorrow: customer call with Acme") == 1
    assert rep_texts.count("In 15 minutes: customer call with Acme") == 1
    assert rep_texts.count("How did the call with Acme go?") == 1
    [tomorrow] = [p for p in _posts(fake_slack, "DR1") if p["text"].startswith("Tomorrow")]
    assert "Mon 02 Nov 2026 10:00 EST" in all_text(tomorrow["blocks"])


def test_reminders_are_sent_once_across_a_restart_between_enqueue_and_send(
    container: Container,
    fake_slack: FakeSlackApi,
    settings: Settings,
    clock: FakeClock,
    dst_call: BuddyCall,
) -> None:
    now = datetime(2026, 11, 2, 14, 45, tzinfo=UTC)
    _run_reminders(container, now)  # enqueued, then the process stops before sending
    container.close()

    restarted = build_container(settings, clock=clock)
    try:
        install_buddies(restarted)
        _run_reminders(restarted, now.replace(minute=50))  # a second scheduler, after the restart
        assert restarted.sender.drain(timeout=30)
    finally:
        restarted.close()

    soon = "In 15 minutes: customer call with Acme"
    assert [p["text"] for p in _posts(fake_slack, "DR1")].count(soon) == 1
    assert [p["text"] for p in _posts(fake_slack, "DP1")].count(soon) == 1


def test_the_schedulers_housekeeping_sends_reminders_with_no_schedule_set(
    container: Container, fake_slack: FakeSlackApi, dst_call: BuddyCall
) -> None:
    now = datetime(2026, 11, 2, 14, 47, tzinfo=UTC)

    container.housekeeping(now)
    container.housekeeping(now.replace(minute=52))  # the next sweep enqueues nothing new
    assert container.sender.drain(timeout=30)

    soon = "In 15 minutes: customer call with Acme"
    assert [p["text"] for p in _posts(fake_slack, "DR1")].count(soon) == 1
    assert [p["text"] for p in _posts(fake_slack, "DP1")].count(soon) == 1


# ---- after the call --------------------------------------------------------------------------


def test_takeaways_become_feedback_on_the_account_and_reach_both_exports(
    container: Container,
    fake_slack: FakeSlackApi,
    slack: SlackDriver,
    buddies: BuddyService,
    dst_call: BuddyCall,
) -> None:
    opened = len(fake_slack.calls_to("views.open"))
    slack.send(
        slack.requests.block_action(
            BuddyIds.TAKEAWAYS.value, str(dst_call.id), user_id="P1", channel_id="DP1"
        )
    )
    view = fake_slack.wait_for("views.open", opened + 1)[-1].params["view"]
    assert view["callback_id"] == BuddyIds.TAKEAWAY_MODAL.value
    assert "Acme" in all_text(view["blocks"])

    response = slack.send(
        slack.requests.view_submission(
            BuddyIds.TAKEAWAY_MODAL.value,
            feedback_form_values(text="They need SSO with Okta", account="Acme", on_behalf_of="P1"),
            user_id="P1",
            private_metadata=view["private_metadata"],
        )
    )
    outcome = _click(
        slack,
        fake_slack,
        f"{BuddyIds.OUTCOME.value}-happened",
        f"{dst_call.id}:happened",
        user="R1",
        channel="DR1",
    )

    assert response.status_code == 200
    assert "*It happened* recorded" in all_text(outcome["blocks"])
    feedback_csv = "".join(
        container.services.feedback.export(team_id=TEAM_ID, fmt="csv", since=None)
    )
    assert "They need SSO with Okta,Acme," in feedback_csv
    assert ",call," in feedback_csv
    with container.sessions() as session:
        link = session.scalars(select(BuddyTakeaway)).one()
    calls = json.loads("".join(buddies.export(team_id=TEAM_ID, fmt="json", since=None)))
    assert calls[0]["feedback_items"] == [link.feedback_item_id]
    assert (calls[0]["joined_by"], calls[0]["outcome"]) == ("P1", "happened")


def test_only_the_rep_and_the_pm_who_joined_capture_takeaways(
    container: Container, fake_slack: FakeSlackApi, slack: SlackDriver, dst_call: BuddyCall
) -> None:
    answer = _click(
        slack, fake_slack, BuddyIds.TAKEAWAYS, str(dst_call.id), user="P2", channel="DP2"
    )

    assert "Only the rep and the PM who joined" in answer["text"]


# ---- digest, home, export ----------------------------------------------------------------------


def test_monthly_digest_counts_calls_per_pm_against_target(
    container: Container, fake_slack: FakeSlackApi, clock: FakeClock, dst_call: BuddyCall
) -> None:
    clock.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

    container.dispatcher.run_ritual(
        team_id=TEAM_ID, ritual=BuddyRitual.DIGEST.value, now=clock(), channel_ids=["CDIGEST"]
    )
    assert container.sender.drain(timeout=20)

    [digest] = _posts(fake_slack, "CDIGEST")
    text = all_text(digest["blocks"])
    assert "November 2026" in text
    assert "<@P1>: 1 of 2" in text
    assert "*1* calls shared by *1* reps" in text
    assert "Acme" in text


def test_app_home_shows_my_buddy_and_progress(
    slack: SlackDriver,
    fake_slack: FakeSlackApi,
    container: Container,
    clock: FakeClock,
    dst_call: BuddyCall,
) -> None:
    slack.event({"type": "app_home_opened", "user": "P1", "tab": "home"})

    view = fake_slack.wait_for("views.publish")[0].params["view"]
    text = all_text(view["blocks"])
    assert "My reps: <@R1>" in text
    assert "My progress: 0 of 2 calls this month" in text  # the call is in November
    assert "Acme" in text


def test_opsbot_export_calls_prints_json_since_a_day(
    container: Container,
    fake_slack: FakeSlackApi,
    dst_call: BuddyCall,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    env = {
        "DATABASE_URL": container.settings.database_url,
        "SLACK_API_URL": fake_slack.api_url,
        "OPSBOT_AUTO_MIGRATE": "false",
    }

    found = run_cli(
        monkeypatch, capsys, env, "export", "calls", "--format", "json", "--since", "2026-11-01"
    )
    later = run_cli(
        monkeypatch,
        capsys,
        env,
        "export",
        "calls",
        "--format",
        "json",
        "--since",
        "2026-11-03",
        "--team",
        TEAM_ID,
    )

    assert found.returncode == 0, found.stderr
    assert [(c["account"], c["joined_by"]) for c in json.loads(found.stdout)] == [("Acme", "P1")]
    assert json.loads(later.stdout) == []


def test_export_calls_cli_writes_csv_for_the_team(
    settings: Settings, dst_call: BuddyCall, tmp_path: Any
) -> None:
    import argparse

    from bot.rituals.buddies.cli import export_calls_command

    out = tmp_path / "calls.csv"
    args = argparse.Namespace(format="csv", since=None, team=None, output=str(out))

    assert export_calls_command(settings, args) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("id,starts_at,rep,buddy,joined_by,account")
    assert ",R1,P1,P1,Acme," in lines[1]
