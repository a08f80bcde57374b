"""Triage modals (pure): the intake form, the Won't-fix reason, the admins' settings, their
private metadata and the private confirmations they lead to. Text a person typed is escaped
(`bot.slack.mrkdwn`) before it enters mrkdwn."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from slack_sdk.models.blocks import (
    CheckboxesElement,
    ConversationFilter,
    ConversationSelectElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.rituals.triage.domain import (
    ACCOUNT_MAX,
    DESCRIPTION_MAX,
    LINK_MAX,
    TITLE_MAX,
    SavedSettings,
    Severity,
    TicketDraft,
    TicketView,
    TriageSettings,
)
from bot.rituals.triage.ids import TriageIds
from bot.slack.limits import (
    SECTION_TEXT,
    clip,
)
from bot.slack.modals import modal
from bot.slack.mrkdwn import escape


@dataclass(frozen=True)
class IntakeMetadata:
    """Carried in the intake modal: where it was opened from and how."""

    source: str
    channel_id: str | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> IntakeMetadata:
        data = json.loads(text or "{}")
        return cls(source=str(data.get("source", "slash")), channel_id=data.get("channel_id"))


@dataclass(frozen=True)
class WontFixMetadata:
    """Carried in the Won't-fix reason modal: the ticket and the message it was clicked on."""

    ticket_id: int
    channel_id: str | None
    ts: str | None

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> WontFixMetadata:
        data = json.loads(text)
        return cls(
            ticket_id=int(data["ticket_id"]),
            channel_id=data.get("channel_id"),
            ts=data.get("ts"),
        )


def _severity_option(severity: Severity) -> Option:
    return Option(value=severity.value, text=f"{severity.emoji} {severity.value.capitalize()}")


def build_intake_modal(*, draft: TicketDraft | None, metadata: IntakeMetadata) -> View:
    draft = draft or TicketDraft(title="")
    return modal(
        callback_id=TriageIds.MODAL.value,
        title="Send to triage",
        submit="Send",
        close="Cancel",
        metadata=metadata.to_json(),
        blocks=[
            InputBlock(
                block_id=TriageIds.TITLE_BLOCK.value,
                label="Title",
                element=PlainTextInputElement(
                    action_id=TriageIds.TITLE_INPUT.value,
                    initial_value=clip(draft.title, TITLE_MAX) or None,
                    max_length=TITLE_MAX,
                    placeholder="Export to CSV times out for large accounts",
                ),
            ),
            InputBlock(
                block_id=TriageIds.DESCRIPTION_BLOCK.value,
                label="Description",
                optional=True,
                element=PlainTextInputElement(
                    action_id=TriageIds.DESCRIPTION_INPUT.value,
                    multiline=True,
                    initial_value=clip(draft.description, DESCRIPTION_MAX) or None,
                    max_length=DESCRIPTION_MAX,
                ),
            ),
            InputBlock(
                block_id=TriageIds.ACCOUNT_BLOCK.value,
                label="Account",
                optional=True,
                element=PlainTextInputElement(
                    action_id=TriageIds.ACCOUNT_INPUT.value,
                    initial_value=clip(draft.account_name or "", ACCOUNT_MAX) or None,
                    max_length=ACCOUNT_MAX,
                ),
            ),
            InputBlock(
                block_id=TriageIds.SEVERITY_BLOCK.value,
                label="Severity",
                element=StaticSelectElement(
                    action_id=TriageIds.SEVERITY_INPUT.value,
                    options=[_severity_option(s) for s in Severity],
                    initial_option=_severity_option(draft.severity),
                ),
            ),
            InputBlock(
                block_id=TriageIds.LINK_BLOCK.value,
                label="Helpdesk link or ticket id",
                optional=True,
                element=PlainTextInputElement(
                    action_id=TriageIds.LINK_INPUT.value,
                    initial_value=clip(draft.link or "", LINK_MAX) or None,
                    max_length=LINK_MAX,
                ),
            ),
        ],
    )


def submitted_text(ticket: TicketView) -> str:
    return clip(
        f":white_check_mark: Sent to triage: *{escape(ticket.title)}* ({ticket.severity.value}). "
        "It will be in the next triage thread.",
        SECTION_TEXT,
    )


def build_wont_fix_modal(*, ticket: TicketView, metadata: WontFixMetadata) -> View:
    return modal(
        callback_id=TriageIds.WONT_FIX_MODAL.value,
        title="Won't fix",
        submit="Decide",
        close="Cancel",
        metadata=metadata.to_json(),
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(text=clip(f"*{escape(ticket.title)}*", SECTION_TEXT))
            ),
            InputBlock(
                block_id=TriageIds.REASON_BLOCK.value,
                label="Why won't we fix it?",
                element=PlainTextInputElement(
                    action_id=TriageIds.REASON_INPUT.value, multiline=True, max_length=1000
                ),
            ),
        ],
    )


_TRACKER_OPTIONS = {
    "none": "No tracker",
    "jira": "Jira Cloud",
    "linear": "Linear",
    "github": "GitHub Issues",
}


