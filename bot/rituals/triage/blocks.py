"""Triage builders (pure): the intake modal, ticket messages, the thread's parent, the summary,
the Home section. Everything stays within Block Kit limits (bot/slack/limits.py)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from functools import cache
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    ConversationFilter,
    ConversationSelectElement,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.rituals.triage.domain import (
    ACCOUNT_MAX,
    DESCRIPTION_MAX,
    LINK_MAX,
    SEVERITIES_MOST_FIRST,
    TITLE_MAX,
    AgeBucket,
    Outcome,
    SavedSettings,
    SessionSummary,
    Severity,
    Source,
    ThreadCounts,
    TicketDraft,
    TicketStatus,
    TicketView,
    TriageSettings,
    age_bucket,
    format_duration,
    is_overdue,
)
from bot.rituals.triage.ids import TriageIds
from bot.slack.limits import (
    HEADER_TEXT,
    MESSAGE_BLOCKS,
    MESSAGE_TEXT,
    SECTION_TEXT,
    clip,
)

DESCRIPTION_SHOWN = 600
OWNER_BLOCK_PREFIX = "triage-ticket:"


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


def click_value(ticket: TicketView) -> str:
    return str(ticket.id)


def parse_click_value(value: str) -> int:
    return int(value)


def _severity_option(severity: Severity) -> Option:
    return Option(value=severity.value, text=f"{severity.emoji} {severity.value.capitalize()}")


# ---- intake -------------------------------------------------------------------------------


def build_intake_modal(*, draft: TicketDraft | None, metadata: IntakeMetadata) -> View:
    draft = draft or TicketDraft(title="")
    return View(
        type="modal",
        callback_id=TriageIds.MODAL.value,
        title="Send to triage",
        submit="Send",
        close="Cancel",
        private_metadata=metadata.to_json(),
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
        f":white_check_mark: Sent to triage: *{ticket.title}* ({ticket.severity.value}). "
        "It will be in the next triage thread.",
        SECTION_TEXT,
    )


def build_wont_fix_modal(*, ticket: TicketView, metadata: WontFixMetadata) -> View:
    return View(
        type="modal",
        callback_id=TriageIds.WONT_FIX_MODAL.value,
        title="Won't fix",
        submit="Decide",
        close="Cancel",
        private_metadata=metadata.to_json(),
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=clip(f"*{ticket.title}*", SECTION_TEXT))),
            InputBlock(
                block_id=TriageIds.REASON_BLOCK.value,
                label="Why won't we fix it?",
                element=PlainTextInputElement(
                    action_id=TriageIds.REASON_INPUT.value, multiline=True, max_length=1000
                ),
            ),
        ],
    )


# ---- the thread ---------------------------------------------------------------------------


def _when(moment: datetime) -> str:
    epoch = int(moment.timestamp())
    return f"<!date^{epoch}^{{date_short_pretty}} at {{time}}|{moment:%Y-%m-%d %H:%M} UTC>"


def _outcome_line(ticket: TicketView) -> str:
    if ticket.outcome is None:
        return ""
    line = f":ballot_box_with_check: *{ticket.outcome.label}*"
    if ticket.outcome is Outcome.BUG and ticket.tracker_url:
        line += f": <{ticket.tracker_url}|{ticket.tracker_key or 'issue'}>"
    if ticket.outcome is Outcome.FEATURE and ticket.feedback_id is not None:
        line += f": feedback item #{ticket.feedback_id}"
    if ticket.outcome is Outcome.WONT_FIX and ticket.outcome_reason:
        line += f": _{ticket.outcome_reason}_"
    if ticket.decided_by:
        line += f" by <@{ticket.decided_by}>"
    if ticket.decided_at:
        line += f" {_when(ticket.decided_at)}"
    return line


def ticket_text(ticket: TicketView) -> str:
    return clip(f"Ticket {ticket.id}: {ticket.title} ({ticket.severity.value})", MESSAGE_TEXT)


def _ticket_texts(ticket: TicketView, now: datetime, sla_days: int) -> tuple[str, str]:
    """The body and the one-line facts of a ticket's message, already within limits."""
    description = clip(ticket.description, DESCRIPTION_SHOWN)
    body = f"{ticket.severity.emoji} *{ticket.title}*"
    if description:
        body += f"\n{description}"
    facts = [f"*{ticket.severity.value}*", f"#{ticket.id}"]
    if ticket.account_name:
        facts.append(f"account: {ticket.account_name}")
    facts.append(f"age: {age_bucket(ticket.created_at, now).value}")
    if ticket.status in {TicketStatus.OPEN, TicketStatus.FILING} and is_overdue(
        ticket.created_at, now, sla_days
    ):
        facts.append(f":warning: past the {sla_days}-day SLA")
    if ticket.link:
        facts.append(f"<{ticket.link}|helpdesk>" if "://" in ticket.link else ticket.link)
    if ticket.reporter_user_id:
        facts.append(f"from <@{ticket.reporter_user_id}>")
    elif ticket.helpdesk:
        facts.append(f"from {ticket.helpdesk}")
    if ticket.owner_user_id:
        facts.append(f"owner: <@{ticket.owner_user_id}>")
    return clip(body, SECTION_TEXT), clip(" · ".join(facts), SECTION_TEXT)


