"""Who may do what, decided in one place (pure rules; the service reads the facts).

Three roles besides everyone:
- workspace admin: Slack's own admin/owner flag (mirrored on every refresh, so a demotion in
  Slack is a demotion here) or an admin grant in opsbot (kept apart, so it is not overwritten);
- reviewer: PMs (people enrolled as PM) and anyone granted reviewer; admins too;
- release manager: anyone granted it; admins too.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Grant(StrEnum):
    ADMIN = "admin"
    REVIEWER = "reviewer"
    RELEASE_MANAGER = "release-manager"


class Permission(StrEnum):
    CHANGE_SETTINGS = "change settings"
    MANAGE_ROLES = "grant or revoke roles"
    READ_AUDIT = "read the audit log"
    RUN_NOW = "run rituals now"
    EXPORT_ALL = "export everyone's data"
    CHANGE_STATUS = "change the status of feedback"
    MERGE = "merge feedback items"
    CLOSE_TRIAGE = "close a triage session"
    REPOST_QUEUE = "re-post the triage queue"
    APPROVE_RELEASE = "approve releases"


ADMIN_ONLY = frozenset(
    {
        Permission.CHANGE_SETTINGS,
        Permission.MANAGE_ROLES,
        Permission.READ_AUDIT,
        Permission.RUN_NOW,
        Permission.EXPORT_ALL,
    }
)
REVIEWERS = frozenset(
    {
        Permission.CHANGE_STATUS,
        Permission.MERGE,
        Permission.CLOSE_TRIAGE,
        Permission.REPOST_QUEUE,
    }
)
RELEASE_MANAGERS = frozenset({Permission.APPROVE_RELEASE})


@dataclass(frozen=True)
class Standing:
    """What opsbot knows of one person in one workspace."""

    slack_admin: bool = False
    is_pm: bool = False
    grants: frozenset[Grant] = frozenset()

    @property
    def is_admin(self) -> bool:
        return self.slack_admin or Grant.ADMIN in self.grants

    @property
    def is_reviewer(self) -> bool:
        return self.is_admin or self.is_pm or Grant.REVIEWER in self.grants

    @property
    def is_release_manager(self) -> bool:
        return self.is_admin or Grant.RELEASE_MANAGER in self.grants

    def allows(self, permission: Permission) -> bool:
        if permission in ADMIN_ONLY:
            return self.is_admin
        if permission in REVIEWERS:
            return self.is_reviewer
        if permission in RELEASE_MANAGERS:
            return self.is_release_manager
        return False


def who_may(permission: Permission) -> str:
    """Words for the refusal message."""
    if permission in ADMIN_ONLY:
        return "workspace admins"
    if permission in REVIEWERS:
        return "reviewers (PMs and people an admin made reviewer)"
    return "release managers"
