"""Buddy rules on plain values: the `/buddy` grammar, call validation, when reminders are due,
who has room for one more call, and the calendar link. No Slack, database or HTTP here."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from urllib.parse import urlencode, urlparse
from zoneinfo import ZoneInfo

from bot.errors import UserFacingError

MAX_DAYS_AHEAD = 90
DAY_BEFORE_AT = time(9, 0)  # the day-before reminder, in each reader's own time zone
SOON_BEFORE = timedelta(minutes=15)
AFTER_CALL = timedelta(hours=1)  # "Capture takeaways" once the call should be over
AFTER_CALL_UNTIL = timedelta(days=7)
OFFER_BEFORE = timedelta(hours=24)  # unanswered this close to the call: offer it to others
CALENDAR_LENGTH = timedelta(minutes=45)


class Group(StrEnum):
    PM = "pm"
    SALES = "sales"

    @property
    def label(self) -> str:
        return "PM" if self is Group.PM else "sales"


class CallStatus(StrEnum):
    ASKED = "asked"  # the buddy PM was asked and has not answered
    OFFERED = "offered"  # offered to every PM with room; first claim wins
    CLAIMED = "claimed"  # a PM joins
    CANCELLED = "cancelled"


class CallOutcome(StrEnum):
    HAPPENED = "happened"
    RESCHEDULED = "rescheduled"
    NO_SHOW = "no-show"

    @property
    def label(self) -> str:
        return {"happened": "It happened", "rescheduled": "Rescheduled", "no-show": "No-show"}[
            self.value
        ]


class ReminderKind(StrEnum):
    DAY_BEFORE = "day-before"
    SOON = "15min"
    AFTER = "after"


class BuddyError(UserFacingError):
    """Something about a `/buddy` request the person can fix; shown to them privately."""


class CallField(StrEnum):
    ACCOUNT = "account"
    WHEN = "when"
    TOPIC = "topic"
    LINK = "link"


class CallInvalid(BuddyError):
    """A shared call that cannot be stored; `errors` maps a form field to what is wrong."""

    def __init__(self, errors: dict[CallField, str]) -> None:
        super().__init__("Nothing was saved: " + " ".join(errors.values()))
        self.errors = errors


# ---- /buddy ------------------------------------------------------------------------------------


class Command(StrEnum):
    STATUS = "status"
    JOIN = "join"
    LEAVE = "leave"
    SNOOZE = "snooze"
    CALL = "call"
    ADD = "add"
    REMOVE = "remove"
    TARGET = "target"
    HELP = "help"


@dataclass(frozen=True)
class ParsedCommand:
    command: Command
    group: Group | None = None
    user_ids: tuple[str, ...] = ()
    usergroup_id: str | None = None
    channel_id: str | None = None
    until: date | None = None
    number: int | None = None
    problem: str | None = None  # set on HELP when the text was not understood


_USER = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")
_SUBTEAM = re.compile(r"<!subteam\^([A-Z0-9]+)(?:\|[^>]*)?>")
_CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|[^>]*)?>")


def _group(word: str | None) -> Group | None:
    key = (word or "").strip().lower()
    if key in {"pm", "pms", "product"}:
        return Group.PM
    if key in {"sales", "rep", "reps"}:
        return Group.SALES
    return None


def parse_command(text: str, *, today: date) -> ParsedCommand:
    """Reads `/buddy …`. Anything not understood becomes HELP with the reason in `problem`."""
    words = text.split()
    if not words:
        return ParsedCommand(Command.STATUS)
    head, rest = words[0].lower(), words[1:]

    def helpme(problem: str) -> ParsedCommand:
        return ParsedCommand(Command.HELP, problem=problem)

    if head == "help":
        return ParsedCommand(Command.HELP)
    if head == "join":
        group = _group(rest[0] if rest else None)
        if group is None:
            return helpme("Say which group: `/buddy join pm` or `/buddy join sales`.")
        return ParsedCommand(Command.JOIN, group=group)
    if head == "leave":
        return ParsedCommand(Command.LEAVE)
    if head == "call":
        return ParsedCommand(Command.CALL)
    if head == "snooze":
        if not rest:
            return helpme("Say until when: `/buddy snooze 2026-12-31` (or `/buddy snooze off`).")
        if rest[0].lower() == "off":
            return ParsedCommand(Command.SNOOZE, until=None)
        try:
            until = date.fromisoformat(rest[0])
        except ValueError:
            return helpme(f"`{rest[0]}` is not a date like 2026-12-31.")
        if until <= today:
            return helpme("Snooze until a date in the future (or `/buddy snooze off`).")
        return ParsedCommand(Command.SNOOZE, until=until)
    if head == "target":
        if not rest or not rest[0].isdigit() or not 0 <= int(rest[0]) <= 31:
            return helpme("Give the monthly target of calls per PM: `/buddy target 2`.")
        return ParsedCommand(Command.TARGET, number=int(rest[0]))
    if head in {"add", "remove"}:
        joined = " ".join(rest)
        users = tuple(_USER.findall(joined))
        subteam = _SUBTEAM.search(joined)
        channel = _CHANNEL.search(joined)
        group = next((g for g in (_group(w) for w in rest) if g), None)
        if not (users or subteam or channel):
            return helpme(
                f"Mention who: `/buddy {head} @person"
                + (" pm|sales`, a user group or a #channel." if head == "add" else "`.")
            )
        if head == "add" and group is None:
            return helpme("Say which group: `/buddy add @person pm` or `… sales`.")
        return ParsedCommand(
            Command.ADD if head == "add" else Command.REMOVE,
            group=group,
            user_ids=users,
            usergroup_id=subteam.group(1) if subteam else None,
            channel_id=channel.group(1) if channel else None,
        )
    return helpme(f"I don't know `/buddy {head}`.")


# ---- members and capacity ----------------------------------------------------------------------


@dataclass(frozen=True)
class MemberView:
    user_id: str
    group: Group
    active: bool
    snoozed_until: date | None
    departed: bool
    time_zone: str
    seen_at: datetime | None = None  # when the person record was last read from Slack

    def available(self, on: date) -> bool:
        """Takes part on that day: enrolled, still in Slack and not snoozed."""
        if not self.active or self.departed:
            return False
        return self.snoozed_until is None or self.snoozed_until < on


def month_of(moment: datetime) -> tuple[datetime, datetime]:
    """The calendar month (UTC) containing `moment`, as [start, end)."""
    start = datetime(moment.year, moment.month, 1, tzinfo=moment.tzinfo)
    end = datetime(moment.year + moment.month // 12, moment.month % 12 + 1, 1, tzinfo=moment.tzinfo)
    return start, end


def default_cycle(now: datetime, time_zone: str) -> str | None:
    """The monthly cycle a workspace that scheduled no pairing is due for: `2026-11` from 09:00
    on the month's first day in its own zone (None before that, e.g. 1 Nov at 07:00)."""
    local = now.astimezone(ZoneInfo(time_zone))
    if local.day == 1 and local.time() < DAY_BEFORE_AT:
        return None
    return f"{local:%Y-%m}"


