"""The buddy ritual under a slow Slack: every `/buddy` request is acked at once (the Web API part
runs after the ack), through the real Flask + Bolt app and the Web API stand-in."""

from __future__ import annotations

import threading
import time
from datetime import date
from datetime import time as dt_time

from sqlalchemy import select

from bot.rituals.buddies.ids import BuddyIds
from bot.rituals.buddies.models import BuddyMember
from bot.rituals.buddies.service import BuddyService
from bot.wiring import Container
from bot.workspace.models import RoleGrant
from bot.workspace.roles import Grant
from tests.support.buddies import call_form_values, install_buddies
from tests.support.driver import SlackDriver, all_text, body_json
from tests.support.fake_slack import TEAM_ID, FakeSlackApi
from tests.support.people import known_person
from tests.support.slack_requests import SlackRequests
from tests.support.waiting import eventually

SLOW = 5.0  # seconds Slack takes to answer views.open and users.info
LIVENESS = 3.0  # Slack's ack deadline, used as a generous bound (the ack is ~instant)
NY = "America/New_York"


def _timed_command(
    container: Container, requests: SlackRequests, barrier: threading.Barrier, text: str, user: str
) -> tuple[int, float]:
    driver = SlackDriver(container.web, requests)
    request = requests.command("/buddy", text, user_id=user)
    barrier.wait()
    started = time.monotonic()
    response = driver.send(request)
    return response.status_code, time.monotonic() - started


def test_buddy_call_and_join_are_acked_at_once_while_slack_takes_5_seconds(
    container: Container, fake_slack: FakeSlackApi, slack_requests: SlackRequests
) -> None:
    install_buddies(container)
    # More requests at once than Bolt has listener threads (8 in the tests): a listener that
    # waited on Slack would hold one for 5 s and leave the rest unacknowledged.
    reps = [f"R{n}" for n in range(10)]
    pms = [f"P{n}" for n in range(10)]
    for user in reps + pms:
        fake_slack.add_user(user, tz=NY)
    fake_slack.stall("views.open", SLOW, times=None)
    fake_slack.stall("users.info", SLOW, times=None)
    jobs = [("call", user) for user in reps] + [("join pm", user) for user in pms]
    barrier = threading.Barrier(len(jobs))
    answers: list[tuple[int, float]] = []
    lock = threading.Lock()

    def send(text: str, user: str) -> None:
        answer = _timed_command(container, slack_requests, barrier, text, user)
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=send, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(answers) == len(jobs)
    assert [status for status, _ in answers] == [200] * len(jobs)
    assert max(seconds for _, seconds in answers) < LIVENESS
    # The work still happens after the acks: a modal asked for each call, each PM enrolled.
    opened = fake_slack.wait_for("views.open", len(reps), timeout=4 * SLOW)
    assert [c.params["view"]["callback_id"] for c in opened] == [BuddyIds.CALL_MODAL.value] * len(
        reps
    )
    joined = [body for _, body in fake_slack.wait_for_response(len(pms), timeout=4 * SLOW)]
    assert all("You're in the *PM* group" in body["text"] for body in joined)

    def enrolled() -> list[tuple[str, str]]:
        with container.sessions() as session:
            rows = session.scalars(select(BuddyMember).order_by(BuddyMember.user_id))
            return [(m.user_id, m.group_name) for m in rows]

    assert eventually(enrolled, lambda rows: len(rows) == len(pms)) == [(u, "pm") for u in pms]


def test_the_call_form_opens_with_the_stored_zone_and_follows_slack_after(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container
) -> None:
    buddies: BuddyService = install_buddies(container)
    fake_slack.add_user("R9", tz=NY)  # never seen by opsbot: no stored zone yet

    slack.command("/buddy", "call", user_id="R9")

    [opened] = fake_slack.wait_for("views.open")
    [updated] = fake_slack.wait_for("views.update")
    asked = [c for c in fake_slack.calls if c.method == "users.info"]

    assert "UTC" in all_text(opened.params["view"]["blocks"])
    assert NY in all_text(updated.params["view"]["blocks"])
    assert str(updated.params["view_id"]).startswith("V")
    assert asked[0].at >= opened.at  # Slack was asked who R9 is only once the modal was open
    assert buddies.time_zone_of(team_id=TEAM_ID, user_id="R9") == NY


