"""Triage listeners: ack first, parse, one service call, render with a builder.

Every click updates the ticket's message in place (chat.update). A person who loses a race sees
the current state and is told privately who decided. Failures the person can act on
(`TriageUnavailable`: tracker down, bad credentials) reach the one error handler, which tells
the clicker privately; the ticket stays untriaged.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.rituals.triage.blocks import (
    OWNER_BLOCK_PREFIX,
    IntakeMetadata,
    WontFixMetadata,
    build_intake_modal,
    build_settings_modal,
    build_ticket_blocks,
    build_wont_fix_modal,
    lost_race_text,
    needs_info_text,
    parse_click_value,
    settings_saved_text,
    submitted_text,
    ticket_text,
)
from bot.rituals.triage.closing import publish_closed_session
from bot.rituals.triage.domain import (
    Outcome,
    SettingsForm,
    Severity,
    Source,
    TicketDraft,
    title_from_message,
    validate_draft,
)
from bot.rituals.triage.ids import TriageIds
from bot.rituals.triage.service import Decision, RunNow, SettingsInvalid, TriageService
from bot.workspace.admins import AdminGuard

Clock = Callable[[], datetime]

_FIELD_BLOCKS = {
    "title": TriageIds.TITLE_BLOCK.value,
    "description": TriageIds.DESCRIPTION_BLOCK.value,
    "account": TriageIds.ACCOUNT_BLOCK.value,
    "link": TriageIds.LINK_BLOCK.value,
}
_SETTINGS_BLOCKS = {
    "sla_days": TriageIds.SLA_BLOCK.value,
    "close_after_hours": TriageIds.CLOSE_AFTER_BLOCK.value,
    "tracker_kind": TriageIds.TRACKER_KIND_BLOCK.value,
    "tracker_project": TriageIds.TRACKER_PROJECT_BLOCK.value,
    "tracker_url": TriageIds.TRACKER_URL_BLOCK.value,
    "tracker_user": TriageIds.TRACKER_USER_BLOCK.value,
    "tracker_token": TriageIds.TRACKER_TOKEN_BLOCK.value,
}
_SIMPLE_OUTCOMES = {
    TriageIds.KNOWN.value: Outcome.KNOWN,
    TriageIds.NEEDS_INFO.value: Outcome.NEEDS_INFO,
}


def register(
    app: App, service: TriageService, admins: AdminGuard, clock: Clock, runs: RunNow
) -> None:
    @app.command(TriageIds.COMMAND.value)
    def on_triage(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        text = command.get("text", "").strip()
        word = text.split()[0].lower() if text else ""
        if word == "now":
            ack(text=":hourglass_flowing_sand: Posting a fresh triage thread…")
            service.post_now(
                runs=runs,
                team_id=command["team_id"],
                fallback_channel_id=command["channel_id"],
                now=clock(),
            )
            return
        ack()
        if word == "settings":
            admins.require_admin(
                team_id=command["team_id"],
                user_id=command["user_id"],
                what="change triage settings",
            )
            current = service.settings(team_id=command["team_id"])
            view = build_settings_modal(current=current)
        else:
            # `/triage Export times out` opens the form with that title filled in.
            draft = TicketDraft(title=title_from_message(text)) if text else None
            metadata = IntakeMetadata(
                source=Source.SLASH.value, channel_id=command.get("channel_id")
            )
            view = build_intake_modal(draft=draft, metadata=metadata)
        client.views_open(trigger_id=command["trigger_id"], view=view.to_dict())

    @app.view(TriageIds.SETTINGS_MODAL.value)
    def on_settings_saved(
        ack: Ack, view: dict[str, Any], body: dict[str, Any], client: WebClient
    ) -> None:
        team_id, user_id = _team_id(body), body["user"]["id"]
        admins.require_admin(team_id=team_id, user_id=user_id, what="change triage settings")
        try:
            saved = service.save_settings(
                team_id=team_id, form=_settings_form(view), user_id=user_id, now=clock()
            )
        except SettingsInvalid as invalid:
            ack(
                response_action="errors",
                errors={
                    _SETTINGS_BLOCKS[field]: message for field, message in invalid.errors.items()
                },
            )
            return
        ack()
        client.chat_postMessage(
            channel=user_id, text=settings_saved_text(team_id=team_id, saved=saved)
        )

    @app.shortcut(TriageIds.MESSAGE_SHORTCUT.value)
    def on_send_to_triage(ack: Ack, shortcut: dict[str, Any], client: WebClient) -> None:
        ack()
        draft = _draft_from_message(shortcut)
        metadata = IntakeMetadata(
            source=Source.SHORTCUT.value, channel_id=(shortcut.get("channel") or {}).get("id")
        )
        view = build_intake_modal(draft=draft, metadata=metadata)
        client.views_open(trigger_id=shortcut["trigger_id"], view=view.to_dict())

    @app.view(TriageIds.MODAL.value)
    def on_intake_submitted(
        ack: Ack, view: dict[str, Any], body: dict[str, Any], client: WebClient
    ) -> None:
        draft = _draft_from_view(view)
        errors = validate_draft(draft)
        if errors:
            ack(
                response_action="errors",
                errors={_FIELD_BLOCKS[field]: message for field, message in errors.items()},
            )
            return
        ack()
        metadata = IntakeMetadata.from_json(view.get("private_metadata", ""))
        user_id = body["user"]["id"]
        ticket = service.submit(
            team_id=_team_id(body),
            draft=draft,
            source=Source(metadata.source),
            reporter_user_id=user_id,
            now=clock(),
        )
        client.chat_postMessage(channel=user_id, text=submitted_text(ticket))

    @app.action(TriageIds.KNOWN.value)
    @app.action(TriageIds.NEEDS_INFO.value)
    def on_simple_outcome(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient
    ) -> None:
        ack()
        user_id = body["user"]["id"]
        outcome = _SIMPLE_OUTCOMES[action["action_id"]]
        decision = service.decide(
            team_id=_team_id(body),
            ticket_id=parse_click_value(action["value"]),
            outcome=outcome,
            user_id=user_id,
            now=clock(),
        )
        _show(client, body, decision, clock())
        ticket = decision.ticket
        if decision.won and outcome is Outcome.NEEDS_INFO:
            if ticket.reporter_user_id:
                client.chat_postMessage(
                    channel=ticket.reporter_user_id, text=needs_info_text(ticket, user_id)
                )
            else:
                where = ticket.link or ticket.helpdesk or "the helpdesk"
                client.chat_postEphemeral(
                    channel=body["channel"]["id"],
                    user=user_id,
                    text=f"This ticket came from {ticket.helpdesk or 'a helpdesk'}: ask the "
                    f"requester for details there ({where}).",
                )

    @app.action(TriageIds.BUG.value)
    def on_bug(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        ack()
        decision = service.file_bug(
            team_id=_team_id(body),
            ticket_id=parse_click_value(action["value"]),
            user_id=body["user"]["id"],
            now=clock(),
        )
        _show(client, body, decision, clock())

    @app.action(TriageIds.FEATURE.value)
    def on_feature(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient
    ) -> None:
        ack()
        decision = service.capture_feature(
            team_id=_team_id(body),
            ticket_id=parse_click_value(action["value"]),
            user_id=body["user"]["id"],
            now=clock(),
        )
        _show(client, body, decision, clock())

    @app.action(TriageIds.WONT_FIX.value)
    def on_wont_fix(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient
    ) -> None:
        ack()
        ticket_id = parse_click_value(action["value"])
        ticket = service.ticket(team_id=_team_id(body), ticket_id=ticket_id)
        metadata = WontFixMetadata(
            ticket_id=ticket_id,
            channel_id=(body.get("channel") or {}).get("id"),
            ts=(body.get("container") or {}).get("message_ts"),
        )
        view = build_wont_fix_modal(ticket=ticket, metadata=metadata)
        client.views_open(trigger_id=body["trigger_id"], view=view.to_dict())

    @app.view(TriageIds.WONT_FIX_MODAL.value)
    def on_wont_fix_submitted(
        ack: Ack, view: dict[str, Any], body: dict[str, Any], client: WebClient
    ) -> None:
        values = view["state"]["values"]
        reason = (
            values[TriageIds.REASON_BLOCK.value][TriageIds.REASON_INPUT.value].get("value") or ""
        ).strip()
        if not reason:
            ack(
                response_action="errors",
                errors={TriageIds.REASON_BLOCK.value: "Say why, so the reporter understands."},
            )
            return
        ack()
        metadata = WontFixMetadata.from_json(view["private_metadata"])
        user_id = body["user"]["id"]
        decision = service.decide(
            team_id=_team_id(body),
            ticket_id=metadata.ticket_id,
            outcome=Outcome.WONT_FIX,
            user_id=user_id,
            reason=reason,
            now=clock(),
        )
        if metadata.channel_id and metadata.ts:
            _update(client, metadata.channel_id, metadata.ts, decision, clock())
            if not decision.won:
                client.chat_postEphemeral(
                    channel=metadata.channel_id,
                    user=user_id,
                    text=lost_race_text(decision.ticket),
                )

    @app.action(TriageIds.OWNER.value)
    def on_owner(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        ack()
        decision = service.assign_owner(
            team_id=_team_id(body),
            ticket_id=int(action["block_id"].removeprefix(OWNER_BLOCK_PREFIX)),
            owner_user_id=action["selected_user"],
            user_id=body["user"]["id"],
            now=clock(),
        )
        _show(client, body, decision, clock())

    @app.action(TriageIds.CLOSE.value)
    def on_close(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        client: WebClient,
    ) -> None:
        ack()
        user_id = body["user"]["id"]
        closed = service.close_session(
            team_id=_team_id(body), session_id=int(action["value"]), user_id=user_id, now=clock()
        )
        if closed.already_closed:
            client.chat_postEphemeral(
                channel=closed.channel_id,
                user=user_id,
                text=f"This triage session was already closed by <@{closed.closed_by}>.",
            )
            return
        # The Close button sits on the parent, so the click says where the thread is.
        parent_ts = str((body.get("container") or {}).get("message_ts") or closed.parent_ts)
        publish_closed_session(client, closed, parent_ts)


def _team_id(body: dict[str, Any]) -> str:
    return str((body.get("team") or {}).get("id") or body["user"].get("team_id"))


def _show(client: WebClient, body: dict[str, Any], decision: Decision, now: datetime) -> None:
    """Re-renders the clicked message; a person who lost the race is told privately."""
    channel_id = body["channel"]["id"]
    ts = (body.get("container") or {}).get("message_ts") or body["message"]["ts"]
    _update(client, channel_id, ts, decision, now)
    if not decision.won:
        client.chat_postEphemeral(
            channel=channel_id, user=body["user"]["id"], text=lost_race_text(decision.ticket)
        )


def _update(client: WebClient, channel_id: str, ts: str, decision: Decision, now: datetime) -> None:
    blocks = build_ticket_blocks(ticket=decision.ticket, now=now, sla_days=decision.sla_days)
    client.chat_update(
        channel=channel_id,
        ts=ts,
        text=ticket_text(decision.ticket),
        blocks=[b.to_dict() for b in blocks],
    )


def _settings_form(view: dict[str, Any]) -> SettingsForm:
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


def _draft_from_view(view: dict[str, Any]) -> TicketDraft:
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


def _draft_from_message(shortcut: dict[str, Any]) -> TicketDraft:
    """Prefills from the message: its text, its author and its permalink (built from the team
    domain, so no API call delays opening the modal)."""
    message = shortcut.get("message") or {}
    text = str(message.get("text") or "")
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