def has_room(joined_this_month: int, target: int) -> bool:
    return joined_this_month < target


def fair_load(reps: int, pms: int) -> int:
    """The most reps one PM may get: ceil(reps / PMs)."""
    return math.ceil(reps / pms) if pms else 0


# ---- calls -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallDraft:
    account_name: str | None
    day: date | None
    at: time | None
    topic: str
    link: str | None


@dataclass(frozen=True)
class CleanCall:
    account_name: str
    starts_at: datetime  # aware, UTC
    topic: str
    link: str


def clean_call(draft: CallDraft, *, time_zone: str, now: datetime) -> CleanCall:
    """Checks a shared call: an account, a time (read in the rep's own zone) between now and
    90 days ahead, and a web meeting link. Raises `CallInvalid` listing every problem."""
    errors: dict[CallField, str] = {}
    account = (draft.account_name or "").strip()
    if not account:
        errors[CallField.ACCOUNT] = "Pick the account (type a new name to create it)."
    starts_at: datetime | None = None
    if draft.day is None or draft.at is None:
        errors[CallField.WHEN] = "Give the call's date and time."
    else:
        local = datetime.combine(draft.day, draft.at, tzinfo=ZoneInfo(time_zone))
        starts_at = local.astimezone(ZoneInfo("UTC"))
        if starts_at <= now:
            errors[CallField.WHEN] = "That time has passed: share a call that is still to come."
        elif starts_at > now + timedelta(days=MAX_DAYS_AHEAD):
            errors[CallField.WHEN] = f"Share calls at most {MAX_DAYS_AHEAD} days ahead."
    link = (draft.link or "").strip()
    if not is_web_link(link):
        errors[CallField.LINK] = "Give the meeting link (https://…)."
    topic = draft.topic.strip()
    if len(topic) > 500:
        errors[CallField.TOPIC] = "Keep the topic under 500 characters."
    if errors or starts_at is None:
        raise CallInvalid(errors)
    return CleanCall(account_name=account[:255], starts_at=starts_at, topic=topic, link=link)