def build_ticket_blocks(*, ticket: TicketView, now: datetime, sla_days: int) -> list[Block]:
    """One ticket's message in the thread: what it is, how old, and its one-click outcomes."""
    body, facts = _ticket_texts(ticket, now, sla_days)
    blocks: list[Block] = [
        SectionBlock(block_id=f"triage-body:{ticket.id}", text=MarkdownTextObject(text=body)),
        ContextBlock(elements=[MarkdownTextObject(text=facts)]),
    ]
    owner = UserSelectElement(
        action_id=TriageIds.OWNER.value,
        placeholder="Owner",
        initial_user=ticket.owner_user_id,
    )
    if ticket.status is TicketStatus.OPEN:
        value = click_value(ticket)
        buttons: list[ButtonElement | UserSelectElement] = [
            ButtonElement(
                text="Bug → engineering",
                action_id=TriageIds.BUG.value,
                value=value,
                style="primary",
            ),
            ButtonElement(text="Feature request", action_id=TriageIds.FEATURE.value, value=value),
            ButtonElement(text="Known issue", action_id=TriageIds.KNOWN.value, value=value),
            ButtonElement(text="Needs info", action_id=TriageIds.NEEDS_INFO.value, value=value),
            ButtonElement(
                text="Won't fix", action_id=TriageIds.WONT_FIX.value, value=value, style="danger"
            ),
            owner,
        ]
        blocks.append(ActionsBlock(block_id=f"{OWNER_BLOCK_PREFIX}{ticket.id}", elements=buttons))
    elif ticket.status is TicketStatus.FILING:
        blocks.append(
            ContextBlock(elements=[MarkdownTextObject(text=":hourglass: Filing it right now…")])
        )
    else:
        if ticket.status is TicketStatus.DELETED:
            line = ":wastebasket: Deleted in the helpdesk"
        else:
            line = _outcome_line(ticket)
        blocks.append(SectionBlock(text=MarkdownTextObject(text=clip(line, SECTION_TEXT))))
        if ticket.status is TicketStatus.TRIAGED:
            blocks.append(
                ActionsBlock(block_id=f"{OWNER_BLOCK_PREFIX}{ticket.id}", elements=[owner])
            )
    return blocks


def parent_text(counts: ThreadCounts) -> str:
    return (
        f"Support triage: {counts.total} tickets ({counts.new} new, "
        f"{counts.carried_over} carried over, {counts.overdue} past the SLA)"
    )


