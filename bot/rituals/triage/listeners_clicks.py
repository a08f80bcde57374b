"""Triage listeners for clicks on a ticket (Bug, Feature, Known, Needs info, the owner picker,
Won't fix and its reason, Close), and what every triage listener shares: the injected services,
`_slack` and `_open`. `listeners.TriageListeners` adds intake and settings and registers both.

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

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View

from bot.rituals.triage.blocks import (
    CLOSED_NOT_SHOWN_TEXT,
    WontFixMetadata,
    ask_helpdesk_text,
    build_wont_fix_modal,
    lost_race_text,
    needs_info_text,
    not_shown_text,
)
from bot.rituals.triage.domain import Decision, Outcome
from bot.rituals.triage.ids import TriageIds
from bot.rituals.triage.payloads import Click, team_id_of, wont_fix_reason
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


class ClickListeners:
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

    def click_table(self) -> list[tuple[str, tuple[TriageIds, ...], Listener]]:
        """(Bolt registration kind, ids, listener): every click on a ticket or session."""
        return [
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

    def _open(self, ack: Ack, body: dict[str, Any], client: WebClient, view: View) -> None:
        """Acks, then opens `view` with the request's trigger id (valid 3 s) after the ack."""

        def open_modal() -> None:
            client.views_open(trigger_id=body["trigger_id"], view=view.to_dict())

        self._after_ack.ack_then(ack, body, client, open_modal, trigger_bound=True)

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
