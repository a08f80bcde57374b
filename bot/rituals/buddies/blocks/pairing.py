"""The pairing intro posted to a new rep / PM pair, and the note when someone leaves."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import Block

from bot.rituals.buddies.blocks.common import _section
from bot.rituals.buddies.views import PairIntro


def intro_text(intro: PairIntro) -> str:
    return (
        f"You're buddies this cycle: <@{intro.rep_user_id}> (sales) and <@{intro.pm_user_id}> (PM)"
    )


def why_paired(intro: PairIntro) -> str:
    hours = intro.shared_hours
    overlap = (
        f"{hours:g} h of shared working hours"
        if hours > 0
        else "no shared working hours, so plan calls a little ahead"
    )
    if intro.last_together:
        return f"{overlap}; you last worked together in {cycle_label(intro.last_together)}"
    return f"{overlap}; you haven't been paired before"


def build_intro(intro: PairIntro) -> list[Block]:
    return [
        _section(f":handshake: *{intro_text(intro)}*"),
        _section(f"Why you two: {why_paired(intro)}."),
        _section(
            f"<@{intro.rep_user_id}>, when you have a customer call coming up, share it with "
            f"`/buddy call` (account, time, link): <@{intro.pm_user_id}> gets a note with "
            "*I'll join* / *Can't make it*, and reminders arrive in each of your time zones."
        ),
    ]


def cycle_label(cycle: str) -> str:
    """`2026-03` reads "March 2026"; other cycle keys (a run-now's) stay as they are."""
    try:
        return datetime.strptime(cycle, "%Y-%m").strftime("%B %Y")
    except ValueError:
        return cycle


def departure_text(user_id: str) -> str:
    return (
        f":wave: <@{user_id}> has left the workspace, so I took them out of the buddy pool. "
        "Their calls stay in the export."
    )