def build_parent_blocks(
    *,
    counts: ThreadCounts,
    session_id: int,
    started_at: datetime,
    sla_days: int,
    closed_by: str | None = None,
    closed_at: datetime | None = None,
) -> list[Block]:
    """The thread's parent: the counts, SLA flags, age buckets and the Close button."""
    blocks: list[Block] = [
        HeaderBlock(text=clip(f":ambulance: Support triage · {started_at:%d %b %Y}", HEADER_TEXT)),
        SectionBlock(
            text=MarkdownTextObject(
                text=(
                    f"*{counts.total}* tickets to triage: *{counts.new}* new, "
                    f"*{counts.carried_over}* carried over. Tickets are in the thread, "
                    "most severe and oldest first."
                )
            )
        ),
    ]
    if counts.overdue:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=f":warning: *{counts.overdue}* past the {sla_days}-day SLA"
                )
            )
        )
    severity = " · ".join(
        f"{s.emoji} {s.value} {counts.by_severity.get(s, 0)}" for s in SEVERITIES_MOST_FIRST
    )
    ages = " · ".join(f"{bucket.value}: {counts.by_age.get(bucket, 0)}" for bucket in AgeBucket)
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=severity)]))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=f"Age: {ages}")]))
    if closed_by:
        when = f" {_when(closed_at)}" if closed_at else ""
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=f":checkered_flag: Closed by <@{closed_by}>{when}. "
                    "The summary is in the thread."
                )
            )
        )
    else:
        blocks.append(
            ActionsBlock(
                block_id="triage-parent",
                elements=[
                    ButtonElement(
                        text="Close triage",
                        action_id=TriageIds.CLOSE.value,
                        value=str(session_id),
                        style="primary",
                    )
                ],
            )
        )
    return blocks


def build_superseded_blocks(*, by_ts: str | None) -> list[Block]:
    text = ":arrow_down: This triage thread was superseded by a newer one"
    text += " (`/triage now`). Carry on there." if by_ts else "."
    return [SectionBlock(text=MarkdownTextObject(text=text))]


def summary_text(summary: SessionSummary) -> str:
    return f"Triage summary: {summary.triaged} triaged, {summary.left} left"


def build_summary_pages(*, summary: SessionSummary, closed_by: str) -> list[list[Block]]:
    """The summary; the list of created issues continues on further messages when long."""
    outcomes = "\n".join(f"• {o.label}: *{n}*" for o, n in summary.outcomes.items())
    median = (
        format_duration(summary.median_time_to_triage)
        if summary.median_time_to_triage is not None
        else "n/a"
    )
    left = f"*{summary.left}* still untriaged (they carry over to next week)"
    if summary.left_overdue:
        left += f", :warning: {summary.left_overdue} past the SLA"
    first: list[Block] = [
        HeaderBlock(text=":checkered_flag: Triage summary"),
        SectionBlock(
            text=MarkdownTextObject(
                text=clip(
                    f"*{summary.triaged}* tickets triaged, closed by <@{closed_by}>.\n{outcomes}",
                    SECTION_TEXT,
                )
            )
        ),
        SectionBlock(text=MarkdownTextObject(text=left)),
        ContextBlock(elements=[MarkdownTextObject(text=f"Median time to triage: {median}")]),
    ]
    lines = [
        clip(f"• <{issue.url}|{issue.key}> {issue.title}", 300) for issue in summary.created_issues
    ]
    if not lines:
        return [first]
    sections = _pack(lines, SECTION_TEXT - 40)
    pages: list[list[Block]] = [first]
    room = MESSAGE_BLOCKS - len(first) - 1
    for index, chunk in enumerate(sections):
        label = "*Issues created*\n" if index == 0 else ""
        block = SectionBlock(text=MarkdownTextObject(text=label + chunk))
        if room > 0:
            if index == 0:
                pages[-1].append(DividerBlock())
            pages[-1].append(block)
            room -= 1
        else:
            pages.append([block])
            room = MESSAGE_BLOCKS - 1
    return pages


def _pack(lines: list[str], limit: int) -> list[str]:
    chunks: list[str] = []
    current = ""
    for line in lines:
        if current and len(current) + 1 + len(line) > limit:
            chunks.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        chunks.append(current)
    return chunks


def lost_race_text(ticket: TicketView) -> str:
    if ticket.status is TicketStatus.FILING:
        return ":hourglass: Someone else is deciding this ticket right now; it shows the result."
    if ticket.status is TicketStatus.DELETED:
        return "This ticket was deleted in the helpdesk."
    who = f"<@{ticket.decided_by}>" if ticket.decided_by else "Someone"
    label = ticket.outcome.label if ticket.outcome else "decided"
    return (
        f"{who} already triaged *{clip(ticket.title, 200)}* as *{label}*. The message now shows it."
    )