def build_settings_modal(*, current: TriageSettings) -> View:
    """Admins: the triage channel, the SLA, the tracker for bugs and the webhook secret.
    The stored token and secret are never shown."""
    tracker = current.tracker
    kind = str(tracker.kind) if tracker else "none"
    options = [Option(value=key, text=label) for key, label in _TRACKER_OPTIONS.items()]
    token_hint = "A token is stored; leave empty to keep it." if tracker else "API token"
    webhook_option = Option(
        value="new",
        text="Generate a new webhook secret" if current.webhook_secret else "Turn on the webhook",
    )
    return modal(
        callback_id=TriageIds.SETTINGS_MODAL.value,
        title="Triage settings",
        submit="Save",
        close="Cancel",
        blocks=[
            InputBlock(
                block_id=TriageIds.CHANNEL_BLOCK.value,
                label="Triage channel (for /triage now)",
                optional=True,
                element=ConversationSelectElement(
                    action_id=TriageIds.CHANNEL_INPUT.value,
                    initial_conversation=current.channel_id,
                    filter=ConversationFilter(include=["public", "private"]),
                ),
            ),
            InputBlock(
                block_id=TriageIds.SLA_BLOCK.value,
                label="SLA: days before a ticket is overdue",
                element=PlainTextInputElement(
                    action_id=TriageIds.SLA_INPUT.value,
                    initial_value=str(current.sla_days),
                    max_length=3,
                ),
            ),
            InputBlock(
                block_id=TriageIds.CLOSE_AFTER_BLOCK.value,
                label="Close each session by itself after (hours)",
                optional=True,
                hint="Empty: only the Close triage button closes a session.",
                element=PlainTextInputElement(
                    action_id=TriageIds.CLOSE_AFTER_INPUT.value,
                    initial_value=(
                        str(current.close_after_hours) if current.close_after_hours else None
                    ),
                    max_length=3,
                ),
            ),
            InputBlock(
                block_id=TriageIds.TRACKER_KIND_BLOCK.value,
                label="Bug → engineering creates issues in",
                element=StaticSelectElement(
                    action_id=TriageIds.TRACKER_KIND_INPUT.value,
                    options=options,
                    initial_option=next(o for o in options if o.value == kind),
                ),
            ),
            _optional_text(
                TriageIds.TRACKER_PROJECT_BLOCK,
                TriageIds.TRACKER_PROJECT_INPUT,
                "Project key / Linear team id / owner/repo",
                tracker.project if tracker else "",
            ),
            _optional_text(
                TriageIds.TRACKER_URL_BLOCK,
                TriageIds.TRACKER_URL_INPUT,
                "Jira site (or a self-hosted API URL)",
                tracker.base_url if tracker else "",
            ),
            _optional_text(
                TriageIds.TRACKER_USER_BLOCK,
                TriageIds.TRACKER_USER_INPUT,
                "Jira account email",
                tracker.user if tracker else "",
            ),
            InputBlock(
                block_id=TriageIds.TRACKER_TOKEN_BLOCK.value,
                label="API token",
                optional=True,
                hint=token_hint,
                element=PlainTextInputElement(
                    action_id=TriageIds.TRACKER_TOKEN_INPUT.value, max_length=500
                ),
            ),
            InputBlock(
                block_id=TriageIds.WEBHOOK_BLOCK.value,
                label="Helpdesk webhook (POST /hooks/tickets)",
                optional=True,
                element=CheckboxesElement(
                    action_id=TriageIds.WEBHOOK_INPUT.value, options=[webhook_option]
                ),
            ),
        ],
    )


def _optional_text(block: TriageIds, action: TriageIds, label: str, value: str) -> InputBlock:
    return InputBlock(
        block_id=block.value,
        label=label,
        optional=True,
        element=PlainTextInputElement(
            action_id=action.value, initial_value=value or None, max_length=300
        ),
    )


def tracker_warning_text(problem: str) -> str:
    """Saved, but the tracker cannot be used as set (found after the save, e.g. by DNS)."""
    return f"\n\n:warning: Bugs cannot be filed to that tracker: {escape(problem)}"


def settings_saved_text(*, team_id: str, saved: SavedSettings) -> str:
    settings = saved.settings
    channel = f"<#{settings.channel_id}>" if settings.channel_id else "not set"
    tracker = (
        f"{_TRACKER_OPTIONS[str(settings.tracker.kind)]} ({escape(settings.tracker.project)})"
        if settings.tracker
        else "none"
    )
    text = (
        f":white_check_mark: Triage settings saved. Channel: {channel}; "
        f"SLA: {settings.sla_days} days; tracker: {tracker}."
    )
    if saved.new_webhook_secret:
        text += (
            "\n\nHelpdesk webhook: "
            f"`POST https://<your opsbot host>/hooks/tickets?team={team_id}`, signed with this "
            f"secret (shown only now, keep it safe):\n`{saved.new_webhook_secret}`"
        )
    return text
