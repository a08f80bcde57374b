"""Feedback listeners. Each one: ack → parse into a typed value → one service call → render.

Slack calls that only deliver the answer (private replies, modals) happen after the ack, through
`SlackFeedbackGateway`; nothing here touches the database or decides a business rule.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.home.service import HomeService
from bot.rituals.feedback import blocks
from bot.rituals.feedback.domain import (
    AccountInvalid,
    CommandKind,
    FeedbackDraft,
    FeedbackInvalid,
    ItemAction,
    ReactionOutcome,
    Source,
    SourceMessage,
    StatusChangeInvalid,
    StatusRequest,
    account_from_form,
    needs_details,
    parse_feedback_command,
)
from bot.rituals.feedback.forms import (
    FeedbackModalMetadata,
    ItemModalMetadata,
    read_account_form,
    read_feedback_form,
    read_merge_target,
    read_status_form,
)
from bot.rituals.feedback.ids import FIELD_BLOCKS, FeedbackIds
from bot.rituals.feedback.service import FeedbackService, ItemNotFound
from bot.rituals.feedback.slack_io import SlackFeedbackGateway
from bot.slack.private_reply import SharedChannelCache
from bot.workspace.admins import AdminGuard

Clock = Callable[[], datetime]


def register(
    app: App,
    *,
    feedback: FeedbackService,
    admins: AdminGuard,
    home: HomeService,
    clock: Clock,
) -> None:
    shared = SharedChannelCache()

    def gateway(client: WebClient) -> SlackFeedbackGateway:
        return SlackFeedbackGateway(client, shared)

    # ---- /feedback ---------------------------------------------------------------------------
    @app.command(FeedbackIds.COMMAND.value)
    def on_feedback(
        ack: Ack, command: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        parsed = parse_feedback_command(command.get("text") or "")
        team_id, user_id = context.team_id or "", command["user_id"]
        channel_id = command.get("channel_id")
        if parsed.kind is CommandKind.FORM:
            ack()
            settings = feedback.settings(team_id=team_id)
            view = blocks.build_feedback_modal(
                areas=settings.areas,
                metadata=FeedbackModalMetadata(channel_id=channel_id),
                submitter=user_id,
            )
            client.views_open(trigger_id=command["trigger_id"], view=view.to_dict())
        elif parsed.kind is CommandKind.HELP:
            ack(blocks=[b.to_dict() for b in blocks.build_help_blocks()], text="/feedback help")
        elif parsed.kind is CommandKind.EXPORT:
            ack(text=":hourglass_flowing_sand: Preparing your export; it arrives as a DM.")
            csv_text = "".join(feedback.export(team_id=team_id, fmt="csv", since=None))
            gateway(client).upload_privately(
                user_id=user_id,
                filename=f"feedback-{clock():%Y-%m-%d}.csv",
                content=csv_text,
                comment="Your feedback export (only you can see this).",
            )
        elif parsed.kind is CommandKind.EDIT_ACCOUNT:
            ack()
            admins.require_admin(team_id=team_id, user_id=user_id, what="edit accounts")
            record = (
                feedback.get_account(team_id=team_id, name=parsed.argument)
                if parsed.argument
                else None
            )
            view = blocks.build_account_modal(parsed.argument, record)
            client.views_open(trigger_id=command["trigger_id"], view=view.to_dict())
        else:
            ack()
            result = feedback.quick_capture(
                team_id=team_id, text=parsed.argument, submitted_by=user_id, now=clock()
            )
            gateway(client).tell_privately(
                user_id=user_id,
                channel_id=channel_id,
                text=blocks.capture_fallback_text(result),
                blocks=blocks.build_capture_confirmation(result, offer_details=True),
                response_url=command.get("response_url"),
            )

    # ---- the form ----------------------------------------------------------------------------
    @app.options(FeedbackIds.ACCOUNT_SELECT.value)
    def on_account_typed(ack: Ack, payload: dict[str, Any], context: BoltContext) -> None:
        typed = str(payload.get("value") or "")
        names = feedback.search_accounts(team_id=context.team_id or "", typed=typed)
        ack(options=[o.to_dict() for o in blocks.build_account_options(names, typed)])

    @app.view(FeedbackIds.MODAL.value)
    def on_form_submitted(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        metadata = FeedbackModalMetadata.from_json(view.get("private_metadata") or "")
        draft = read_feedback_form(view["state"]["values"])
        team_id, user_id = context.team_id or "", body["user"]["id"]
        try:
            if metadata.item_id is not None:
                feedback.update_details(
                    team_id=team_id,
                    item_id=metadata.item_id,
                    draft=draft,
                    user_id=user_id,
                    now=clock(),
                )
                ack()
                return
            result = feedback.capture(
                team_id=team_id,
                draft=draft,
                submitted_by=user_id,
                now=clock(),
                source_message=_source_message(metadata),
                capture_key=None if metadata.message_ts else f"view:{view['id']}",
            )
        except FeedbackInvalid as invalid:
            errors = {FIELD_BLOCKS[f].value: message for f, message in invalid.errors.items()}
            ack(response_action="errors", errors=errors)
            return
        ack()
        gateway(client).tell_privately(
            user_id=user_id,
            channel_id=metadata.channel_id,
            text=blocks.capture_fallback_text(result),
            blocks=blocks.build_capture_confirmation(result, offer_details=False),
        )

    @app.action(FeedbackIds.ADD_DETAILS.value)
    def on_add_details(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        ack()
        team_id = context.team_id or ""
        item = feedback.get_item(team_id=team_id, item_id=int(action["value"]))
        draft = FeedbackDraft(
            text=item.text,
            account_name=item.account_name,
            area=item.area,
            source=item.source,
            importance=item.importance,
            link=item.link,
            on_behalf_of=item.on_behalf_of,
        )
        view = blocks.build_feedback_modal(
            areas=feedback.settings(team_id=team_id).areas,
            metadata=FeedbackModalMetadata(item_id=item.item_id),
            submitter=body["user"]["id"],
            draft=draft,
        )
        client.views_open(trigger_id=body["trigger_id"], view=view.to_dict())

    # ---- the message shortcut and the capture emoji -----------------------------------------
    @app.shortcut(FeedbackIds.MESSAGE_SHORTCUT.value)
    def on_capture_message(
        ack: Ack, shortcut: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        ack()
        message = shortcut.get("message") or {}
        channel_id = (shortcut.get("channel") or {}).get("id")
        ts = str(message.get("ts") or shortcut.get("message_ts") or "")
        user_id = shortcut["user"]["id"]
        draft = FeedbackDraft(
            text=str(message.get("text") or ""),
            source=Source.SLACK,
            on_behalf_of=message.get("user") or user_id,
        )
        metadata = FeedbackModalMetadata(channel_id=channel_id, message_ts=ts)
        areas = feedback.settings(team_id=context.team_id or "").areas
        opened = client.views_open(
            trigger_id=shortcut["trigger_id"],
            view=blocks.build_feedback_modal(
                areas=areas, metadata=metadata, submitter=user_id, draft=draft
            ).to_dict(),
        )
        # The permalink is fetched after the modal is open (trigger ids live 3 s).
        permalink = gateway(client).permalink(channel_id, ts) if channel_id and ts else None
        if permalink:
            with_link = FeedbackModalMetadata(
                channel_id=channel_id, message_ts=ts, permalink=permalink
            )
            view = blocks.build_feedback_modal(
                areas=areas, metadata=with_link, submitter=user_id, draft=draft
            )
            try:
                client.views_update(
                    view_id=opened["view"]["id"],
                    hash=opened["view"].get("hash"),
                    view=view.to_dict(),
                )
            except SlackApiError as error:
                # The person already typed or closed the form: it works without the link.
                if error.response.get("error") not in {"hash_conflict", "not_found"}:
                    raise

    @app.event("reaction_added")
    def on_reaction(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        item = event.get("item") or {}
        if item.get("type") != "message":
            return
        slack = gateway(client)
        channel_id, user_id = str(item["channel"]), str(event["user"])
        capture = feedback.capture_reaction(
            team_id=context.team_id or "",
            reaction=str(event.get("reaction") or ""),
            reactor=user_id,
            channel_id=channel_id,
            ts=str(item["ts"]),
            reader=slack,
            now=clock(),
        )
        if capture.outcome is ReactionOutcome.UNREADABLE:
            slack.send_dm(user_id=user_id, text=blocks.build_reaction_blocked_note(channel_id))
        elif capture.outcome is ReactionOutcome.CAPTURED and capture.result is not None:
            slack.tell_privately(
                user_id=user_id,
                channel_id=channel_id,
                text=blocks.capture_fallback_text(capture.result),
                blocks=blocks.build_capture_confirmation(capture.result, offer_details=True),
            )

    # ---- duplicates ---------------------------------------------------------------------------
    @app.action(FeedbackIds.PLUS_ONE.value)
    def on_plus_one(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        respond: Respond,
    ) -> None:
        ack()
        new_id, _, existing_id = str(action["value"]).partition(":")
        target = feedback.merge(
            team_id=context.team_id or "",
            source_id=int(new_id),
            target_id=int(existing_id),
            user_id=body["user"]["id"],
            now=clock(),
        )
        note = blocks.build_merged_note(target, int(new_id))
        respond(replace_original=True, text=f"Added a +1 to #{target.item_id}", blocks=note)

    @app.action(FeedbackIds.KEEP_SEPARATE.value)
    def on_keep_separate(ack: Ack, action: dict[str, Any], respond: Respond) -> None:
        ack()
        item_id = int(action["value"])
        respond(
            replace_original=True,
            text=f"Kept #{item_id} separate",
            blocks=blocks.build_kept_separate_note(item_id),
        )

    # ---- lifecycle ----------------------------------------------------------------------------
    @app.action(FeedbackIds.ITEM_ACTION.value)
    def on_item_action(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        client: WebClient,
        respond: Respond,
    ) -> None:
        ack()
        choice = ItemAction.decode(str(action["selected_option"]["value"]))
        team_id, user_id = context.team_id or "", body["user"]["id"]
        channel_id = (body.get("channel") or {}).get("id")
        if choice.choice is None or needs_details(choice.choice):
            item = feedback.get_item(team_id=team_id, item_id=choice.item_id)
            metadata = ItemModalMetadata(
                item_id=choice.item_id,
                status=choice.choice.value if choice.choice else None,
                channel_id=channel_id,
            )
            view = (
                blocks.build_merge_modal(item, metadata)
                if choice.choice is None
                else blocks.build_status_modal(item, metadata)
            )
            client.views_open(trigger_id=body["trigger_id"], view=view.to_dict())
            return
        change = feedback.change_status(
            team_id=team_id,
            item_id=choice.item_id,
            request=StatusRequest(choice.choice),
            user_id=user_id,
            now=clock(),
        )
        gateway(client).close_the_loop(change)
        _after_change(body, client, respond, user_id, team_id, blocks.status_changed_text(change))

    @app.view(FeedbackIds.STATUS_MODAL.value)
    def on_status_details(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        metadata = ItemModalMetadata.from_json(view["private_metadata"])
        link, reason = read_status_form(view["state"]["values"])
        try:
            change = feedback.change_status(
                team_id=context.team_id or "",
                item_id=metadata.item_id,
                request=StatusRequest(metadata.wanted_status, link=link, reason=reason),
                user_id=body["user"]["id"],
                now=clock(),
            )
        except StatusChangeInvalid as invalid:
            block = (
                FeedbackIds.STATUS_LINK_BLOCK
                if invalid.field_name == "link"
                else FeedbackIds.STATUS_REASON_BLOCK
            )
            ack(response_action="errors", errors={block.value: invalid.message})
            return
        ack()
        gateway(client).close_the_loop(change)
        gateway(client).tell_privately(
            user_id=body["user"]["id"],
            channel_id=metadata.channel_id,
            text=blocks.status_changed_text(change),
        )

    @app.view(FeedbackIds.MERGE_MODAL.value)
    def on_merge_submitted(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        metadata = ItemModalMetadata.from_json(view["private_metadata"])
        target_id = read_merge_target(view["state"]["values"])
        block = FeedbackIds.MERGE_TARGET_BLOCK.value
        if target_id is None:
            ack(response_action="errors", errors={block: "Enter an item number, like 42."})
            return
        try:
            target = feedback.merge(
                team_id=context.team_id or "",
                source_id=metadata.item_id,
                target_id=target_id,
                user_id=body["user"]["id"],
                now=clock(),
            )
        except (ItemNotFound, FeedbackInvalid) as error:
            ack(response_action="errors", errors={block: str(error)[:150]})
            return
        ack()
        gateway(client).tell_privately(
            user_id=body["user"]["id"],
            channel_id=metadata.channel_id,
            text=f"Merged #{metadata.item_id} into #{target.item_id}",
            blocks=blocks.build_merged_note(target, metadata.item_id),
        )

    # ---- accounts -----------------------------------------------------------------------------
    @app.view(FeedbackIds.ACCOUNT_MODAL.value)
    def on_account_saved(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
    ) -> None:
        team_id, user_id = context.team_id or "", body["user"]["id"]
        form = read_account_form(view["state"]["values"])
        try:
            record = account_from_form(
                name=form.name,
                external_id=form.external_id,
                segment=form.segment,
                arr=form.arr,
                owner_user_id=form.owner_user_id,
            )
        except AccountInvalid as invalid:
            block = (
                FeedbackIds.ACCOUNT_ARR_BLOCK
                if invalid.field_name == "arr"
                else FeedbackIds.ACCOUNT_NAME_BLOCK
            )
            ack(response_action="errors", errors={block.value: invalid.message})
            return
        admins.require_admin(team_id=team_id, user_id=user_id, what="edit accounts")
        feedback.save_account(team_id=team_id, record=record, now=clock())
        ack()

    def _after_change(
        body: dict[str, Any],
        client: WebClient,
        respond: Respond,
        user_id: str,
        team_id: str,
        text: str,
    ) -> None:
        """From the App Home: refresh it. From a message: a private note to the clicker."""
        if (body.get("view") or {}).get("type") == "home":
            home.publish_home(client=client, team_id=team_id, user_id=user_id, now=clock())
            return
        respond(response_type="ephemeral", replace_original=False, text=text)


def _source_message(metadata: FeedbackModalMetadata) -> SourceMessage | None:
    if metadata.channel_id and metadata.message_ts:
        return SourceMessage(metadata.channel_id, metadata.message_ts, metadata.permalink)
    return None
