"""Release values (pure: no Slack, database or HTTP): the tier template a release is composed
from (which sections it needs, its emoji, default channels, whether a release manager must
approve it), the composer's draft, the fields and states, the user-facing errors, and the view
the service hands the builders.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from bot.errors import UserFacingError

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