def needs_info_text(ticket: TicketView, asked_by: str) -> str:
    return clip(
        f":mag: <@{asked_by}> needs more information about the ticket you sent to triage: "
        f"*{ticket.title}*. Please reply to them directly with the details (steps, account, "
        "screenshots).",
        SECTION_TEXT,
    )


# ---- settings -----------------------------------------------------------------------------

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
    return View(
        type="modal",
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


def settings_saved_text(*, team_id: str, saved: SavedSettings) -> str:
    settings = saved.settings
    channel = f"<#{settings.channel_id}>" if settings.channel_id else "not set"
    tracker = (
        f"{_TRACKER_OPTIONS[str(settings.tracker.kind)]} ({settings.tracker.project})"
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


# ---- App Home -----------------------------------------------------------------------------


def build_home_section(
    *, owned: list[TicketView], reported: list[TicketView], now: datetime
) -> list[Block]:
    if not owned and not reported:
        return []
    blocks: list[Block] = [HeaderBlock(text=":ambulance: Support triage")]
    if owned:
        lines = [_home_line(t, now) for t in owned]
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=clip("*Assigned to you*\n" + "\n".join(lines), SECTION_TEXT)
                )
            )
        )
    if reported:
        lines = [_home_line(t, now) for t in reported]
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=clip("*Tickets you sent to triage*\n" + "\n".join(lines), SECTION_TEXT)
                )
            )
        )
    return blocks


def _home_line(ticket: TicketView, now: datetime) -> str:
    if ticket.outcome is not None:
        state = ticket.outcome.label
        if ticket.tracker_url:
            state += f" <{ticket.tracker_url}|{ticket.tracker_key or 'issue'}>"
    else:
        state = f"waiting ({age_bucket(ticket.created_at, now).value})"
    return clip(f"• {ticket.severity.emoji} {ticket.title}: {state}", 300)


@cache
def _open_actions_template() -> dict[str, Any]:
    """The outcome buttons and owner picker of an open ticket, built and validated once."""
    placeholder = replace(_TEMPLATE_TICKET, status=TicketStatus.OPEN)
    blocks = build_ticket_blocks(ticket=placeholder, now=placeholder.created_at, sla_days=1)
    return dict(blocks[-1].to_dict())


def ticket_block_dicts(*, ticket: TicketView, now: datetime, sla_days: int) -> list[dict[str, Any]]:
    """Exactly `[b.to_dict() for b in build_ticket_blocks(...)]` (a test holds them equal),
    without slack_sdk's per-object validation for open tickets: the weekly thread renders
    thousands at once, and that validation was 90% of the time."""
    if ticket.status is not TicketStatus.OPEN:
        return [b.to_dict() for b in build_ticket_blocks(ticket=ticket, now=now, sla_days=sla_days)]
    body, facts = _ticket_texts(ticket, now, sla_days)
    template = _open_actions_template()
    value = click_value(ticket)
    elements: list[dict[str, Any]] = []
    for element in template["elements"]:
        copied = dict(element)
        if copied["type"] == "button":
            copied["value"] = value
        elif ticket.owner_user_id:
            copied["initial_user"] = ticket.owner_user_id
        elements.append(copied)
    return [
        {
            "type": "section",
            "block_id": f"triage-body:{ticket.id}",
            "text": {"type": "mrkdwn", "text": body},
        },
        {"type": "context", "elements": [{"type": "mrkdwn", "text": facts}]},
        {"type": "actions", "block_id": f"{OWNER_BLOCK_PREFIX}{ticket.id}", "elements": elements},
    ]


_TEMPLATE_TICKET = TicketView(
    id=0,
    title="template",
    description="",
    account_name=None,
    severity=Severity.NORMAL,
    link=None,
    source=Source.SLASH,
    helpdesk=None,
    external_id=None,
    reporter_user_id=None,
    status=TicketStatus.OPEN,
    outcome=None,
    outcome_reason=None,
    decided_by=None,
    decided_at=None,
    owner_user_id=None,
    tracker_key=None,
    tracker_url=None,
    feedback_id=None,
    created_at=datetime(2026, 1, 1, tzinfo=UTC),
    version=0,
)
