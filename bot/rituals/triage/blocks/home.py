"""The triage part of a person's App Home (pure): tickets they own, and what became of those
they sent."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import (
    Block,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.rituals.triage.domain import (
    TicketView,
    age_bucket,
)
from bot.slack.limits import (
    SECTION_TEXT,
    clip,
)
from bot.slack.mrkdwn import escape, link


def build_home_section(
    *, owned: list[TicketView], reported: list[TicketView], now: datetime
) -> list[Block]:
    if not owned and not reported:
        return []
    blocks: list[Block] = [HeaderBlock(text=":ambulance: Support triage")]
    if owned:
        lines = [_home_line(t, now) for t in owned]
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=clip("*Assigned to you*\n" + "\n".join(lines), SECTION_TEXT)
                )
            )
        )
    if reported:
        lines = [_home_line(t, now) for t in reported]
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=clip("*Tickets you sent to triage*\n" + "\n".join(lines), SECTION_TEXT)
                )
            )
        )
    return blocks


def _home_line(ticket: TicketView, now: datetime) -> str:
    if ticket.outcome is not None:
        state = ticket.outcome.label
        if ticket.tracker_url:
            state += f" {link(ticket.tracker_url, ticket.tracker_key or 'issue')}"
    else:
        state = f"waiting ({age_bucket(ticket.created_at, now).value})"
    return clip(f"• {ticket.severity.emoji} {escape(ticket.title)}: {state}", 300)
