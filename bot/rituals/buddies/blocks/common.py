"""Helpers every buddy surface shares: mrkdwn sections, Slack date tokens, the call summary
and its buttons, so a call reads the same in an ask, an offer, a reminder and the Home tab.

The underscored helpers are private to this package (its `__init__` does not re-export them).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, SectionBlock

from bot.rituals.buddies.domain import calendar_link, local_fallback
from bot.rituals.buddies.ids import BuddyIds
from bot.rituals.buddies.views import CallView
from bot.slack.limits import BUTTON_VALUE, clip, md
from bot.slack.mrkdwn import escape


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=md(text))


def when(moment: datetime, time_zone: str) -> str:
    """A Slack date token: each reader's own local date and time."""
    fallback = local_fallback(moment, time_zone)
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} at {{time}}|{fallback}>"


def _people(user_ids: Sequence[str]) -> str:
    return ", ".join(f"<@{u}>" for u in user_ids)


def _upcoming_text(calls: Sequence[CallView], time_zone: str) -> str:
    if not calls:
        return "*Upcoming calls*\nNone yet. Reps share one with `/buddy call`."
    lines = [
        f"• {when(c.starts_at, time_zone)}: *{escape(c.account_name)}*"
        + (f" with <@{c.owner_user_id}>" if c.owner_user_id else " (nobody has joined yet)")
        for c in calls
    ]
    return "*Upcoming calls*\n" + "\n".join(lines)


def _call_lines(call: CallView, time_zone: str) -> str:
    topic = f"\n_{escape(call.topic)}_" if call.topic else ""
    return (
        f"*{escape(call.account_name)}* with <@{call.rep_user_id}>\n"
        f":calendar: {when(call.starts_at, time_zone)}{topic}"
    )


def _calendar_url(call: CallView) -> str:
    return calendar_link(
        title=f"Customer call: {call.account_name}",
        starts_at=call.starts_at,
        details=call.topic or "Buddy call shared in Slack",
        location=call.link,
    )


def _links(call: CallView) -> list[ButtonElement]:
    return [
        ButtonElement(text="Open meeting link", action_id=BuddyIds.MEETING.value, url=call.link),
        ButtonElement(
            text="Add to calendar", action_id=BuddyIds.CALENDAR.value, url=_calendar_url(call)
        ),
    ]


def _answer_buttons(call: CallView) -> ActionsBlock:
    value = clip(str(call.call_id), BUTTON_VALUE)
    return ActionsBlock(
        elements=[
            ButtonElement(
                text="I'll join", action_id=BuddyIds.JOIN.value, value=value, style="primary"
            ),
            ButtonElement(text="Can't make it", action_id=BuddyIds.DECLINE.value, value=value),
        ]
    )
