"""Slack ids of the triage ritual, defined once."""

from __future__ import annotations

from enum import StrEnum


class TriageRituals(StrEnum):
    """The triage ritual's scheduled names (DESIGN.md contracts)."""

    THREAD = "triage-thread"


class TriageIds(StrEnum):
    COMMAND = "/triage"
    MESSAGE_SHORTCUT = "triage-send-message"
    MODAL = "triage-intake"
    WONT_FIX_MODAL = "triage-wont-fix"

    TITLE_BLOCK = "triage-title"
    TITLE_INPUT = "triage-title-input"
    DESCRIPTION_BLOCK = "triage-description"
    DESCRIPTION_INPUT = "triage-description-input"
    ACCOUNT_BLOCK = "triage-account"
    ACCOUNT_INPUT = "triage-account-input"
    SEVERITY_BLOCK = "triage-severity"
    SEVERITY_INPUT = "triage-severity-input"
    LINK_BLOCK = "triage-link"
    LINK_INPUT = "triage-link-input"
    REASON_BLOCK = "triage-reason"
    REASON_INPUT = "triage-reason-input"

    BUG = "triage-outcome-bug"
    FEATURE = "triage-outcome-feature"
    KNOWN = "triage-outcome-known"
    NEEDS_INFO = "triage-outcome-needs-info"
    WONT_FIX = "triage-outcome-wont-fix"
    OWNER = "triage-owner"
    CLOSE = "triage-close"

    SETTINGS_MODAL = "triage-settings"
    CHANNEL_BLOCK = "triage-settings-channel"
    CHANNEL_INPUT = "triage-settings-channel-input"
    SLA_BLOCK = "triage-settings-sla"
    SLA_INPUT = "triage-settings-sla-input"
    CLOSE_AFTER_BLOCK = "triage-settings-close-after"
    CLOSE_AFTER_INPUT = "triage-settings-close-after-input"
    TRACKER_KIND_BLOCK = "triage-settings-tracker"
    TRACKER_KIND_INPUT = "triage-settings-tracker-input"
    TRACKER_PROJECT_BLOCK = "triage-settings-project"
    TRACKER_PROJECT_INPUT = "triage-settings-project-input"
    TRACKER_URL_BLOCK = "triage-settings-url"
    TRACKER_URL_INPUT = "triage-settings-url-input"
    TRACKER_USER_BLOCK = "triage-settings-user"
    TRACKER_USER_INPUT = "triage-settings-user-input"
    TRACKER_TOKEN_BLOCK = "triage-settings-token"  # noqa: S105 - an id, not a secret
    TRACKER_TOKEN_INPUT = "triage-settings-token-input"  # noqa: S105 - an id, not a secret
    WEBHOOK_BLOCK = "triage-settings-webhook"
    WEBHOOK_INPUT = "triage-settings-webhook-input"


# Outbox parts of one thread, unique within (team, triage-thread, period, channel).
PARENT_PART = "parent"
TICKET_PART_PREFIX = "ticket:"
SUMMARY_PART_PREFIX = "summary:"


def ticket_part(ticket_id: int) -> str:
    return f"{TICKET_PART_PREFIX}{ticket_id}"


def summary_part(page: int) -> str:
    return f"{SUMMARY_PART_PREFIX}{page}"
