"""The weekly thread's messages (pure): one message per ticket with its one-click outcomes, the
parent with the counts and the Close button, the superseded note and the private notes a click
leads to. Ticket text from people and helpdesks is escaped (`bot.slack.mrkdwn.escape`) and only
safe URLs become links (`bot.slack.mrkdwn.link`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from functools import cache
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
    UserSelectElement,
)

from bot.rituals.triage.blocks.common import (
    DESCRIPTION_SHOWN,
    OWNER_BLOCK_PREFIX,
    click_value,
    when,
)
from bot.rituals.triage.domain import (
    SEVERITIES_MOST_FIRST,
    AgeBucket,
    Outcome,
    Severity,
    Source,
    ThreadCounts,
    TicketStatus,
    TicketView,
    age_bucket,
    is_overdue,
)
from bot.rituals.triage.ids import TriageIds
from bot.slack.limits import (
    HEADER_TEXT,
    MESSAGE_TEXT,
    SECTION_TEXT,
    clip,
)
from bot.slack.mrkdwn import escape, link


def _outcome_line(ticket: TicketView) -> str:
    if ticket.outcome is None:
        return ""
    line = f":ballot_box_with_check: *{ticket.outcome.label}*"
    if ticket.outcome is Outcome.BUG and ticket.tracker_url:
        line += f": {link(ticket.tracker_url, ticket.tracker_key or 'issue')}"
    if ticket.outcome is Outcome.FEATURE and ticket.feedback_id is not None:
        line += f": feedback item #{ticket.feedback_id}"
    if ticket.outcome is Outcome.WONT_FIX and ticket.outcome_reason:
        line += f": _{escape(ticket.outcome_reason)}_"
    if ticket.decided_by:
        line += f" by <@{ticket.decided_by}>"
    if ticket.decided_at:
        line += f" {when(ticket.decided_at)}"
    return line


def ticket_text(ticket: TicketView) -> str:
    return clip(
        f"Ticket {ticket.id}: {escape(ticket.title)} ({ticket.severity.value})", MESSAGE_TEXT
    )


def _ticket_texts(ticket: TicketView, now: datetime, sla_days: int) -> tuple[str, str]:
    """The body and the one-line facts of a ticket's message, already within limits."""
    description = escape(clip(ticket.description, DESCRIPTION_SHOWN))
    body = f"{ticket.severity.emoji} *{escape(ticket.title)}*"
    if description:
        body += f"\n{description}"
    facts = [f"*{ticket.severity.value}*", f"#{ticket.id}"]
    if ticket.account_name:
        facts.append(f"account: {escape(ticket.account_name)}")
    facts.append(f"age: {age_bucket(ticket.created_at, now).value}")
    if ticket.status in {TicketStatus.OPEN, TicketStatus.FILING} and is_overdue(
        ticket.created_at, now, sla_days
    ):
        facts.append(f":warning: past the {sla_days}-day SLA")
    if ticket.link:
        facts.append(link(ticket.link, "helpdesk") if "://" in ticket.link else escape(ticket.link))
    if ticket.reporter_user_id:
        facts.append(f"from <@{ticket.reporter_user_id}>")
    elif ticket.helpdesk:
        facts.append(f"from {escape(ticket.helpdesk)}")
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
        at = f" {when(closed_at)}" if closed_at else ""
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=f":checkered_flag: Closed by <@{closed_by}>{at}. "
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


def lost_race_text(ticket: TicketView) -> str:
    if ticket.status is TicketStatus.FILING:
        return ":hourglass: Someone else is deciding this ticket right now; it shows the result."
    if ticket.status is TicketStatus.DELETED:
        return "This ticket was deleted in the helpdesk."
    who = f"<@{ticket.decided_by}>" if ticket.decided_by else "Someone"
    label = ticket.outcome.label if ticket.outcome else "decided"
    return (
        f"{who} already triaged *{escape(clip(ticket.title, 200))}* as *{label}*. "
        "The message now shows it."
    )


def ask_helpdesk_text(ticket: TicketView) -> str:
    """Needs info on a helpdesk ticket: the clicker asks the requester there."""
    where = ticket.link or ticket.helpdesk or "the helpdesk"
    return clip(
        f"This ticket came from {escape(ticket.helpdesk or 'a helpdesk')}: ask the requester for "
        f"details there ({escape(where)}).",
        SECTION_TEXT,
    )


def needs_info_text(ticket: TicketView, asked_by: str) -> str:
    return clip(
        f":mag: <@{asked_by}> needs more information about the ticket you sent to triage: "
        f"*{escape(ticket.title)}*. Please reply to them directly with the details (steps, "
        "account, screenshots).",
        SECTION_TEXT,
    )


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