def is_web_link(link: str) -> bool:
    parsed = urlparse(link)
    return (
        parsed.scheme in {"http", "https"}
        and bool(parsed.netloc)
        and "." in parsed.netloc
        and not any(ch in link for ch in " \t\r\n|<>\"'")
        and len(link) <= 512
    )


def calendar_link(*, title: str, starts_at: datetime, details: str, location: str) -> str:
    """A Google Calendar "create event" template URL for the call."""
    fmt = "%Y%m%dT%H%M%SZ"
    utc = starts_at.astimezone(ZoneInfo("UTC"))
    query = urlencode(
        {
            "action": "TEMPLATE",
            "text": title,
            "dates": f"{utc:{fmt}}/{utc + CALENDAR_LENGTH:{fmt}}",
            "details": details,
            "location": location,
        }
    )
    return f"https://calendar.google.com/calendar/render?{query}"


# ---- reminders ---------------------------------------------------------------------------------


def reminder_due(
    kind: ReminderKind, *, starts_at: datetime, created_at: datetime, time_zone: str
) -> tuple[datetime, datetime] | None:
    """When a reminder is due for one reader, as [due, until) in UTC; None when it does not
    apply (a call shared after the day-before moment gets no day-before reminder).

    The day-before reminder goes at 09:00 on the day before the call, both read in the
    reader's own zone, so a DST change between the two days moves it with the reader."""
    zone = ZoneInfo(time_zone)
    if kind is ReminderKind.DAY_BEFORE:
        local_day = starts_at.astimezone(zone).date() - timedelta(days=1)
        due = datetime.combine(local_day, DAY_BEFORE_AT, tzinfo=zone).astimezone(ZoneInfo("UTC"))
        if created_at >= due:
            return None
        return due, starts_at - SOON_BEFORE
    if kind is ReminderKind.SOON:
        return starts_at - SOON_BEFORE, starts_at
    return starts_at + AFTER_CALL, starts_at + AFTER_CALL_UNTIL


def reminder_period(call_id: int, kind: ReminderKind) -> str:
    """The outbox period key of one reminder: each is enqueued once whatever runs it."""
    return f"call:{call_id}:{kind.value}"


def offer_due(*, status: CallStatus, starts_at: datetime, now: datetime) -> bool:
    """An unanswered ask becomes an open offer 24 h before the call."""
    return status is CallStatus.ASKED and starts_at - OFFER_BEFORE <= now < starts_at


def local_fallback(moment: datetime, time_zone: str) -> str:
    """The text behind a Slack date token, for clients that cannot render it."""
    local = moment.astimezone(ZoneInfo(time_zone))
    return f"{local:%a %d %b %Y %H:%M} {local.tzname()}"
