"""Every Slack id the releases ritual uses, defined once (command, callbacks, blocks, actions)."""

from __future__ import annotations

from enum import StrEnum

from bot.rituals.releases.domain import ReleaseField


class ReleaseIds(StrEnum):
    COMMAND = "/release"

    COMPOSER = "release-composer"
    LOADING = "release-loading"
    CHANGES_MODAL = "release-changes-modal"
    SETTINGS_MODAL = "release-settings-modal"

    # the composer: one block and one element per field
    TITLE_BLOCK = "release-title"
    TITLE_INPUT = "release-title-input"
    VERSION_BLOCK = "release-version"
    VERSION_INPUT = "release-version-input"
    TIER_BLOCK = "release-tier"
    TIER_SELECT = "release-tier-select"
    WHATS_NEW_BLOCK = "release-whats-new"
    WHATS_NEW_INPUT = "release-whats-new-input"
    WHY_BLOCK = "release-why"
    WHY_INPUT = "release-why-input"
    WHO_FOR_BLOCK = "release-who-for"
    WHO_FOR_INPUT = "release-who-for-input"
    DOCS_BLOCK = "release-docs"
    DOCS_INPUT = "release-docs-input"
    FEEDBACK_BLOCK = "release-feedback"
    FEEDBACK_SELECT = "release-feedback-select"
    CHANNELS_BLOCK = "release-channels"
    CHANNELS_SELECT = "release-channels-select"
    WHEN_BLOCK = "release-when"
    WHEN_RADIO = "release-when-radio"
    PUBLISH_AT_BLOCK = "release-publish-at"
    PUBLISH_AT_PICKER = "release-publish-at-picker"

    # preview, approval, the post
    PUBLISH = "release-publish"
    EDIT = "release-edit"
    CANCEL = "release-cancel"
    APPROVE = "release-approve"
    REQUEST_CHANGES = "release-request-changes"
    COMMENT_BLOCK = "release-comment"
    COMMENT_INPUT = "release-comment-input"
    ACKNOWLEDGE = "release-acknowledge"
    CORRECT = "release-correct"

    # settings (admins)
    MANAGERS_BLOCK = "release-managers"
    MANAGERS_SELECT = "release-managers-select"
    ACK_GROUP_BLOCK = "release-ack-group"
    ACK_GROUP_INPUT = "release-ack-group-input"
    SETTINGS_TIER_BLOCK = "release-settings-tier"
    TEMPLATE_NAME_BLOCK = "release-template-name"
    TEMPLATE_NAME_INPUT = "release-template-name-input"
    TEMPLATE_EMOJI_BLOCK = "release-template-emoji"
    TEMPLATE_EMOJI_INPUT = "release-template-emoji-input"
    TEMPLATE_SECTIONS_BLOCK = "release-template-sections"
    TEMPLATE_SECTIONS_SELECT = "release-template-sections-select"
    TEMPLATE_CHANNELS_BLOCK = "release-template-channels"
    TEMPLATE_CHANNELS_SELECT = "release-template-channels-select"
    TEMPLATE_FLAGS_BLOCK = "release-template-flags"
    TEMPLATE_FLAGS_CHECKS = "release-template-flags-checks"


RELEASE_ROLLUP = "release-rollup"  # the scheduled ritual's name (DESIGN.md contracts)

WHEN_NOW = "now"
WHEN_LATER = "later"
FLAG_APPROVAL = "needs_approval"
FLAG_ACKNOWLEDGE = "acknowledge"

FIELD_BLOCKS: dict[ReleaseField, ReleaseIds] = {
    ReleaseField.TITLE: ReleaseIds.TITLE_BLOCK,
    ReleaseField.VERSION: ReleaseIds.VERSION_BLOCK,
    ReleaseField.TIER: ReleaseIds.TIER_BLOCK,
    ReleaseField.WHATS_NEW: ReleaseIds.WHATS_NEW_BLOCK,
    ReleaseField.WHY: ReleaseIds.WHY_BLOCK,
    ReleaseField.WHO_FOR: ReleaseIds.WHO_FOR_BLOCK,
    ReleaseField.DOCS: ReleaseIds.DOCS_BLOCK,
    ReleaseField.FEEDBACK: ReleaseIds.FEEDBACK_BLOCK,
    ReleaseField.CHANNELS: ReleaseIds.CHANNELS_BLOCK,
    ReleaseField.WHEN: ReleaseIds.WHEN_BLOCK,
    ReleaseField.PUBLISH_AT: ReleaseIds.PUBLISH_AT_BLOCK,
}
