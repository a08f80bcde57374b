"""Release rules on plain values (pure: no Slack, database or HTTP).

A release is composed from a tier template (which sections it needs, its emoji, default
channels, whether a release manager must approve it), validated field by field for Slack's
inline errors, moved through its states (draft → awaiting approval → scheduled → published),
and its notes are split into messages that fit Block Kit without ever cutting a word, a link
or a code block in half.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from bot.errors import UserFacingError
from bot.slack.mrkdwn import safe_url

TITLE_MAX = 120
VERSION_MAX = 40
SECTION_MAX = 100_000  # a modal input holds 3000; GitHub imports may be far longer
PAST_TOLERANCE = timedelta(minutes=1)
DEFAULT_TIERS = (1, 2, 3)


class Section(StrEnum):
    """The parts of the notes a template may ask for, in the order they are posted."""

    WHATS_NEW = "whats_new"
    WHY = "why_it_matters"
    WHO_FOR = "who_it_is_for"


SECTION_TITLES: Mapping[Section, str] = {
    Section.WHATS_NEW: "What's new",
    Section.WHY: "Why it matters",
    Section.WHO_FOR: "Who it is for",
}


class ReleaseField(StrEnum):
    TITLE = "title"
    VERSION = "version"
    TIER = "tier"
    WHATS_NEW = Section.WHATS_NEW.value
    WHY = Section.WHY.value
    WHO_FOR = Section.WHO_FOR.value
    DOCS = "docs_url"
    FEEDBACK = "feedback"
    CHANNELS = "channels"
    WHEN = "when"
    PUBLISH_AT = "publish_at"


class ReleaseState(StrEnum):
    DRAFT = "draft"
    AWAITING_APPROVAL = "awaiting_approval"
    CHANGES_REQUESTED = "changes_requested"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


EDITABLE = frozenset(
    {ReleaseState.DRAFT, ReleaseState.CHANGES_REQUESTED, ReleaseState.AWAITING_APPROVAL}
)


@dataclass(frozen=True)
class TierTemplate:
    tier: int
    name: str
    emoji: str
    sections: tuple[Section, ...]
    default_channels: tuple[str, ...] = ()
    needs_approval: bool = False
    acknowledge: bool = False

    def to_json(self) -> dict[str, Any]:
        value = asdict(self)
        value["sections"] = [s.value for s in self.sections]
        value["default_channels"] = list(self.default_channels)
        return value

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> TierTemplate:
        return cls(
            tier=int(value["tier"]),
            name=str(value.get("name") or f"Tier {value['tier']}"),
            emoji=str(value.get("emoji") or "rocket").strip(":"),
            sections=tuple(Section(s) for s in value.get("sections") or [Section.WHATS_NEW]),
            default_channels=tuple(str(c) for c in value.get("default_channels") or ()),
            needs_approval=bool(value.get("needs_approval", False)),
            acknowledge=bool(value.get("acknowledge", False)),
        )


class ReleaseInvalid(UserFacingError):
    """Bad composer input; `errors` names each field (Slack shows them inline)."""

    def __init__(self, errors: Mapping[ReleaseField, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = dict(errors)


class ReleaseRefused(UserFacingError):
    """An action this person may not take, or one already taken; nothing changed."""


@dataclass(frozen=True)
class ReleaseDraft:
    """What the composer holds: the notes, the audience and when to publish (None = now)."""

    title: str = ""
    version: str = ""
    tier: int | None = None
    whats_new: str = ""
    why_it_matters: str = ""
    who_it_is_for: str = ""
    docs_url: str = ""
    feedback_ids: tuple[int, ...] = ()
    channel_ids: tuple[str, ...] = ()
    publish_at: datetime | None = None
    source: str = ""  # "owner/repo@tag" when imported from GitHub

    def section(self, section: Section) -> str:
        return str(getattr(self, section.value))

    def to_json(self) -> str:
        value = asdict(self)
        value["publish_at"] = self.publish_at.isoformat() if self.publish_at else None
        return json.dumps(value)

    @classmethod
    def from_json(cls, raw: str) -> ReleaseDraft:
        value = json.loads(raw)
        at = value.get("publish_at")
        return cls(
            **{
                **value,
                "feedback_ids": tuple(value.get("feedback_ids") or ()),
                "channel_ids": tuple(value.get("channel_ids") or ()),
                "publish_at": datetime.fromisoformat(at) if at else None,
            }
        )


def validate_draft(
    draft: ReleaseDraft, templates: Mapping[int, TierTemplate], *, now: datetime
) -> ReleaseDraft:
    """Trims and checks a draft against its tier's template; raises `ReleaseInvalid` naming
    every bad field at once."""
    errors: dict[ReleaseField, str] = {}
    cleaned = replace(
        draft,
        title=" ".join(draft.title.split()),
        version=draft.version.strip(),
        whats_new=draft.whats_new.strip(),
        why_it_matters=draft.why_it_matters.strip(),
        who_it_is_for=draft.who_it_is_for.strip(),
        docs_url=draft.docs_url.strip(),
        channel_ids=tuple(dict.fromkeys(c for c in draft.channel_ids if c)),
        feedback_ids=tuple(dict.fromkeys(draft.feedback_ids)),
    )
    if not cleaned.title:
        errors[ReleaseField.TITLE] = "Give the release a title."
    elif len(cleaned.title) > TITLE_MAX:
        errors[ReleaseField.TITLE] = f"Keep the title under {TITLE_MAX} characters."
    if len(cleaned.version) > VERSION_MAX:
        errors[ReleaseField.VERSION] = f"Keep the version under {VERSION_MAX} characters."
    template = templates.get(cleaned.tier) if cleaned.tier is not None else None
    if template is None:
        errors[ReleaseField.TIER] = "Pick a launch tier."
    required = template.sections if template else (Section.WHATS_NEW,)
    for section in required:
        if not cleaned.section(section):
            tier = f"tier {template.tier}" if template else "every release"
            errors[ReleaseField(section.value)] = (
                f"{SECTION_TITLES[section]} is required for {tier}."
            )
    for section in Section:
        if len(cleaned.section(section)) > SECTION_MAX:
            errors[ReleaseField(section.value)] = (
                f"Keep {SECTION_TITLES[section]} under {SECTION_MAX} characters."
            )
    if cleaned.docs_url and safe_url(cleaned.docs_url) is None:
        errors[ReleaseField.DOCS] = "The docs link must be a web address (https://…)."
    if not cleaned.channel_ids:
        errors[ReleaseField.CHANNELS] = (
            "Pick at least one channel to announce in (this tier has no default channels)."
        )
    if cleaned.publish_at is not None and cleaned.publish_at < now - PAST_TOLERANCE:
        errors[ReleaseField.PUBLISH_AT] = "That time is in the past: pick a later one."
    if errors:
        raise ReleaseInvalid(errors)
    return cleaned


def local_publish_time(date_text: str, time_text: str, zone: str) -> datetime:
    """The author's date and time picker values in their own zone, as aware UTC."""
    naive = datetime.fromisoformat(f"{date_text}T{time_text}")
    return naive.replace(tzinfo=ZoneInfo(zone)).astimezone(ZoneInfo("UTC"))


