"""Slack payloads read into typed triage values (pure parsing, no calls): the intake form, the
message a shortcut was used on, the settings form, and where a click happened."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt import BoltContext

from bot.rituals.triage.blocks import OWNER_BLOCK_PREFIX, parse_click_value
from bot.rituals.triage.domain import SettingsForm, Severity, TicketDraft, title_from_message
from bot.rituals.triage.ids import TriageIds

FIELD_BLOCKS = {
    "title": TriageIds.TITLE_BLOCK.value,
    "description": TriageIds.DESCRIPTION_BLOCK.value,
    "account": TriageIds.ACCOUNT_BLOCK.value,
    "link": TriageIds.LINK_BLOCK.value,
}
SETTINGS_BLOCKS = {
    "sla_days": TriageIds.SLA_BLOCK.value,
    "close_after_hours": TriageIds.CLOSE_AFTER_BLOCK.value,
    "tracker_kind": TriageIds.TRACKER_KIND_BLOCK.value,
    "tracker_project": TriageIds.TRACKER_PROJECT_BLOCK.value,
    "tracker_url": TriageIds.TRACKER_URL_BLOCK.value,
    "tracker_user": TriageIds.TRACKER_USER_BLOCK.value,
    "tracker_token": TriageIds.TRACKER_TOKEN_BLOCK.value,
}


def team_id_of(context: BoltContext, body: dict[str, Any]) -> str:
    """The workspace (Bolt's `context.team_id`, right for Slack Connect too)."""
    return str(context.team_id or (body.get("team") or {}).get("id") or body["user"].get("team_id"))


@dataclass(frozen=True)
class Click:
    """A click on a ticket's message: who, in which workspace, on which message and ticket."""

    team_id: str
    user_id: str
    channel_id: str
    ts: str
    ticket_id: int

    @classmethod
    def of(cls, context: BoltContext, body: dict[str, Any], action: dict[str, Any]) -> Click:
        if action.get("action_id") == TriageIds.OWNER.value:
            ticket_id = int(action["block_id"].removeprefix(OWNER_BLOCK_PREFIX))
        else:
            ticket_id = parse_click_value(action["value"])
        return cls(
            team_id=team_id_of(context, body),
            user_id=body["user"]["id"],
            channel_id=body["channel"]["id"],
            ts=(body.get("container") or {}).get("message_ts") or body["message"]["ts"],
            ticket_id=ticket_id,
        )


def wont_fix_reason(view: dict[str, Any]) -> str:
    values = view["state"]["values"]
    typed = values[TriageIds.REASON_BLOCK.value][TriageIds.REASON_INPUT.value].get("value")
    return (typed or "").strip()


def settings_form(view: dict[str, Any]) -> SettingsForm:
    values = view["state"]["values"]

    def field(block: TriageIds, action: TriageIds) -> dict[str, Any]:
        return dict(values.get(block.value, {}).get(action.value) or {})

    def text(block: TriageIds, action: TriageIds) -> str:
        return str(field(block, action).get("value") or "")

    kind = (
        field(TriageIds.TRACKER_KIND_BLOCK, TriageIds.TRACKER_KIND_INPUT).get("selected_option")
        or {}
    ).get("value")
    checked = field(TriageIds.WEBHOOK_BLOCK, TriageIds.WEBHOOK_INPUT).get("selected_options")
    return SettingsForm(
        channel_id=field(TriageIds.CHANNEL_BLOCK, TriageIds.CHANNEL_INPUT).get(
            "selected_conversation"
        ),
        sla_days=text(TriageIds.SLA_BLOCK, TriageIds.SLA_INPUT),
        tracker_kind=None if kind in (None, "none") else str(kind),
        tracker_project=text(TriageIds.TRACKER_PROJECT_BLOCK, TriageIds.TRACKER_PROJECT_INPUT),
        tracker_url=text(TriageIds.TRACKER_URL_BLOCK, TriageIds.TRACKER_URL_INPUT),
        tracker_user=text(TriageIds.TRACKER_USER_BLOCK, TriageIds.TRACKER_USER_INPUT),
        tracker_token=text(TriageIds.TRACKER_TOKEN_BLOCK, TriageIds.TRACKER_TOKEN_INPUT),
        new_webhook_secret=bool(checked),
        close_after_hours=text(TriageIds.CLOSE_AFTER_BLOCK, TriageIds.CLOSE_AFTER_INPUT),
    )


def draft_from_view(view: dict[str, Any]) -> TicketDraft:
    values = view["state"]["values"]

    def text(block: TriageIds, action: TriageIds) -> str:
        return str((values.get(block.value, {}).get(action.value) or {}).get("value") or "")

    selected = (
        values.get(TriageIds.SEVERITY_BLOCK.value, {}).get(TriageIds.SEVERITY_INPUT.value) or {}
    ).get("selected_option") or {}
    return TicketDraft(
        title=text(TriageIds.TITLE_BLOCK, TriageIds.TITLE_INPUT).strip(),
        description=text(TriageIds.DESCRIPTION_BLOCK, TriageIds.DESCRIPTION_INPUT),
        account_name=text(TriageIds.ACCOUNT_BLOCK, TriageIds.ACCOUNT_INPUT).strip() or None,
        severity=Severity(selected.get("value") or Severity.NORMAL.value),
        link=text(TriageIds.LINK_BLOCK, TriageIds.LINK_INPUT).strip() or None,
    )


def unescape_slack(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def draft_from_message(shortcut: dict[str, Any]) -> TicketDraft:
    """Prefills from the message: its text, its author and its permalink (built from the team
    domain, so no API call delays opening the modal)."""
    message = shortcut.get("message") or {}
    # Slack sends message text with &, < and > as entities; the modal's input is plain text,
    # and the ticket is escaped again when it is shown in mrkdwn.
    text = unescape_slack(str(message.get("text") or ""))
    author = message.get("user")
    channel_id = (shortcut.get("channel") or {}).get("id", "")
    domain = (shortcut.get("team") or {}).get("domain")
    ts = str(message.get("ts") or shortcut.get("message_ts") or "")
    link = (
        f"https://{domain}.slack.com/archives/{channel_id}/p{ts.replace('.', '')}"
        if domain and channel_id and ts
        else None
    )
    description = f"<@{author}> wrote:\n{text}" if author else text
    return TicketDraft(
        title=title_from_message(text),
        description=description[:3000],
        link=link,
    )
