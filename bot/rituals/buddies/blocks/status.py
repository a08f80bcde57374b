"""`/buddy` replies: the help, my status and the result of enrolling or removing people."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.rituals.buddies.blocks.common import _people, _section, _upcoming_text
from bot.rituals.buddies.domain import Group
from bot.rituals.buddies.views import EnrolResult, StatusView

HELP_LINES = (
    "`/buddy` shows your buddy, your upcoming calls and your progress",
    "`/buddy join pm` or `/buddy join sales` enrols you; `/buddy leave` opts you out",
    "`/buddy snooze 2026-12-31` skips pairing until then; `/buddy snooze off` ends it",
    "`/buddy call` shares an upcoming customer call with your buddy PM",
    "Admins: `/buddy add @person pm|sales` (or a @user-group or #channel), "
    "`/buddy remove @person`, `/buddy target 2`",
)


def build_help(problem: str | None = None) -> list[Block]:
    blocks: list[Block] = []
    if problem:
        blocks.append(_section(f":thinking_face: {problem}"))
    blocks.append(
        _section("*PM / sales buddies*\n" + "\n".join(f"• {line}" for line in HELP_LINES))
    )
    return blocks


def build_status(view: StatusView, *, time_zone: str) -> list[Block]:
    """`/buddy` alone: where I stand, my buddy, my next calls, and the help."""
    if view.group is None or not view.active:
        return [
            _section("You're not in the PM / sales buddy programme yet."),
            *build_help(),
        ]
    lines = [f"You're in the *{view.group.label}* group."]
    if view.snoozed_until:
        lines.append(f":zzz: Snoozed until {view.snoozed_until}.")
    if view.buddies:
        who = "Your buddy PM" if view.group is Group.SALES else "Your reps this cycle"
        lines.append(f"{who}: {_people(view.buddies)}")
    else:
        lines.append("No buddy yet: pairing runs at the start of each cycle.")
    if view.progress is not None:
        lines.append(
            f"Calls joined this month: *{view.progress.joined}* of {view.progress.target}."
        )
    blocks: list[Block] = [_section("\n".join(lines))]
    blocks.append(_section(_upcoming_text(view.upcoming, time_zone)))
    blocks += build_help()
    return blocks


def enrol_text(result: EnrolResult, *, verb: str) -> str:
    parts = []
    if result.changed:
        parts.append(f"{verb}: {_people(result.changed)}.")
    if result.unchanged:
        parts.append(f"No change for {_people(result.unchanged)}.")
    if result.departed:
        parts.append(f"Skipped (left the workspace): {_people(result.departed)}.")
    return " ".join(parts) or "Nothing changed."
