"""Triage listeners: bound methods registered from one table; each parses the payload
(`payloads.py`), acks, and hands its service call and Slack writes (`slack_io.TriageSlack`) to
`after_ack.ack_then` (bot/slack/listen.py): before the ack only memory and database work runs
(modal validation, the stored admin flag), so no ack ever waits on Slack or the tracker.

Every click updates the ticket's message in place (chat.update) through one helper,
`_show_click`. A person who loses a race sees the current state and is told privately who
decided. Failures the person can act on (`TriageUnavailable`: tracker down, bad credentials)
are told to the clicker privately by `ack_then`; the ticket stays untriaged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View

from bot.rituals.triage.blocks import (
    CLOSED_NOT_SHOWN_TEXT,
    IntakeMetadata,
    WontFixMetadata,
    ask_helpdesk_text,
    build_intake_modal,
    build_settings_modal,
    build_wont_fix_modal,
    lost_race_text,
    needs_info_text,
    not_shown_text,
    settings_saved_text,
    submitted_text,
    tracker_warning_text,
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
from bot.slack.listen import AfterAck
from bot.slack.private_reply import SharedChannelCache
from bot.workspace.admins import AdminGuard

logger = logging.getLogger(__name__)

# What a Web API call that did not happen raises: Slack's refusal, or a timeout / network error.
SLACK_FAILED = (SlackApiError, OSError)

Clock = Callable[[], datetime]
Listener = Callable[..., None]


def register(
    app: App,
    *,
    service: TriageService,
    admins: AdminGuard,
    clock: Clock,
    runs: RunNow,
    after_ack: AfterAck,
) -> None:
    listeners = TriageListeners(service, admins, clock, runs, after_ack)
    for kind, ids, listener in listeners.table():
        for id_ in ids:
            getattr(app, kind)(id_.value)(listener)


class TriageListeners:
    def __init__(
        self,
        service: TriageService,
        admins: AdminGuard,
        clock: Clock,
        runs: RunNow,
        after_ack: AfterAck,
    ) -> None:
        self._service = service
        self._admins = admins
        self._clock = clock
        self._runs = runs
        self._after_ack = after_ack
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
        user_id = command["user_id"]
        if word == "now":

            def post_now() -> None:
                self._service.post_now(
                    runs=self._runs,
                    team_id=team_id,
                    user_id=user_id,
                    fallback_channel_id=command["channel_id"],
                    now=self._clock(),
                )

            self._after_ack.ack_then(
                ack,
                command,
                client,
                post_now,
                ack_with={"text": ":hourglass_flowing_sand: Posting a fresh triage thread…"},
            )
            return
        if word == "settings":

            def open_settings() -> None:
                # After the ack: someone opsbot never saw is looked up in Slack here.
                self._admins.require_admin(
                    team_id=team_id, user_id=user_id, what="change triage settings"
                )
                view = build_settings_modal(current=self._service.settings(team_id=team_id))
                client.views_open(trigger_id=command["trigger_id"], view=view.to_dict())

            self._after_ack.ack_then(ack, command, client, open_settings, trigger_bound=True)
            return
        # `/triage Export times out` opens the form with that title filled in.
        draft = TicketDraft(title=title_from_message(text)) if text else None
        metadata = IntakeMetadata(source=Source.SLASH.value, channel_id=command.get("channel_id"))
        self._open(ack, command, client, build_intake_modal(draft=draft, metadata=metadata))

    def on_send_to_triage(self, ack: Ack, shortcut: dict[str, Any], client: WebClient) -> None:
        metadata = IntakeMetadata(
            source=Source.SHORTCUT.value, channel_id=(shortcut.get("channel") or {}).get("id")
        )
        view = build_intake_modal(draft=draft_from_message(shortcut), metadata=metadata)
        self._open(ack, shortcut, client, view)

    def _open(self, ack: Ack, body: dict[str, Any], client: WebClient, view: View) -> None:
        """Acks, then opens `view` with the request's trigger id (valid 3 s) after the ack."""

        def open_modal() -> None:
            client.views_open(trigger_id=body["trigger_id"], view=view.to_dict())

        self._after_ack.ack_then(ack, body, client, open_modal, trigger_bound=True)

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
        metadata = IntakeMetadata.from_json(view.get("private_metadata", ""))
        user_id = body["user"]["id"]
        team_id = team_id_of(context, body)

        def submit() -> None:
            ticket = self._service.submit(
                team_id=team_id,
                draft=draft,
                source=Source(metadata.source),
                reporter_user_id=user_id,
                now=self._clock(),
            )
            self._slack(client).dm(user_id=user_id, text=submitted_text(ticket))

        self._after_ack.ack_then(ack, body, client, submit)

    def on_settings_saved(
        self,
        ack: Ack,
        view: dict[str, Any],
        body: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        team_id, user_id = team_id_of(context, body), body["user"]["id"]
        # Before the ack: the stored admin flag, the form and the stored settings (database);
        # whether the tracker's host resolves to a private address is asked after the ack.
        self._admins.require_admin(team_id=team_id, user_id=user_id, what="change triage settings")
        form = settings_form(view)
        try:
            saved = self._service.save_settings(
                team_id=team_id,
                form=form,
                user_id=user_id,
                now=self._clock(),
                look_up_hosts=False,
            )
        except SettingsInvalid as invalid:
            errors = {SETTINGS_BLOCKS[field]: text for field, text in invalid.errors.items()}
            ack(response_action="errors", errors=errors)
            return

        def confirm() -> None:
            text = settings_saved_text(team_id=team_id, saved=saved)
            problem = self._service.tracker_problem(team_id=team_id)
            if problem:
                text += tracker_warning_text(problem)
            self._slack(client).dm(user_id=user_id, text=text)

        self._after_ack.ack_then(ack, body, client, confirm)

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
        click = Click.of(context, body, action)
        call = self._clicks[action["action_id"]]

        def decide() -> None:
            decision = self._show_click(click, client, call)
            if decision.won and decision.ticket.outcome is Outcome.NEEDS_INFO:
                self._ask_for_info(click, decision, client)

        self._after_ack.ack_then(ack, body, client, decide)

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

        click = Click.of(context, body, action)

        def assign_and_show() -> None:
            self._show_click(click, client, assign)

        self._after_ack.ack_then(ack, body, client, assign_and_show)

    def _show_click(
        self, click: Click, client: WebClient, call: Callable[[Click], Decision]
    ) -> Decision:
        """The one "(acked) → call → show" shape of every click, run after the ack: re-renders
        the clicked message; a person who lost the race is told privately. The decision is
        stored before Slack is asked: when the update fails (a slow Slack), the winner is told
        it was saved, never that nothing was."""
        decision = call(click)
        slack = self._slack(client)
        try:
            slack.show_ticket(
                channel_id=click.channel_id, ts=click.ts, decision=decision, now=self._clock()
            )
        except SLACK_FAILED as error:
            logger.warning(
                "ticket %s: message not updated: %s", click.ticket_id, type(error).__name__
            )
            if decision.won:
                slack.tell(
                    user_id=click.user_id,
                    channel_id=click.channel_id,
                    text=not_shown_text(decision.ticket),
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
        click = Click.of(context, body, action)
        ticket = self._service.ticket(team_id=click.team_id, ticket_id=click.ticket_id)
        metadata = WontFixMetadata(
            ticket_id=click.ticket_id, channel_id=click.channel_id, ts=click.ts
        )
        self._open(ack, body, client, build_wont_fix_modal(ticket=ticket, metadata=metadata))

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

        def decide_and_show() -> None:
            if click.channel_id and click.ts:
                self._show_click(click, client, decide)
            else:
                decide(click)  # opened where the message is unknown: nothing to re-render

        self._after_ack.ack_then(ack, body, client, decide_and_show)

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
        user_id = body["user"]["id"]
        team_id = team_id_of(context, body)
        session_id = int(action["value"])
        # The Close button sits on the parent, so the click says where the thread is.
        clicked_ts = (body.get("container") or {}).get("message_ts")

        def close() -> None:
            closed = self._service.close_session(
                team_id=team_id, session_id=session_id, user_id=user_id, now=self._clock()
            )
            slack = self._slack(client)
            if closed.already_closed:
                slack.tell(
                    user_id=user_id,
                    channel_id=closed.channel_id,
                    text=f"This triage session was already closed by <@{closed.closed_by}>.",
                )
                return
            try:
                slack.show_closed(closed, str(clicked_ts or closed.parent_ts))
            except SLACK_FAILED as error:
                logger.warning(
                    "session %s: parent not updated: %s", session_id, type(error).__name__
                )
                slack.tell(
                    user_id=user_id, channel_id=closed.channel_id, text=CLOSED_NOT_SHOWN_TEXT
                )

        self._after_ack.ack_then(ack, body, client, close)