# ---- states ----------------------------------------------------------------------------------


def after_submit(template: TierTemplate, publish_at: datetime | None, now: datetime) -> str:
    """Where a release goes when its author presses Publish: to the release managers when the
    tier needs approval, else scheduled (a later time) or published at once ("now")."""
    if template.needs_approval:
        return ReleaseState.AWAITING_APPROVAL
    return after_approval(publish_at, now)


def after_approval(publish_at: datetime | None, now: datetime) -> str:
    if publish_at is not None and publish_at > now:
        return ReleaseState.SCHEDULED
    return "now"


def check_can_submit(state: ReleaseState) -> None:
    if state not in {ReleaseState.DRAFT, ReleaseState.CHANGES_REQUESTED}:
        raise ReleaseRefused(f"This release is already {_state_words(state)}.")


def check_can_decide(state: ReleaseState, *, is_manager: bool, decided_by: str | None) -> None:
    """Approve / request changes: release managers only, once, while it awaits approval."""
    if not is_manager:
        raise ReleaseRefused(
            "Only release managers can approve releases. An admin can make you one in "
            "`/release settings` (or `/ops roles`)."
        )
    if state is not ReleaseState.AWAITING_APPROVAL:
        who = f" by <@{decided_by}>" if decided_by else ""
        raise ReleaseRefused(f"This release is already {_state_words(state)}{who}.")


def check_can_edit(state: ReleaseState) -> None:
    if state not in EDITABLE:
        raise ReleaseRefused(
            f"This release is {_state_words(state)}: use *Correct* on a published release."
        )


def check_can_cancel(state: ReleaseState) -> None:
    if state in {ReleaseState.PUBLISHED, ReleaseState.CANCELLED}:
        raise ReleaseRefused(f"This release is already {_state_words(state)}.")


def _state_words(state: ReleaseState) -> str:
    return {
        ReleaseState.DRAFT: "a draft",
        ReleaseState.AWAITING_APPROVAL: "waiting for approval",
        ReleaseState.CHANGES_REQUESTED: "back with its author for changes",
        ReleaseState.SCHEDULED: "approved and scheduled",
        ReleaseState.PUBLISHED: "published",
        ReleaseState.CANCELLED: "cancelled",
    }[state]


# ---- splitting notes -------------------------------------------------------------------------

