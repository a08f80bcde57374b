"""Triage listeners: bound methods registered from one table; each acks first, parses the payload
(`payloads.py`), makes one service call and shows the result (`slack_io.TriageSlack`).

Every click updates the ticket's message in place (chat.update) through one helper,
`_show_click`. A person who loses a race sees the current state and is told privately who
decided. Failures the person can act on (`TriageUnavailable`: tracker down, bad credentials)
reach the one error handler, which tells the clicker privately; the ticket stays untriaged.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.rituals.triage.blocks import (
    IntakeMetadata,
    WontFixMetadata,
    ask_helpdesk_text,
    build_intake_modal,
    build_settings_modal,
    build_wont_fix_modal,
    lost_race_text,
    needs_info_text,
    settings_saved_text,
    submitted_text,
)
from bot.rituals.triage.domain import (
    Decision,
    Outcome,
    SettingsInvalid,
    Source,
    TicketDraft,
    title_from_message,
    validate_draft,
)
from bot.rituals.triage.ids import TriageIds
from bot.rituals.triage.payloads import (
    FIELD_BLOCKS,
    SETTINGS_BLOCKS,
    Click,
    draft_from_message,
    draft_from_view,
    settings_form,
    team_id_of,
    wont_fix_reason,
)
from bot.rituals.triage.ports import RunNow
from bot.rituals.triage.service import TriageService
from bot.rituals.triage.slack_io import TriageSlack
from bot.slack.private_reply import SharedChannelCache
from bot.workspace.admins import AdminGuard

Clock = Callable[[], datetime]
Listener = Callable[..., None]


def register(
    app: App, service: TriageService, admins: AdminGuard, clock: Clock, runs: RunNow
) -> None:
    listeners = TriageListeners(service, admins, clock, runs)
    for kind, ids, listener in listeners.table():
        for id_ in ids:
            getattr(app, kind)(id_.value)(listener)


class TriageListeners:
    def __init__(
        self, service: TriageService, admins: AdminGuard, clock: Clock, runs: RunNow
    ) -> None:
        self._service = service
        self._admins = admins
        self._clock = clock
        self._runs = runs
        self._shared = SharedChannelCache()
        # One click, one service call: what each outcome button (and the owner picker) does.
        self._clicks: dict[str, Callable[[Click], Decision]] = {
            TriageIds.BUG.value: self._file_bug,
            TriageIds.FEATURE.value: self._capture_feature,
            TriageIds.KNOWN.value: lambda click: self._decide(click, Outcome.KNOWN),
            TriageIds.NEEDS_INFO.value: lambda click: self._decide(click, Outcome.NEEDS_INFO),
        }

    def table(self) -> list[tuple[str, tuple[TriageIds, ...], Listener]]:
        """(Bolt registration kind, ids, listener): everything triage answers."""
        return [
            ("command", (TriageIds.COMMAND,), self.on_triage),
            ("shortcut", (TriageIds.MESSAGE_SHORTCUT,), self.on_send_to_triage),
            ("view", (TriageIds.MODAL,), self.on_intake_submitted),
            ("view", (TriageIds.SETTINGS_MODAL,), self.on_settings_saved),
            (
                "action",
                (TriageIds.BUG, TriageIds.FEATURE, TriageIds.KNOWN, TriageIds.NEEDS_INFO),
                self.on_click,
            ),
            ("action", (TriageIds.OWNER,), self.on_owner),
            ("action", (TriageIds.WONT_FIX,), self.on_wont_fix),
            ("view", (TriageIds.WONT_FIX_MODAL,), self.on_wont_fix_submitted),
            ("action", (TriageIds.CLOSE,), self.on_close),
        ]

    def _slack(self, client: WebClient) -> TriageSlack:
        return TriageSlack(client, self._shared)

    # ---- intake -------------------------------------------------------------------------------
    def on_triage(
        self, ack: Ack, command: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        text = command.get("text", "").strip()
        word = text.split()[0].lower() if text else ""
        team_id = str(context.team_id or command["team_id"])
        if word == "now":
            ack(text=":hourglass_flowing_sand: Posting a fresh triage thread…")
            self._service.post_now(
                runs=self._runs,
                team_id=team_id,
                user_id=command["user_id"],
                fallback_channel_id=command["channel_id"],
                now=self._clock(),
            )
            return
        ack()
        if word == "settings":
            self._admins.require_admin(
                team_id=team_id, user_id=command["user_id"], what="change triage settings"
            )
            view = build_settings_modal(current=self._service.settings(team_id=team_id))
        else:
            # `/triage Export times out` opens the form with that title filled in.
            draft = TicketDraft(title=title_from_message(text)) if text else None
            metadata = IntakeMetadata(
                source=Source.SLASH.value, channel_id=command.get("channel_id")
            )
            view = build_intake_modal(draft=draft, metadata=metadata)
        client.views_open(trigger_id=command["trigger_id"], view=view.to_dict())

    def on_send_to_triage(self, ack: Ack, shortcut: dict[str, Any], client: WebClient) -> None:
        ack()
        metadata = IntakeMetadata(
            source=Source.SHORTCUT.value, channel_id=(shortcut.get("channel") or {}).get("id")
        )
        view = build_intake_modal(draft=draft_from_message(shortcut), metadata=metadata)
        client.views_open(trigger_id=shortcut["trigger_id"], view=view.to_dict())

    def on_intake_submitted(
        self,
        ack: Ack,
        view: dict[str, Any],
        body: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        draft = draft_from_view(view)
        errors = validate_draft(draft)
        if errors:
            ack(
                response_action="errors",
                errors={FIELD_BLOCKS[field]: message for field, message in errors.items()},
            )
            return
        ack()
        metadata = IntakeMetadata.from_json(view.get("private_metadata", ""))
        user_id = body["user"]["id"]
        ticket = self._service.submit(
            team_id=team_id_of(context, body),
            draft=draft,
            source=Source(metadata.source),
            reporter_user_id=user_id,
            now=self._clock(),
        )
        self._slack(client).dm(user_id=user_id, text=submitted_text(ticket))

    def on_settings_saved(
        self,
        ack: Ack,
        view: dict[str, Any],
        body: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        team_id, user_id = team_id_of(context, body), body["user"]["id"]
        self._admins.require_admin(team_id=team_id, user_id=user_id, what="change triage settings")
        try:
            saved = self._service.save_settings(
                team_id=team_id, form=settings_form(view), user_id=user_id, now=self._clock()
            )
        except SettingsInvalid as invalid:
            errors = {SETTINGS_BLOCKS[field]: text for field, text in invalid.errors.items()}
            ack(response_action="errors", errors=errors)
            return
        ack()
        text = settings_saved_text(team_id=team_id, saved=saved)
        self._slack(client).dm(user_id=user_id, text=text)

    # ---- clicks on a ticket -------------------------------------------------------------------
    def on_click(
        self,
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        """ack → the outcome's one service call → show it (Bug, Feature, Known, Needs info)."""
        ack()
        click = Click.of(context, body, action)
        decision = self._show_click(click, client, self._clicks[action["action_id"]])
        if decision.won and decision.ticket.outcome is Outcome.NEEDS_INFO:
            self._ask_for_info(click, decision, client)

    def on_owner(
        self,
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        def assign(click: Click) -> Decision:
            return self._service.assign_owner(
                team_id=click.team_id,
                ticket_id=click.ticket_id,
                owner_user_id=action["selected_user"],
                user_id=click.user_id,
                now=self._clock(),
            )

        ack()
        self._show_click(Click.of(context, body, action), client, assign)

    def _show_click(
        self, click: Click, client: WebClient, call: Callable[[Click], Decision]
    ) -> Decision:
        """The one "(acked) → call → show" shape of every click: re-renders the clicked
        message; a person who lost the race is told privately."""
        decision = call(click)
        slack = self._slack(client)
        slack.show_ticket(
            channel_id=click.channel_id, ts=click.ts, decision=decision, now=self._clock()
        )
        if not decision.won:
            slack.tell(
                user_id=click.user_id,
                channel_id=click.channel_id,
                text=lost_race_text(decision.ticket),
            )
        return decision

    def _ask_for_info(self, click: Click, decision: Decision, client: WebClient) -> None:
        """Needs info: the reporter is asked privately; for a helpdesk ticket, the clicker is
        pointed to the helpdesk."""
        ticket = decision.ticket
        slack = self._slack(client)
        if ticket.reporter_user_id:
            slack.dm(user_id=ticket.reporter_user_id, text=needs_info_text(ticket, click.user_id))
        else:
            slack.tell(
                user_id=click.user_id, channel_id=click.channel_id, text=ask_helpdesk_text(ticket)
            )

    def _file_bug(self, click: Click) -> Decision:
        return self._service.file_bug(
            team_id=click.team_id,
            ticket_id=click.ticket_id,
            user_id=click.user_id,
            now=self._clock(),
        )

    def _capture_feature(self, click: Click) -> Decision:
        return self._service.capture_feature(
            team_id=click.team_id,
            ticket_id=click.ticket_id,
            user_id=click.user_id,
            now=self._clock(),
        )

    def _decide(self, click: Click, outcome: Outcome) -> Decision:
        return self._service.decide(
            team_id=click.team_id,
            ticket_id=click.ticket_id,
            outcome=outcome,
            user_id=click.user_id,
            now=self._clock(),
        )

    # ---- Won't fix: a reason first ------------------------------------------------------------
    def on_wont_fix(
        self,
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        ack()
        click = Click.of(context, body, action)
        ticket = self._service.ticket(team_id=click.team_id, ticket_id=click.ticket_id)
        metadata = WontFixMetadata(
            ticket_id=click.ticket_id, channel_id=click.channel_id, ts=click.ts
        )
        view = build_wont_fix_modal(ticket=ticket, metadata=metadata)
        client.views_open(trigger_id=body["trigger_id"], view=view.to_dict())

    def on_wont_fix_submitted(
        self,
        ack: Ack,
        view: dict[str, Any],
        body: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        reason = wont_fix_reason(view)
        if not reason:
            ack(
                response_action="errors",
                errors={TriageIds.REASON_BLOCK.value: "Say why, so the reporter understands."},
            )
            return
        ack()
        metadata = WontFixMetadata.from_json(view["private_metadata"])
        click = Click(
            team_id=team_id_of(context, body),
            user_id=body["user"]["id"],
            channel_id=metadata.channel_id or "",
            ts=metadata.ts or "",
            ticket_id=metadata.ticket_id,
        )

        def decide(click: Click) -> Decision:
            return self._service.decide(
                team_id=click.team_id,
                ticket_id=click.ticket_id,
                outcome=Outcome.WONT_FIX,
                user_id=click.user_id,
                reason=reason,
                now=self._clock(),
            )

        if click.channel_id and click.ts:
            self._show_click(click, client, decide)
        else:
            decide(click)  # opened where the message is unknown: nothing to re-render

    # ---- closing ------------------------------------------------------------------------------
    def on_close(
        self,
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        """Closes the session; its summary reaches the thread through the outbox."""
        ack()
        user_id = body["user"]["id"]
        closed = self._service.close_session(
            team_id=team_id_of(context, body),
            session_id=int(action["value"]),
            user_id=user_id,
            now=self._clock(),
        )
        slack = self._slack(client)
        if closed.already_closed:
            slack.tell(
                user_id=user_id,
                channel_id=closed.channel_id,
                text=f"This triage session was already closed by <@{closed.closed_by}>.",
            )
            return
        # The Close button sits on the parent, so the click says where the thread is.
        parent_ts = str((body.get("container") or {}).get("message_ts") or closed.parent_ts)
        slack.show_closed(closed, parent_ts)
