"""Every Slack id the feedback ritual uses, defined once (commands, callbacks, blocks, actions)."""

from __future__ import annotations

from enum import StrEnum

from bot.rituals.feedback.domain import FeedbackField, SettingsField


class FeedbackRituals(StrEnum):
    """The feedback ritual's scheduled names (DESIGN.md contracts)."""

    DIGEST = "feedback-digest"


class FeedbackIds(StrEnum):
    COMMAND = "/feedback"
    MESSAGE_SHORTCUT = "feedback-capture-message"  # the manifest's message shortcut callback

    MODAL = "feedback-modal"
    STATUS_MODAL = "feedback-status-modal"
    MERGE_MODAL = "feedback-merge-modal"
    ACCOUNT_MODAL = "feedback-account-modal"

    # the feedback form: one block and one element per field
    TEXT_BLOCK = "feedback-text"
    TEXT_INPUT = "feedback-text-input"
    ACCOUNT_BLOCK = "feedback-account"
    ACCOUNT_SELECT = "feedback-account-select"
    AREA_BLOCK = "feedback-area"
    AREA_SELECT = "feedback-area-select"
    SOURCE_BLOCK = "feedback-source"
    SOURCE_SELECT = "feedback-source-select"
    IMPORTANCE_BLOCK = "feedback-importance"
    IMPORTANCE_SELECT = "feedback-importance-select"
    LINK_BLOCK = "feedback-link"
    LINK_INPUT = "feedback-link-input"
    ON_BEHALF_BLOCK = "feedback-on-behalf"
    ON_BEHALF_SELECT = "feedback-on-behalf-select"

    # buttons and selects on messages and the App Home
    ADD_DETAILS = "feedback-add-details"
    PLUS_ONE = "feedback-plus-one"
    KEEP_SEPARATE = "feedback-keep-separate"
    ITEM_ACTION = "feedback-item-action"  # status changes and "merge into…"

    # the status and merge modals
    STATUS_LINK_BLOCK = "feedback-status-link"
    STATUS_LINK_INPUT = "feedback-status-link-input"
    STATUS_REASON_BLOCK = "feedback-status-reason"
    STATUS_REASON_INPUT = "feedback-status-reason-input"
    MERGE_TARGET_BLOCK = "feedback-merge-target"
    MERGE_TARGET_INPUT = "feedback-merge-target-input"

    # the account editor (admins)
    ACCOUNT_NAME_BLOCK = "feedback-account-name"
    ACCOUNT_NAME_INPUT = "feedback-account-name-input"
    ACCOUNT_EXTERNAL_BLOCK = "feedback-account-external"
    ACCOUNT_EXTERNAL_INPUT = "feedback-account-external-input"
    ACCOUNT_SEGMENT_BLOCK = "feedback-account-segment"
    ACCOUNT_SEGMENT_INPUT = "feedback-account-segment-input"
    ACCOUNT_ARR_BLOCK = "feedback-account-arr"
    ACCOUNT_ARR_INPUT = "feedback-account-arr-input"
    ACCOUNT_OWNER_BLOCK = "feedback-account-owner"
    ACCOUNT_OWNER_SELECT = "feedback-account-owner-select"

    # the feedback section of `/ops settings` (admins)
    SETTINGS_MODAL = "feedback-settings-modal"
    SETTINGS_AREAS_BLOCK = "feedback-settings-areas"
    SETTINGS_AREAS_INPUT = "feedback-settings-areas-input"
    SETTINGS_EMOJI_BLOCK = "feedback-settings-emoji"
    SETTINGS_EMOJI_INPUT = "feedback-settings-emoji-input"
    SETTINGS_OWNER_BLOCK = "feedback-settings-owner"  # + ":<area>", one block per area
    SETTINGS_OWNER_SELECT = "feedback-settings-owner-select"


FIELD_BLOCKS: dict[FeedbackField, FeedbackIds] = {
    FeedbackField.TEXT: FeedbackIds.TEXT_BLOCK,
    FeedbackField.ACCOUNT: FeedbackIds.ACCOUNT_BLOCK,
    FeedbackField.AREA: FeedbackIds.AREA_BLOCK,
    FeedbackField.SOURCE: FeedbackIds.SOURCE_BLOCK,
    FeedbackField.IMPORTANCE: FeedbackIds.IMPORTANCE_BLOCK,
    FeedbackField.LINK: FeedbackIds.LINK_BLOCK,
    FeedbackField.ON_BEHALF_OF: FeedbackIds.ON_BEHALF_BLOCK,
}

SETTINGS_BLOCKS: dict[SettingsField, FeedbackIds] = {
    SettingsField.AREAS: FeedbackIds.SETTINGS_AREAS_BLOCK,
    SettingsField.CAPTURE_EMOJI: FeedbackIds.SETTINGS_EMOJI_BLOCK,
}

NEW_ACCOUNT_PREFIX = "new:"  # option value of "Create account “…”" in the account type-ahead
MERGE_ACTION = "merge"  # the item menu's "Merge into another item…" choice