FENCE = "```"


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters, cut at paragraph, then line, then word
    boundaries; never inside a `<link|label>`; a code block cut in two is closed and reopened,
    so each piece renders on its own. Nothing is dropped."""
    if limit < 20:
        raise ValueError("limit too small to split into readable pieces")
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    in_fence = False
    room = limit - len(FENCE) - 1  # space to close a code block cut in two

    def flush() -> None:
        nonlocal current, size
        if not current:
            return
        body = "\n".join(current)
        if in_fence:
            body += "\n" + FENCE
        pieces.append(body)
        current = [FENCE] if in_fence else []
        size = len(FENCE) if in_fence else 0

    for line in text.split("\n"):
        for part in _fit_line(line, room - (len(FENCE) + 1)):
            extra = len(part) + (1 if current else 0)
            if size + extra > room:
                flush()
                extra = len(part) + (1 if current else 0)
            current.append(part)
            size += extra
        if line.strip().startswith(FENCE):
            in_fence = not in_fence if line.strip() == FENCE or not in_fence else in_fence
    if current and any(p.strip() for p in current):
        pieces.append("\n".join(current))
    return _drop_empty_edges(pieces)


def _fit_line(line: str, limit: int) -> list[str]:
    """A line longer than `limit` cut between words, never inside `<…>`."""
    if len(line) <= limit:
        return [line]
    words = _words_keeping_links(line)
    parts: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
        while len(word) > limit:  # one unbroken word longer than a message: no choice
            parts.append(word[:limit])
            word = word[limit:]
        current = word
    if current:
        parts.append(current)
    return parts


def _words_keeping_links(line: str) -> list[str]:
    words: list[str] = []
    depth_word = ""
    inside = False
    for char in line:
        if char == "<":
            inside = True
        elif char == ">":
            inside = False
        if char == " " and not inside:
            if depth_word:
                words.append(depth_word)
            depth_word = ""
        else:
            depth_word += char
    if depth_word:
        words.append(depth_word)
    return words


def _drop_empty_edges(pieces: list[str]) -> list[str]:
    cleaned = [p.strip("\n") for p in pieces]
    return [p for p in cleaned if p.strip()]


def group_pieces(pieces: Sequence[int], *, per_message: int) -> list[list[int]]:
    """Indexes of blocks grouped into messages of at most `per_message` blocks."""
    return [list(pieces[i : i + per_message]) for i in range(0, len(pieces), per_message)]


# ---- acknowledgement -------------------------------------------------------------------------


@dataclass(frozen=True)
class AckSummary:
    acknowledged: int
    total: int

    @property
    def text(self) -> str:
        return f"{self.acknowledged} of {self.total} acknowledged"

    @property
    def rate(self) -> float | None:
        return self.acknowledged / self.total if self.total else None


def in_working_hours(now: datetime, zone: str | None, *, start: int, end: int) -> bool:
    """Monday to Friday between `start` and `end` o'clock in the person's own zone."""
    try:
        local = now.astimezone(ZoneInfo(zone or "UTC"))
    except (KeyError, ValueError):
        local = now
    return local.weekday() < 5 and start <= local.hour < end


# ---- the monthly roll-up ---------------------------------------------------------------------


@dataclass(frozen=True)
class RollupRelease:
    release_id: int
    title: str
    version: str
    tier: int
    published_at: datetime


@dataclass(frozen=True)
class Rollup:
    month: str  # "2026-11"
    channel_id: str
    releases: list[RollupRelease]
    by_tier: dict[int, int]
    feedback_closed: int
    accounts_told: int
    acknowledged: int
    to_acknowledge: int
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ack_rate(self) -> float | None:
        return self.acknowledged / self.to_acknowledge if self.to_acknowledge else None


def month_window(period: str) -> tuple[datetime, datetime]:
    """`2026-11` → [Nov 1, Dec 1) in UTC."""
    year, month = (int(p) for p in period.split("-")[:2])
    start = datetime(year, month, 1, tzinfo=ZoneInfo("UTC"))
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=ZoneInfo("UTC"))
    return start, end


def previous_month(now: datetime) -> str:
    first = now.replace(day=1)
    last = first - timedelta(days=1)
    return f"{last:%Y-%m}"


# ---- what the service hands the builders -----------------------------------------------------


@dataclass(frozen=True)
class ReleaseView:
    release_id: int
    team_id: str
    author_id: str
    draft: ReleaseDraft
    state: ReleaseState
    revision: int
    created_at: datetime
    published_at: datetime | None = None
    review_comment: str | None = None
    decided_by: str | None = None
    feedback: tuple[tuple[int, str, str | None], ...] = ()  # (id, text, account) linked items

    @property
    def tier(self) -> int:
        return self.draft.tier or 3

    @property
    def label(self) -> str:
        version = f" {self.draft.version}" if self.draft.version else ""
        return f"{self.draft.title}{version}"


def publish_period(release_id: int) -> str:
    """The outbox period of a release's posts: each post is made once, whoever publishes."""
    return f"release:{release_id}"


def release_id_of(period: str) -> int | None:
    head, _, rest = period.partition(":")
    number = rest.split(":")[0]
    return int(number) if head == "release" and number.isdigit() else None
