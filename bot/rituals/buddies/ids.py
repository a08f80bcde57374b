"""Every Slack id the buddy ritual uses, defined once."""

from __future__ import annotations

from enum import StrEnum

from bot.rituals.buddies.domain import CallField


class BuddyIds(StrEnum):
    COMMAND = "/buddy"

    CALL_MODAL = "buddy-call-modal"
    TAKEAWAY_MODAL = "buddy-takeaway-modal"

    ACCOUNT_BLOCK = "buddy-account"
    ACCOUNT_SELECT = "buddy-account-select"
    DAY_BLOCK = "buddy-day"
    DAY_INPUT = "buddy-day-input"
    TIME_BLOCK = "buddy-time"
    TIME_INPUT = "buddy-time-input"
    TOPIC_BLOCK = "buddy-topic"
    TOPIC_INPUT = "buddy-topic-input"
    LINK_BLOCK = "buddy-link"
    LINK_INPUT = "buddy-link-input"

    JOIN = "buddy-join"
    DECLINE = "buddy-decline"
    CALENDAR = "buddy-calendar"
    MEETING = "buddy-meeting"
    TAKEAWAYS = "buddy-takeaways"
    OUTCOME = "buddy-outcome"


CALL_FIELD_BLOCKS = {
    CallField.ACCOUNT: BuddyIds.ACCOUNT_BLOCK,
    CallField.WHEN: BuddyIds.DAY_BLOCK,
    CallField.TOPIC: BuddyIds.TOPIC_BLOCK,
    CallField.LINK: BuddyIds.LINK_BLOCK,
}


class BuddyRitual(StrEnum):
    """The ritual names this package runs (DESIGN.md contracts: buddy-pairing, -reminders)."""

    PAIRING = "buddy-pairing"
    REMINDERS = "buddy-reminders"
    DIGEST = "buddy-digest"
