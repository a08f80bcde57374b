"""Feedback listeners, registered from tables: capture here (`/feedback`, the form, the message
shortcut and the capture emoji), review in `review_listeners` (duplicates, lifecycle, accounts,
settings). Each one: ack → parse into a typed value → one service call → render.

Slack calls that only deliver the answer (private replies, modals) happen after the ack, through
`SlackFeedbackGateway`; nothing here touches the database or decides a business rule.
"""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View

from bot.home.service import HomeService
from bot.rituals.feedback import blocks
from bot.rituals.feedback.domain import (
    CommandKind,
    FeedbackDraft,
    FeedbackInvalid,
    ItemSummary,
    ReactionOutcome,
    Source,
    parse_feedback_command,
)
from bot.rituals.feedback.forms import FeedbackModalMetadata, read_feedback_form, source_message
from bot.rituals.feedback.ids import FIELD_BLOCKS, FeedbackIds
from bot.rituals.feedback.listener_kit import (
    Clock,
    ListenerBase,
    Payload,
    Table,
    open_modal,
    submitted,
)
from bot.rituals.feedback.review_listeners import ACCOUNTS_WHAT, ReviewListeners
from bot.rituals.feedback.service import FeedbackService
from bot.slack.private_reply import SharedChannelCache
from bot.workspace.admins import AdminGuard


def _form_errors(invalid: FeedbackInvalid) -> dict[str, str]:
    return {FIELD_BLOCKS[field].value: message for field, message in invalid.errors.items()}


def _draft_of(item: ItemSummary) -> FeedbackDraft:
    return FeedbackDraft(
        text=item.text,
        account_name=item.account_name,
        area=item.area,
        source=item.source,
        importance=item.importance,
        link=item.link,
        on_behalf_of=item.on_behalf_of,
    )