def test_bad_call_input_is_answered_in_the_form_without_asking_slack(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container
) -> None:
    install_buddies(container)
    fake_slack.stall("users.info", SLOW, times=None)
    request = slack.requests.view_submission(
        BuddyIds.CALL_MODAL.value,
        call_form_values(day=date(2026, 11, 20), at=dt_time(10, 0), link="not a link"),
        user_id="R1",
    )

    started = time.monotonic()
    answer = body_json(slack.send(request))

    assert time.monotonic() - started < 1.0
    assert answer["response_action"] == "errors"
    assert "meeting link" in answer["errors"][BuddyIds.LINK_BLOCK.value]
    assert fake_slack.attempts_to("users.info") == []


def test_a_slack_failure_after_the_ack_is_told_privately_and_the_ack_stands(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container
) -> None:
    install_buddies(container)
    fake_slack.fail("views.open", status=500)

    response = slack.command("/buddy", "call", user_id="R1")

    assert (response.status_code, response.get_data()) == (200, b"")
    told = fake_slack.wait_for("chat.postEphemeral")[0]
    assert (told.params["user"], told.channel) == ("R1", "C1")
    assert "Something went wrong" in told.params["text"]


def test_an_admin_opsbot_never_saw_is_read_from_slack_after_the_ack_and_may_set_the_target(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container
) -> None:
    install_buddies(container)
    fake_slack.add_user("UNEW", is_admin=True)

    slack.command("/buddy", "target 3", user_id="UNEW")

    [(_, answer)] = fake_slack.wait_for_response()
    assert answer["text"] == "Each PM's target is now 3 calls a month."
    assert [c.params["user"] for c in fake_slack.calls_to("users.info")] == ["UNEW"]


def test_an_admin_granted_in_opsbot_may_add_people_and_a_plain_member_may_not(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container
) -> None:
    buddies = install_buddies(container)
    known_person(container, fake_slack, "UGRANTED")  # not a Slack admin
    known_person(container, fake_slack, "UPLAIN")
    fake_slack.add_user("R1", tz=NY)
    _grant_admin(container, "UGRANTED")

    slack.command("/buddy", "add <@R1> sales", user_id="UPLAIN")
    refused = fake_slack.wait_for_response(1)[-1][1]
    slack.command("/buddy", "add <@R1> sales", user_id="UGRANTED")
    added = fake_slack.wait_for_response(2)[-1][1]

    assert "Only workspace admins" in refused["text"]
    assert "<@R1>" in added["text"]
    assert buddies.time_zone_of(team_id=TEAM_ID, user_id="R1") == NY
    with container.sessions() as session:
        member = session.scalars(select(BuddyMember)).one()
        assert (member.user_id, member.group_name, member.added_by) == ("R1", "sales", "UGRANTED")


def _grant_admin(container: Container, user_id: str) -> None:
    """An admin made in opsbot (as `/ops roles grant @x admin` would), not in Slack."""
    now = container.clock()
    container.services.workspaces.ensure_workspace(team_id=TEAM_ID, now=now)
    with container.sessions.begin() as session:
        session.add(
            RoleGrant(
                team_id=TEAM_ID,
                user_id=user_id,
                role=Grant.ADMIN.value,
                granted_by="UOWNER",
                granted_at=now,
            )
        )


def test_a_call_form_submitted_before_slack_answered_is_not_corrected_and_nobody_is_alarmed(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container
) -> None:
    install_buddies(container)
    fake_slack.add_user("R8", tz=NY)
    fake_slack.error("views.update", "not_found")  # the person submitted or closed it meanwhile

    slack.command("/buddy", "call", user_id="R8")

    fake_slack.wait_for("views.update", include_failed=True)
    assert eventually(container.after_ack.pool.in_flight, lambda left: left == 0) == 0
    assert fake_slack.attempts_to("chat.postEphemeral") == []
    assert fake_slack.attempts_to("chat.postMessage") == []
