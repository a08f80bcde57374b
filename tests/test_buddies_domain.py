"""Buddy rules on plain values: the /buddy grammar, call checks, reminders, the calendar link."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from urllib.parse import parse_qs, urlparse

import pytest

from bot.rituals.buddies.domain import (
    CallDraft,
    CallField,
    CallInvalid,
    CallStatus,
    Command,
    Group,
    ReminderKind,
    calendar_link,
    clean_call,
    fair_load,
    month_of,
    offer_due,
    parse_command,
    reminder_due,
)

TODAY = date(2026, 11, 16)
NOW = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "command", "group"),
    [
        ("", Command.STATUS, None),
        ("join pm", Command.JOIN, Group.PM),
        ("join Sales", Command.JOIN, Group.SALES),
        ("leave", Command.LEAVE, None),
        ("call", Command.CALL, None),
        ("help", Command.HELP, None),
    ],
)
def test_buddy_commands_are_read(text: str, command: Command, group: Group | None) -> None:
    parsed = parse_command(text, today=TODAY)

    assert (parsed.command, parsed.group, parsed.problem) == (command, group, None)


def test_admin_add_reads_people_user_groups_and_channels() -> None:
    parsed = parse_command(
        "add <@U1|ada> <@W2> <!subteam^S9|@sales> <#C7|deals> sales", today=TODAY
    )

    assert parsed.command is Command.ADD
    assert parsed.group is Group.SALES
    assert parsed.user_ids == ("U1", "W2")
    assert (parsed.usergroup_id, parsed.channel_id) == ("S9", "C7")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("join", "Say which group"),
        ("join marketing", "Say which group"),
        ("snooze", "Say until when"),
        ("snooze tomorrow", "not a date"),
        ("snooze 2026-11-16", "in the future"),
        ("add <@U1>", "Say which group"),
        ("remove", "Mention who"),
        ("target lots", "monthly target"),
        ("dance", "I don't know `/buddy dance`"),
    ],
)
def test_what_is_not_understood_becomes_help_with_the_reason(text: str, problem: str) -> None:
    parsed = parse_command(text, today=TODAY)

    assert parsed.command is Command.HELP
    assert problem in (parsed.problem or "")


def test_snooze_off_and_until_a_date() -> None:
    assert parse_command("snooze off", today=TODAY).until is None
    assert parse_command("snooze 2026-12-31", today=TODAY).until == date(2026, 12, 31)


def _draft(**kwargs: object) -> CallDraft:
    values: dict[str, object] = {
        "account_name": "Acme",
        "day": date(2026, 11, 20),
        "at": time(10, 0),
        "topic": "Renewal",
        "link": "https://meet.example.com/abc",
    }
    values.update(kwargs)
    return CallDraft(**values)  # type: ignore[arg-type]


def test_a_call_time_is_read_in_the_reps_own_zone() -> None:
    clean = clean_call(_draft(), time_zone="America/New_York", now=NOW)

    assert clean.starts_at == datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("draft", "field", "message"),
    [
        (_draft(day=date(2026, 11, 16), at=time(8, 0)), CallField.WHEN, "passed"),
        (_draft(day=date(2027, 2, 15)), CallField.WHEN, "90 days"),
        (_draft(day=None), CallField.WHEN, "date and time"),
        (_draft(link="meet.example.com"), CallField.LINK, "meeting link"),
        (_draft(link="javascript:alert(1)"), CallField.LINK, "meeting link"),
        (_draft(account_name="  "), CallField.ACCOUNT, "account"),
    ],
)
def test_bad_calls_are_refused_per_field(draft: CallDraft, field: CallField, message: str) -> None:
    with pytest.raises(CallInvalid) as refused:
        clean_call(draft, time_zone="UTC", now=NOW)

    assert message in refused.value.errors[field]


def test_day_before_reminder_is_at_nine_local_even_across_a_dst_change() -> None:
    starts = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)  # Monday 10:00 in New York (EST)
    created = datetime(2026, 10, 20, tzinfo=UTC)

    new_york = reminder_due(
        ReminderKind.DAY_BEFORE, starts_at=starts, created_at=created, time_zone="America/New_York"
    )
    berlin = reminder_due(
        ReminderKind.DAY_BEFORE, starts_at=starts, created_at=created, time_zone="Europe/Berlin"
    )

    assert new_york is not None
    assert berlin is not None
    assert new_york[0] == datetime(2026, 11, 1, 14, 0, tzinfo=UTC)  # 09:00 EST, not EDT
    assert berlin[0] == datetime(2026, 11, 1, 8, 0, tzinfo=UTC)  # 09:00 CET


def test_a_call_shared_after_the_day_before_moment_gets_no_day_before_reminder() -> None:
    starts = datetime(2026, 11, 17, 15, 0, tzinfo=UTC)

    due = reminder_due(
        ReminderKind.DAY_BEFORE, starts_at=starts, created_at=NOW, time_zone="Europe/Berlin"
    )

    assert due is None


def test_fifteen_minute_and_after_windows() -> None:
    starts = datetime(2026, 11, 17, 15, 0, tzinfo=UTC)

    soon = reminder_due(ReminderKind.SOON, starts_at=starts, created_at=NOW, time_zone="UTC")
    after = reminder_due(ReminderKind.AFTER, starts_at=starts, created_at=NOW, time_zone="UTC")

    assert soon == (datetime(2026, 11, 17, 14, 45, tzinfo=UTC), starts)
    assert after is not None
    assert after[0] == datetime(2026, 11, 17, 16, 0, tzinfo=UTC)


def test_an_unanswered_ask_opens_24_hours_before_the_call() -> None:
    starts = datetime(2026, 11, 17, 9, 0, tzinfo=UTC)

    assert offer_due(status=CallStatus.ASKED, starts_at=starts, now=NOW)
    assert not offer_due(status=CallStatus.ASKED, starts_at=starts.replace(minute=1), now=NOW)
    assert not offer_due(status=CallStatus.CLAIMED, starts_at=starts, now=NOW)


def test_calendar_link_is_a_google_calendar_template() -> None:
    url = calendar_link(
        title="Customer call: Acme",
        starts_at=datetime(2026, 11, 20, 15, 0, tzinfo=UTC),
        details="Renewal",
        location="https://meet.example.com/abc",
    )

    query = parse_qs(urlparse(url).query)
    assert url.startswith("https://calendar.google.com/calendar/render?")
    assert query["action"] == ["TEMPLATE"]
    assert query["dates"] == ["20261120T150000Z/20261120T154500Z"]
    assert query["location"] == ["https://meet.example.com/abc"]


def test_fair_load_and_month_bounds() -> None:
    assert (fair_load(3000, 2000), fair_load(7, 3), fair_load(3, 0)) == (2, 3, 0)
    assert month_of(datetime(2026, 12, 31, 23, tzinfo=UTC)) == (
        datetime(2026, 12, 1, tzinfo=UTC),
        datetime(2027, 1, 1, tzinfo=UTC),
    )


def test_the_default_cycle_starts_at_nine_on_the_first_in_the_workspaces_zone() -> None:
    from bot.rituals.buddies.domain import default_cycle

    early = datetime(2026, 12, 1, 7, 59, tzinfo=UTC)  # 08:59 in Berlin
    assert default_cycle(early, "Europe/Berlin") is None
    assert default_cycle(early.replace(minute=0, hour=8), "Europe/Berlin") == "2026-12"
    late_evening = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)  # 22:00 on 30 Nov in New York
    assert default_cycle(late_evening, "America/New_York") == "2026-11"
