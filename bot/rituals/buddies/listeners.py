"""Buddy listeners: ack → parse → one service call → render.

Errors a person can fix (`BuddyError`, `NotAdminError`) that happen after the ack are answered
here, privately, rather than raised: Bolt would reset an ack already sent (SLACK-FACTS "Ack
reset"). After a call is shared, claimed or declined, `CallNotifier` lets the outbox deliver
what that changed (the ask, the offers, the rep's note).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.errors import UserFacingError
from bot.rituals.buddies import blocks
from bot.rituals.buddies.calls import CallService
from bot.rituals.buddies.domain import CallInvalid, CallOutcome, Command, parse_command
from bot.rituals.buddies.forms import ModalMetadata, read_call_form
from bot.rituals.buddies.ids import CALL_FIELD_BLOCKS, BuddyIds
from bot.rituals.buddies.jobs import CallNotifier
from bot.rituals.buddies.service import BuddyService
from bot.rituals.feedback.domain import FeedbackInvalid
from bot.rituals.feedback.forms import read_feedback_form
from bot.rituals.feedback.ids import FIELD_BLOCKS, FeedbackIds
from bot.rituals.feedback.service import FeedbackService
from bot.slack.private_reply import PrivateReplies, SharedChannelCache

Clock = Callable[[], datetime]
OUTCOME_ACTION = re.compile(rf"^{re.escape(BuddyIds.OUTCOME.value)}-")


def register(
    app: App,
    *,
    service: BuddyService,
    calls: CallService,
    feedback: FeedbackService,
    notifier: CallNotifier,
    clock: Clock,
) -> None:
    shared = SharedChannelCache()

    def tell(
        client: WebClient, user_id: str, channel_id: str | None, text: str, built: Any = ()
    ) -> None:
        PrivateReplies(client, shared).tell_privately(
            user_id=user_id, channel_id=channel_id, text=text, blocks=list(built)
        )

    # ---- /buddy ------------------------------------------------------------------------------
    @app.command(BuddyIds.COMMAND.value)
    def on_buddy(
        ack: Ack, command: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
    ) -> None:
        team_id, user_id = context.team_id or "", command["user_id"]
        now = clock()
        parsed = parse_command(command.get("text") or "", today=now.date())
        if parsed.command is Command.HELP:
            ack(text="/buddy help", blocks=[b.to_dict() for b in blocks.build_help(parsed.problem)])
            return
        if parsed.command is Command.CALL:
            ack()
            try:
                zone = calls.call_form(team_id=team_id, user_id=user_id, now=now)
            except UserFacingError as error:
                respond(text=str(error), response_type="ephemeral")
                return
            view = blocks.build_call_modal(
                time_zone=zone, metadata=ModalMetadata(channel_id=command.get("channel_id"))
            )
            client.views_open(trigger_id=command["trigger_id"], view=view.to_dict())
            return
        ack()  # enrolment may read several people from Slack: answer through response_url
        try:
            text, built = _enrolment(service, parsed, team_id=team_id, user_id=user_id, now=now)
        except UserFacingError as error:
            respond(text=str(error), response_type="ephemeral")
            return
        respond(text=text, blocks=[b.to_dict() for b in built] or None, response_type="ephemeral")

    @app.options(BuddyIds.ACCOUNT_SELECT.value)
    def on_account_typed(ack: Ack, payload: dict[str, Any], context: BoltContext) -> None:
        typed = str(payload.get("value") or "")
        names = feedback.search_accounts(team_id=context.team_id or "", typed=typed)
        ack(options=[o.to_dict() for o in blocks.account_options(names, typed)])

    @app.view(BuddyIds.CALL_MODAL.value)
    def on_call_shared(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        team_id, user_id = context.team_id or "", body["user"]["id"]
        metadata = ModalMetadata.from_json(view.get("private_metadata") or "")
        draft = read_call_form(view["state"]["values"])
        try:
            call = calls.share_call(
                team_id=team_id,
                rep_user_id=user_id,
                draft=draft,
                request_key=f"view:{view['id']}",
                now=clock(),
            )
        except CallInvalid as invalid:
            errors = {CALL_FIELD_BLOCKS[f].value: message for f, message in invalid.errors.items()}
            ack(response_action="errors", errors=errors)
            return
        except UserFacingError as error:
            ack(response_action="errors", errors={BuddyIds.ACCOUNT_BLOCK.value: str(error)})
            return
        ack()
        notifier.notify(team_id=team_id)
        tell(client, user_id, metadata.channel_id, blocks.call_shared_text(call))

    # ---- the PM's answer ---------------------------------------------------------------------
    @app.action(BuddyIds.JOIN.value)
    def on_join(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        respond: Respond,
    ) -> None:
        ack()
        team_id, user_id = context.team_id or "", body["user"]["id"]
        try:
            result = calls.claim(
                team_id=team_id, call_id=int(action["value"]), user_id=user_id, now=clock()
            )
        except UserFacingError as error:
            respond(text=str(error), response_type="ephemeral", replace_original=False)
            return
        if result.won:
            notifier.notify(team_id=team_id)  # the rep's note goes to the outbox first
        zone = service.time_zone_of(team_id=team_id, user_id=user_id)
        built = blocks.build_claim_answer(result, time_zone=zone)
        respond(
            text=built_text(result.won), blocks=[b.to_dict() for b in built], replace_original=True
        )

    @app.action(BuddyIds.DECLINE.value)
    def on_decline(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        respond: Respond,
    ) -> None:
        ack()
        team_id, user_id = context.team_id or "", body["user"]["id"]
        try:
            result = calls.decline(
                team_id=team_id, call_id=int(action["value"]), user_id=user_id, now=clock()
            )
        except UserFacingError as error:
            respond(text=str(error), response_type="ephemeral", replace_original=False)
            return
        if result.offered:
            notifier.notify(team_id=team_id)
        zone = service.time_zone_of(team_id=team_id, user_id=user_id)
        built = blocks.build_declined_answer(result.call, offered=result.offered, time_zone=zone)
        respond(text="Noted", blocks=[b.to_dict() for b in built], replace_original=True)

    @app.action(BuddyIds.MEETING.value)
    @app.action(BuddyIds.CALENDAR.value)
    def on_link_opened(ack: Ack) -> None:
        ack()  # link buttons open in the browser; Slack still expects an answer

    # ---- after the call ----------------------------------------------------------------------
    @app.action(BuddyIds.TAKEAWAYS.value)
    def on_takeaways(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        client: WebClient,
        respond: Respond,
    ) -> None:
        ack()
        team_id, user_id = context.team_id or "", body["user"]["id"]
        try:
            form = calls.takeaway_form(
                team_id=team_id, call_id=int(action["value"]), user_id=user_id
            )
        except UserFacingError as error:
            respond(text=str(error), response_type="ephemeral", replace_original=False)
            return
        channel_id = (body.get("channel") or {}).get("id")
        view = blocks.build_takeaway_modal(
            form.call, areas=form.areas, user_id=user_id, channel_id=channel_id
        )
        client.views_open(trigger_id=body["trigger_id"], view=view.to_dict())

    @app.view(BuddyIds.TAKEAWAY_MODAL.value)
    def on_takeaway_saved(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        team_id, user_id = context.team_id or "", body["user"]["id"]
        metadata = ModalMetadata.from_json(view.get("private_metadata") or "")
        draft = read_feedback_form(view["state"]["values"])
        try:
            item_id = calls.capture_takeaway(
                team_id=team_id,
                call_id=metadata.call_id or 0,
                user_id=user_id,
                draft=draft,
                submission_key=f"view:{view['id']}",
                now=clock(),
            )
        except FeedbackInvalid as invalid:
            errors = {FIELD_BLOCKS[f].value: message for f, message in invalid.errors.items()}
            ack(response_action="errors", errors=errors)
            return
        except UserFacingError as error:
            ack(response_action="errors", errors={FeedbackIds.TEXT_BLOCK.value: str(error)})
            return
        ack()
        call = calls.get_call(team_id=team_id, call_id=metadata.call_id or 0)
        tell(client, user_id, metadata.channel_id, blocks.takeaway_saved_text(item_id, call))

    @app.action(OUTCOME_ACTION)
    def on_outcome(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        respond: Respond,
    ) -> None:
        ack()
        raw_id, _, raw_outcome = str(action.get("value") or "").partition(":")
        try:
            call = calls.record_outcome(
                team_id=context.team_id or "",
                call_id=int(raw_id),
                user_id=body["user"]["id"],
                outcome=CallOutcome(raw_outcome),
                now=clock(),
            )
        except UserFacingError as error:
            respond(text=str(error), response_type="ephemeral", replace_original=False)
            return
        built = blocks.outcome_answer(call)
        respond(
            text="Thanks",
            blocks=[b.to_dict() for b in built],
            response_type="ephemeral",
            replace_original=False,
        )


def built_text(won: bool) -> str:
    return "You're joining the call" if won else "Someone already joined this call"


def _enrolment(
    service: BuddyService, parsed: Any, *, team_id: str, user_id: str, now: datetime
) -> tuple[str, list[Any]]:
    """The enrolment subcommands: one service call each, and the sentence that answers it."""
    command = parsed.command
    if command is Command.STATUS:
        view = service.status(team_id=team_id, user_id=user_id, now=now)
        zone = service.time_zone_of(team_id=team_id, user_id=user_id)
        return "Your buddy status", blocks.build_status(view, time_zone=zone)
    if command is Command.JOIN:
        group = service.join(team_id=team_id, user_id=user_id, group=parsed.group, now=now)
        return (
            f":wave: You're in the *{group.label}* group. You'll get a buddy at the next pairing.",
            [],
        )
    if command is Command.LEAVE:
        service.leave(team_id=team_id, user_id=user_id, now=now)
        return "You've left the buddy programme. `/buddy join pm|sales` brings you back.", []
    if command is Command.SNOOZE:
        service.snooze(team_id=team_id, user_id=user_id, until=parsed.until, now=now)
        if parsed.until is None:
            return "Snooze off: you'll be paired again at the next cycle.", []
        return f":zzz: Snoozed until {parsed.until.isoformat()}: no pairing until then.", []
    if command is Command.TARGET:
        service.set_calls_target(team_id=team_id, user_id=user_id, target=parsed.number, now=now)
        return f"Each PM's target is now {parsed.number} calls a month.", []
    if command is Command.ADD:
        result = service.add(
            team_id=team_id,
            admin_id=user_id,
            group=parsed.group,
            user_ids=parsed.user_ids,
            usergroup_id=parsed.usergroup_id,
            channel_id=parsed.channel_id,
            now=now,
        )
        return blocks.enrol_text(result, verb=f"Added to the {parsed.group.label} group"), []
    result = service.remove(team_id=team_id, admin_id=user_id, user_ids=parsed.user_ids, now=now)
    return blocks.enrol_text(result, verb="Removed from the buddy programme"), []
