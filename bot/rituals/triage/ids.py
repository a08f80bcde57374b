"""Slack ids of the triage ritual, defined once."""

from __future__ import annotations

from enum import StrEnum


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
