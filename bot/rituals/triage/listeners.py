"""Triage listeners: bound methods registered from one table; each parses the payload
(`payloads.py`), acks, and hands its service call and Slack writes (`slack_io.TriageSlack`) to
`after_ack.ack_then` (bot/slack/listen.py): before the ack only memory and database work runs
(modal validation, the stored admin flag), so no ack ever waits on Slack or the tracker.

Intake (`/triage`, the message shortcut, the form) and settings live here; clicks on a ticket,
Won't fix and Close live in `listeners_clicks.py`, whose `ClickListeners` this class extends.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.rituals.triage.blocks import (
    IntakeMetadata,
    build_intake_modal,
    build_settings_modal,
    settings_saved_text,
    submitted_text,
    tracker_warning_text,
)
from bot.rituals.triage.domain import (
    SettingsInvalid,
    Source,
    TicketDraft,
    title_from_message,
    validate_draft,
)
from bot.rituals.triage.ids import TriageIds
from bot.rituals.triage.listeners_clicks import ClickListeners, Clock, Listener
from bot.rituals.triage.payloads import (
    FIELD_BLOCKS,
    SETTINGS_BLOCKS,
    draft_from_message,
    draft_from_view,
    settings_form,
    team_id_of,
)
from bot.rituals.triage.ports import RunNow
from bot.rituals.triage.service import TriageService
from bot.slack.listen import AfterAck
from bot.workspace.admins import AdminGuard


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


class TriageListeners(ClickListeners):
    def table(self) -> list[tuple[str, tuple[TriageIds, ...], Listener]]:
        """(Bolt registration kind, ids, listener): everything triage answers."""
        return [
            ("command", (TriageIds.COMMAND,), self.on_triage),
            ("shortcut", (TriageIds.MESSAGE_SHORTCUT,), self.on_send_to_triage),
            ("view", (TriageIds.MODAL,), self.on_intake_submitted),
            ("view", (TriageIds.SETTINGS_MODAL,), self.on_settings_saved),
            *self.click_table(),
        ]

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
