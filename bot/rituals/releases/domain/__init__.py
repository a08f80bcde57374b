"""Release rules on plain values (pure: no Slack, database or HTTP).

A release is composed from a tier template (which sections it needs, its emoji, default
channels, whether a release manager must approve it), validated field by field for Slack's
inline errors, moved through its states (draft → awaiting approval → scheduled → published),
and its notes are split into messages that fit Block Kit without ever cutting a word, a link
or a code block in half. Each of those lives in a module of this package; every name is
importable from here.
"""

from __future__ import annotations

from bot.rituals.releases.domain.acks import (
    AckSummary,
    in_working_hours,
    publish_period,
    release_id_of,
)
from bot.rituals.releases.domain.notes import FENCE, group_pieces, split_text
from bot.rituals.releases.domain.rollup import Rollup, RollupRelease, month_window, previous_month
from bot.rituals.releases.domain.states import (
    after_approval,
    after_submit,
    check_can_cancel,
    check_can_decide,
    check_can_edit,
    check_can_submit,
)
from bot.rituals.releases.domain.validation import local_publish_time, validate_draft
from bot.rituals.releases.domain.values import (
    DEFAULT_TIERS,
    EDITABLE,
    PAST_TOLERANCE,
    SECTION_MAX,
    SECTION_TITLES,
    TITLE_MAX,
    VERSION_MAX,
    ReleaseDraft,
    ReleaseField,
    ReleaseInvalid,
    ReleaseRefused,
    ReleaseState,
    ReleaseView,
    Section,
    TierTemplate,
)

__all__ = [
    "DEFAULT_TIERS",
    "EDITABLE",
    "FENCE",
    "PAST_TOLERANCE",
    "SECTION_MAX",
    "SECTION_TITLES",
    "TITLE_MAX",
    "VERSION_MAX",
    "AckSummary",
    "ReleaseDraft",
    "ReleaseField",
    "ReleaseInvalid",
    "ReleaseRefused",
    "ReleaseState",
    "ReleaseView",
    "Rollup",
    "RollupRelease",
    "Section",
    "TierTemplate",
    "after_approval",
    "after_submit",
    "check_can_cancel",
    "check_can_decide",
    "check_can_edit",
    "check_can_submit",
    "group_pieces",
    "in_working_hours",
    "local_publish_time",
    "month_window",
    "previous_month",
    "publish_period",
    "release_id_of",
    "split_text",
    "validate_draft",
]
