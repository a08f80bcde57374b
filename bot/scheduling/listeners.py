"""`/ops settings` (the schedule modal with a button per ritual settings section) and
`/ops run <ritual>`: thin listeners.

Registered before the generic `/ops` help listener, matching only these subcommands. Each acks
at once and does its Slack calls after the ack (bot/slack/listen.py): opening the modal, asking
Slack whether the bot is in each chosen channel, running a ritual.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.ops.domain import parse_ops_command
from bot.scheduling.blocks import (
    build_not_saved_text,
    build_run_refused_text,
    build_run_text,
    build_saved_text,
    build_settings_modal,
)
from bot.scheduling.domain import ScheduleInputError
from bot.scheduling.forms import parse_run_args, parse_schedule_form
from bot.scheduling.ids import ScheduleIds as Ids
from bot.scheduling.service import RitualDispatcher, ScheduleService
from bot.scheduling.triggers import next_run
from bot.slack.listen import AfterAck
from bot.workspace.admins import AdminGuard

if TYPE_CHECKING:
    from bot.rituals.contract import SettingsSection

SETTINGS_WORDS = frozenset({"settings", "schedules", "schedule"})
RUN_NOW_GAP = timedelta(minutes=5)  # per ritual and workspace, so a channel cannot be flooded
SECTION_ACTION = re.compile(rf"^{re.escape(Ids.SECTION_BUTTON.value)}:")


def _is(words: frozenset[str]) -> Callable[[dict[str, Any]], bool]:
    def matches(command: dict[str, Any]) -> bool:
        return parse_ops_command(command.get("text", "")).name in words

    return matches


def register(
    app: App,
    *,
    schedules: ScheduleService,
    dispatcher: RitualDispatcher,
    admins: AdminGuard,
    clock: Callable[[], datetime],
    after_ack: AfterAck,
    sections: Sequence[SettingsSection] = (),
) -> None:
    by_key = {section.key: section for section in sections}
    labels = [(section.key, section.label) for section in sections]

    @app.command(Ids.COMMAND.value, matchers=[_is(SETTINGS_WORDS)])
    def on_settings(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        def open_settings() -> None:
            admins.require_admin(team_id=command["team_id"], user_id=command["user_id"])
            view = build_settings_modal(
                schedules.settings_view(team_id=command["team_id"], now=clock()), sections=labels
            )
            client.views_open(trigger_id=command["trigger_id"], view=view.to_dict())

        after_ack.ack_then(ack, command, client, open_settings, trigger_bound=True)

    @app.action(SECTION_ACTION)
    def on_section(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        team_id, user_id = context.team_id or "", body["user"]["id"]
        section = by_key.get(str(body["actions"][0].get("value", "")))

        def open_section() -> None:
            if section is None:
                return
            admins.require_admin(team_id=team_id, user_id=user_id)
            section.open(
                client=client, trigger_id=body["trigger_id"], team_id=team_id, user_id=user_id
            )

        after_ack.ack_then(ack, body, client, open_section, trigger_bound=True)

    @app.view(Ids.MODAL.value)
    def on_save(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        team_id = context.team_id or ""
        user_id = body["user"]["id"]
        # Before the ack: the form alone (pure) and the stored admin flag (database).
        try:
            form = parse_schedule_form(view["state"]["values"], schedules.ritual_names)
            schedules.check_input(channel_ids=form.channel_ids, time_zone=form.time_zone)
        except ScheduleInputError as error:
            ack(response_action="errors", errors=_by_block(error.errors))
            return
        admins.require_admin(team_id=team_id, user_id=user_id)

        def save() -> None:
            # After the ack: whether the bot can post in each channel is Slack's to say.
            try:
                saved = schedules.save(
                    team_id=team_id,
                    ritual=form.ritual,
                    key=form.key,
                    channel_ids=form.channel_ids,
                    rule=form.rule,
                    time_zone=form.time_zone,
                    enabled=form.enabled,
                    user_id=user_id,
                    now=clock(),
                )
            except ScheduleInputError as error:
                client.chat_postMessage(channel=user_id, text=build_not_saved_text(error.errors))
                return
            client.chat_postMessage(
                channel=user_id, text=build_saved_text(saved, next_run(saved, clock()))
            )

        after_ack.ack_then(ack, body, client, save)

    @app.command(Ids.COMMAND.value, matchers=[_is(frozenset({"run"}))])
    def on_run(ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        def run_now() -> None:
            request = parse_run_args(
                parse_ops_command(command.get("text", "")).args, schedules.ritual_names
            )
            admins.require_admin(
                team_id=command["team_id"], user_id=command["user_id"], what="run rituals"
            )
            last = dispatcher.recently_run_now(
                team_id=command["team_id"], ritual=request.ritual, now=clock(), within=RUN_NOW_GAP
            )
            if last is not None:
                respond(text=build_run_refused_text(request.ritual, last, RUN_NOW_GAP, clock()))
                return
            result = dispatcher.run_now(
                team_id=command["team_id"],
                ritual=request.ritual,
                channel_ids=request.channel_ids,
                now=clock(),
            )
            respond(text=build_run_text(result), response_type="ephemeral")

        after_ack.ack_then(ack, command, client, run_now)


def _by_block(errors: dict[str, str]) -> dict[str, str]:
    """Service errors name fields; the modal's block ids are the same names."""
    return {key: message[:150] for key, message in errors.items()}
