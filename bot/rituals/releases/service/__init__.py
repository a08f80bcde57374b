"""Release use cases. Each public method is one unit of work and takes `now` (aware UTC).

Publishing is one transaction: the release becomes published and its posts are enqueued in
the outbox under the period `release:<id>`, one delivery row per channel and part, so however
often it is published (two clicks, two schedulers, a restart) each post is made once. Linked
feedback is then marked shipped through `FeedbackService.ship_for_release` and the people who
asked are told by feedback's own close-the-loop (`LoopCloser`), one release loop row per item.

`ReleaseService` is the one object listeners, jobs and the CLI call; each sub-flow lives in a
module of this package (drafts, approval, follow-up, reporting) over `ReleaseBase`.
"""

from __future__ import annotations

from bot.rituals.releases.service.approval import ApprovalFlow
from bot.rituals.releases.service.base import (
    EXPORT_COLUMNS,
    PUBLISH_RITUAL,
    SETTING,
    ChannelProblems,
    Correction,
    GroupMembers,
    HomeReleases,
    LoopCloser,
    ReleaseNotFound,
    ReminderFor,
    SubmitOutcome,
    TargetsFor,
)
from bot.rituals.releases.service.drafts import DraftsFlow
from bot.rituals.releases.service.follow_up import FollowUpFlow
from bot.rituals.releases.service.reporting import ReportingFlow, export_releases, release_teams


class ReleaseService(DraftsFlow, ApprovalFlow, FollowUpFlow, ReportingFlow):
    """Built with `sessions`, `workspaces`, `outbox`, `feedback`, `permissions`, `options`,
    `metrics`, and the `targets` and `reminder` post builders."""


__all__ = [
    "EXPORT_COLUMNS",
    "PUBLISH_RITUAL",
    "SETTING",
    "ChannelProblems",
    "Correction",
    "GroupMembers",
    "HomeReleases",
    "LoopCloser",
    "ReleaseNotFound",
    "ReleaseService",
    "ReminderFor",
    "SubmitOutcome",
    "TargetsFor",
    "export_releases",
    "release_teams",
]
