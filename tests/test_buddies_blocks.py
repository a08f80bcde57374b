"""Buddy builders: valid Block Kit (to_dict), local-time tokens, escaping and limits."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.rituals.buddies import blocks
from bot.rituals.buddies.domain import CallOutcome, CallStatus, Group, ReminderKind
from bot.rituals.buddies.forms import ModalMetadata
from bot.rituals.buddies.ids import BuddyIds
from bot.rituals.buddies.views import (
    CallView,
    ClaimResult,
    DigestView,
    PairIntro,
    PmLine,
    Progress,
    StatusView,
)
from bot.slack.limits import MESSAGE_BLOCKS, SECTION_TEXT
from tests.support.driver import all_text

STARTS = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def _call(**kwargs: object) -> CallView:
    values: dict[str, object] = {
        "call_id": 42,
        "rep_user_id": "R1",
        "buddy_user_id": "P1",
        "owner_user_id": None,
        "account_name": "Acme <&> Co",
        "topic": "Renewal",
        "link": "https://meet.example.com/abc",
        "starts_at": STARTS,
        "status": CallStatus.ASKED,
        "outcome": None,
        "created_at": datetime(2026, 11, 1, tzinfo=UTC),
    }
    values.update(kwargs)
    return CallView(**values)  # type: ignore[arg-type]


def _dicts(built: list[object]) -> list[dict[str, object]]:
    return [b.to_dict() for b in built]  # type: ignore[attr-defined]


def test_times_are_slack_date_tokens_with_a_fallback_in_the_readers_zone() -> None:
    token = blocks.when(STARTS, "America/New_York")

    assert token == (
        f"<!date^{int(STARTS.timestamp())}^{{date_short_pretty}} at {{time}}"
        "|Fri 20 Nov 2026 10:00 EST>"
    )


def test_the_ask_has_join_decline_and_calendar_and_escapes_the_account() -> None:
    text = all_text(_dicts(blocks.build_ask(_call(), time_zone="Europe/Berlin")))

    assert BuddyIds.JOIN.value in text
    assert BuddyIds.DECLINE.value in text
    assert "calendar.google.com" in text
    assert "Acme &lt;&amp;&gt; Co" in text
    assert "Fri 20 Nov 2026 16:00 CET" in text


def test_intro_says_why_the_pair_was_made() -> None:
    intro = PairIntro("2026-11", "R1", "P1", 3.0, "2026-03")

    text = all_text(_dicts(blocks.build_intro(intro)))

    assert "3 h of shared working hours; you last worked together in March 2026" in text
    assert "/buddy call" in text
    no_overlap = PairIntro("2026-11", "R1", "P1", 0.0, None)
    assert "no shared working hours" in blocks.why_paired(no_overlap)


def test_after_the_call_offers_takeaways_and_each_outcome_once() -> None:
    built = _dicts(blocks.build_reminder(_call(), ReminderKind.AFTER, time_zone="UTC"))
    text = all_text(built)

    assert BuddyIds.TAKEAWAYS.value in text
    for outcome in CallOutcome:
        assert f"42:{outcome.value}" in text


def test_claim_answers_name_who_has_the_call() -> None:
    won = ClaimResult(_call(owner_user_id="P1"), True, "P1")
    lost = ClaimResult(_call(owner_user_id="P2"), False, "P2")

    assert "You're joining" in all_text(_dicts(blocks.build_claim_answer(won, time_zone="UTC")))
    assert "<@P2> already joined" in all_text(
        _dicts(blocks.build_claim_answer(lost, time_zone="UTC"))
    )


def test_call_modal_and_takeaway_modal_are_valid_views() -> None:
    modal = blocks.build_call_modal(time_zone="Asia/Kolkata", metadata=ModalMetadata("C1"))
    takeaway = blocks.build_takeaway_modal(
        _call(owner_user_id="P1"), areas=["Reporting"], user_id="P1", channel_id="D1"
    )

    assert modal.to_dict()["callback_id"] == BuddyIds.CALL_MODAL.value
    assert "Asia/Kolkata" in all_text(modal.to_dict()["blocks"])
    view = takeaway.to_dict()
    assert view["callback_id"] == BuddyIds.TAKEAWAY_MODAL.value
    assert ModalMetadata.from_json(view["private_metadata"]).call_id == 42
    assert '"value": "call"' in all_text(view["blocks"])
    assert "Acme <&> Co" in all_text(view["blocks"])


def test_digest_fits_one_message_with_thousands_of_pms() -> None:
    digest = DigestView(
        month="November 2026",
        pms=[PmLine(f"P{i:04d}", i % 3, 2) for i in range(2000)],
        reps_taking_part=1200,
        accounts=[f"Account {i}" for i in range(900)],
        takeaways=70,
        calls_shared=1500,
        unjoined=[_call(call_id=i) for i in range(40)],
    )

    built = _dicts(blocks.build_digest(digest))

    assert len(built) <= MESSAGE_BLOCKS
    for block in built:
        text = block.get("text")
        assert not isinstance(text, dict) or len(str(text["text"])) <= SECTION_TEXT
    assert "1940 more PMs" in all_text(built)


def test_status_and_home_show_buddy_calls_and_progress() -> None:
    view = StatusView(
        user_id="P1",
        group=Group.PM,
        active=True,
        snoozed_until=None,
        buddies=["R1", "R2"],
        upcoming=[_call(owner_user_id="P1")],
        progress=Progress(joined=1, target=2),
    )

    status = all_text(_dicts(blocks.build_status(view, time_zone="UTC")))
    home = all_text(_dicts(blocks.build_home_section(view, time_zone="UTC")))

    assert "Your reps this cycle: <@R1>, <@R2>" in status
    assert "Calls joined this month: *1* of 2" in status
    assert "My progress: 1 of 2 calls this month" in home
    assert "with <@P1>" in home


def test_buddy_command_asks_slack_to_send_mentions_as_ids() -> None:
    from bot.rituals.installed import INSTALLED
    from bot.slack.manifest import build_manifest

    manifest = build_manifest(url="https://opsbot.acme.io", socket=False, rituals=INSTALLED)
    commands = {c["command"]: c for c in manifest["features"]["slash_commands"]}

    assert commands["/buddy"]["should_escape"] is True
    assert commands["/feedback"]["should_escape"] is False
    assert {"mpim:write", "im:write", "usergroups:read"} <= set(
        manifest["oauth_config"]["scopes"]["bot"]
    )


def test_account_names_are_escaped_once_in_every_call_message() -> None:
    call = _call(owner_user_id="P1")
    texts = [
        blocks.ask_text(call),
        blocks.offer_text(call),
        blocks.claimed_text(call),
        *(blocks.reminder_text(call, kind) for kind in ReminderKind),
        *(all_text(_dicts(blocks.build_reminder(call, k, time_zone="UTC"))) for k in ReminderKind),
    ]

    for text in texts:
        assert "Acme &lt;&amp;&gt; Co" in text
        assert "&amp;lt;" not in text
