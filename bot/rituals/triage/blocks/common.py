"""Pieces shared by the triage builders: dates as Slack renders them, click values."""

from __future__ import annotations

from datetime import datetime

from bot.rituals.triage.domain import (
    TicketView,
)

DESCRIPTION_SHOWN = 600
OWNER_BLOCK_PREFIX = "triage-ticket:"


def click_value(ticket: TicketView) -> str:
    return str(ticket.id)


def parse_click_value(value: str) -> int:
    return int(value)


def when(moment: datetime) -> str:
    epoch = int(moment.timestamp())
    return f"<!date^{epoch}^{{date_short_pretty}} at {{time}}|{moment:%Y-%m-%d %H:%M} UTC>"
