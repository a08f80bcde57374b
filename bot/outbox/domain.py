"""What a ritual hands the outbox, and how Slack's answers are classified (pure; no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


@dataclass(frozen=True)
class OutgoingPost:
    """One message of a ritual run in one channel.

    `part` is unique within (team, ritual, period, channel): "digest", "parent", "ticket:42".
    `reply_to_part` posts this as a thread reply under that part's message once it is sent.
    """

    part: str
    text: str
    blocks: list[dict[str, Any]]
    reply_to_part: str | None = None


@dataclass(frozen=True)
class OutgoingTarget:
    """Posts for one conversation chosen by the ritual itself (a person's DM, a pair's group
    DM), under its own period key when the ritual gives one (`call:42:day-before`), so each
    reminder or introduction is enqueued exactly once however often the ritual runs."""

    channel_id: str
    posts: list[OutgoingPost]
    period: str | None = None


class DeliveryState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class Outcome(StrEnum):
    """How one attempt ended, which decides what the sender does next."""

    SENT = "sent"
    RATE_LIMITED = "ratelimited"  # wait Retry-After for this method and channel, then again
    TRANSIENT = "transient"  # 5xx, timeouts, connection errors: back off and retry
    PERMANENT = "permanent"  # retrying cannot help: record and tell the admins


# Slack errors that say the channel itself cannot take posts: every pending post for that
# channel in the same run fails with it, and admins get one note.
CHANNEL_ERRORS = frozenset({"channel_not_found", "not_in_channel", "is_archived"})
TRANSIENT_ERRORS = frozenset(
    {"internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited"}
)
MAX_ATTEMPTS = 6


def classify(*, status: int, error: str | None) -> Outcome:
    """Classifies a Slack Web API answer (HTTP status and `error` field)."""
    if status == 429 or error == "ratelimited":
        return Outcome.RATE_LIMITED
    if status >= 500 or status == 0:
        return Outcome.TRANSIENT
    if error is None:
        return Outcome.SENT
    if error in TRANSIENT_ERRORS:
        return Outcome.TRANSIENT
    return Outcome.PERMANENT


def backoff_seconds(attempts: int, *, base: float = 0.5, cap: float = 60.0) -> float:
    """Exponential backoff after `attempts` failed tries (1 -> base, 2 -> 2*base, ...)."""
    return float(min(cap, base * (2 ** max(0, attempts - 1))))


def admin_note_text(*, ritual: str, channel_id: str, error: str) -> str:
    reasons = {
        "not_in_channel": "I am not a member of it: invite me with `/invite @opsbot`",
        "channel_not_found": "the channel does not exist any more (or I cannot see it)",
        "is_archived": "the channel is archived",
    }
    why = reasons.get(error, f"Slack answered `{error}`")
    return (
        f":warning: I could not post *{ritual}* to <#{channel_id}>: {why}. "
        "Change the channel with `/ops settings`, then `/ops run "
        f"{ritual}` to post it now."
    )