class CaptureListeners(ListenerBase):
    def table(self) -> Table:
        return [
            ("command", FeedbackIds.COMMAND, self.on_feedback),
            ("options", FeedbackIds.ACCOUNT_SELECT, self.on_account_typed),
            ("view", FeedbackIds.MODAL, self.on_form_submitted),
            ("action", FeedbackIds.ADD_DETAILS, self.on_add_details),
            ("shortcut", FeedbackIds.MESSAGE_SHORTCUT, self.on_capture_message),
            ("event", "reaction_added", self.on_reaction),
        ]

    # ---- /feedback ---------------------------------------------------------------------------
    def on_feedback(
        self, ack: Ack, command: Payload, context: BoltContext, client: WebClient
    ) -> None:
        parsed = parse_feedback_command(command.get("text") or "")
        team_id, user_id = context.team_id or "", command["user_id"]
        channel_id = command.get("channel_id")
        if parsed.kind is CommandKind.HELP:
            ack(blocks=[b.to_dict() for b in blocks.build_help_blocks()], text="/feedback help")
            return
        if parsed.kind is CommandKind.EXPORT:
            ack(text=":hourglass_flowing_sand: Preparing your export; it arrives as a DM.")
            csv_text = "".join(self._feedback.export(team_id=team_id, fmt="csv", since=None))
            self.gateway(client).upload_privately(
                user_id=user_id,
                filename=f"feedback-{self._clock():%Y-%m-%d}.csv",
                content=csv_text,
                comment="Your feedback export (only you can see this).",
            )
            return
        ack()
        if parsed.kind is CommandKind.FORM:
            areas = self._feedback.settings(team_id=team_id).areas
            metadata = FeedbackModalMetadata(channel_id=channel_id)
            view = blocks.build_feedback_modal(areas=areas, metadata=metadata, submitter=user_id)
            open_modal(client, command["trigger_id"], view)
        elif parsed.kind is CommandKind.EDIT_ACCOUNT:
            self._admins.require_admin(team_id=team_id, user_id=user_id, what=ACCOUNTS_WHAT)
            name = parsed.argument
            record = self._feedback.get_account(team_id=team_id, name=name) if name else None
            open_modal(client, command["trigger_id"], blocks.build_account_modal(name, record))
        else:
            result = self._feedback.quick_capture(
                team_id=team_id, text=parsed.argument, submitted_by=user_id, now=self._clock()
            )
            self.gateway(client).tell_privately(
                user_id=user_id,
                channel_id=channel_id,
                text=blocks.capture_fallback_text(result),
                blocks=blocks.build_capture_confirmation(result, offer_details=True),
                response_url=command.get("response_url"),
            )

    # ---- the form ----------------------------------------------------------------------------
    def on_account_typed(self, ack: Ack, payload: Payload, context: BoltContext) -> None:
        typed = str(payload.get("value") or "")
        names = self._feedback.search_accounts(team_id=context.team_id or "", typed=typed)
        ack(options=[o.to_dict() for o in blocks.build_account_options(names, typed)])

    def on_form_submitted(
        self, ack: Ack, body: Payload, view: Payload, context: BoltContext, client: WebClient
    ) -> None:
        metadata = FeedbackModalMetadata.from_json(view.get("private_metadata") or "")
        draft = read_feedback_form(view["state"]["values"])
        team_id, user_id = context.team_id or "", body["user"]["id"]
        if metadata.item_id is not None:
            item_id = metadata.item_id
            submitted(
                ack,
                lambda: self._feedback.update_details(
                    team_id=team_id,
                    item_id=item_id,
                    draft=draft,
                    user_id=user_id,
                    now=self._clock(),
                ),
                (FeedbackInvalid, _form_errors),
            )
            return
        result = submitted(
            ack,
            lambda: self._feedback.capture(
                team_id=team_id,
                draft=draft,
                submitted_by=user_id,
                now=self._clock(),
                source_message=source_message(metadata),
                capture_key=None if metadata.message_ts else f"view:{view['id']}",
            ),
            (FeedbackInvalid, _form_errors),
        )
        if result is not None:
            self.gateway(client).tell_privately(
                user_id=user_id,
                channel_id=metadata.channel_id,
                text=blocks.capture_fallback_text(result),
                blocks=blocks.build_capture_confirmation(result, offer_details=False),
            )

    def on_add_details(
        self, ack: Ack, body: Payload, action: Payload, context: BoltContext, client: WebClient
    ) -> None:
        ack()
        team_id = context.team_id or ""
        item = self._feedback.get_item(team_id=team_id, item_id=int(action["value"]))
        view = blocks.build_feedback_modal(
            areas=self._feedback.settings(team_id=team_id).areas,
            metadata=FeedbackModalMetadata(item_id=item.item_id),
            submitter=body["user"]["id"],
            draft=_draft_of(item),
        )
        open_modal(client, body["trigger_id"], view)

    # ---- the message shortcut and the capture emoji -----------------------------------------
    def on_capture_message(
        self, ack: Ack, shortcut: Payload, context: BoltContext, client: WebClient
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
        areas = self._feedback.settings(team_id=context.team_id or "").areas

        def form(permalink: str | None) -> View:
            metadata = FeedbackModalMetadata(
                channel_id=channel_id, message_ts=ts, permalink=permalink
            )
            return blocks.build_feedback_modal(
                areas=areas, metadata=metadata, submitter=user_id, draft=draft
            )

        opened = open_modal(client, shortcut["trigger_id"], form(None))
        # The permalink is fetched after the modal is open (trigger ids live 3 s).
        permalink = self.gateway(client).permalink(channel_id, ts) if channel_id and ts else None
        if not permalink:
            return
        try:
            client.views_update(
                view_id=opened["view"]["id"],
                hash=opened["view"].get("hash"),
                view=form(permalink).to_dict(),
            )
        except SlackApiError as error:
            # The person already typed or closed the form: it works without the link.
            if error.response.get("error") not in {"hash_conflict", "not_found"}:
                raise

    def on_reaction(self, event: Payload, context: BoltContext, client: WebClient) -> None:
        item = event.get("item") or {}
        if item.get("type") != "message":
            return
        slack = self.gateway(client)
        channel_id, user_id = str(item["channel"]), str(event["user"])
        capture = self._feedback.capture_reaction(
            team_id=context.team_id or "",
            reaction=str(event.get("reaction") or ""),
            reactor=user_id,
            channel_id=channel_id,
            ts=str(item["ts"]),
            reader=slack,
            now=self._clock(),
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


def register(
    app: App, *, feedback: FeedbackService, admins: AdminGuard, home: HomeService, clock: Clock
) -> None:
    """Registers every feedback listener on the Bolt app, from the groups' tables."""
    shared = SharedChannelCache()
    for group in (CaptureListeners, ReviewListeners):
        listeners = group(feedback=feedback, admins=admins, home=home, clock=clock, shared=shared)
        for decorator, key, listener in listeners.table():
            getattr(app, decorator)(str(key))(listener)
