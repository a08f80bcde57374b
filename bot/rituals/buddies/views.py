"""What the buddy service hands back to listeners, runners and builders (plain frozen values)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.rituals.buddies.domain import CallOutcome, CallStatus, Group


@dataclass(frozen=True)
class CallView:
    call_id: int
    rep_user_id: str
    buddy_user_id: str | None
    owner_user_id: str | None
    account_name: str
    topic: str
    link: str
    starts_at: datetime
    status: CallStatus
    outcome: CallOutcome | None
    created_at: datetime


@dataclass(frozen=True)
class PairIntro:
    cycle: str
    rep_user_id: str
    pm_user_id: str
    shared_hours: float
    last_together: str | None  # the cycle they were last paired in, if ever
    pair_id: int = 0
    channel_id: str | None = None  # their group DM, once opened


@dataclass(frozen=True)
class PairingResult:
    cycle: str
    pairs: list[PairIntro]
    created: bool  # False when the cycle had been paired already (a re-run)
    departed: list[str] = field(default_factory=list)  # left Slack since the last look


@dataclass(frozen=True)
class EnrolResult:
    changed: list[str]
    unchanged: list[str]
    departed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Progress:
    joined: int
    target: int


@dataclass(frozen=True)
class StatusView:
    user_id: str
    group: Group | None
    active: bool
    snoozed_until: str | None
    buddies: list[str]  # the PM of a rep, or the reps of a PM
    upcoming: list[CallView]
    progress: Progress | None  # PMs only


@dataclass(frozen=True)
class ClaimResult:
    call: CallView
    won: bool
    owner_user_id: str | None


@dataclass(frozen=True)
class DeclineResult:
    call: CallView
    offered: bool  # the call is now open to every PM with room


@dataclass(frozen=True)
class PmLine:
    user_id: str
    joined: int
    target: int


@dataclass(frozen=True)
class DigestView:
    month: str  # "November 2026"
    pms: list[PmLine]
    reps_taking_part: int
    accounts: list[str]
    takeaways: int
    calls_shared: int
    unjoined: list[CallView]
