"""Feedback listeners, registered from tables: capture here (`/feedback`, the form, the message
shortcut and the capture emoji), review in `review_listeners` (duplicates, lifecycle, accounts,
settings). Each one: parse into a typed value → one service call → render.

Before the ack only parsing and database reads: the feedback form is checked (so bad input stays
in the modal as inline errors) and stored after the ack. Everything that calls Slack (modals,
private replies, uploads) runs after the ack on the after-ack pool (`AfterAck.ack_then`);
commands and actions do their service call there too. Nothing here decides a business rule.
"""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View

from bot.home.service import HomeService
from bot.rituals.feedback import blocks
from bot.rituals.feedback.domain import (
    CaptureResult,
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
    Refused,
    Table,
    checked,
    open_modal,
)
from bot.rituals.feedback.review_listeners import ACCOUNTS_WHAT, ReviewListeners
from bot.rituals.feedback.service import FeedbackService
from bot.slack.after_ack import seconds_since_received
from bot.slack.listen import TRIGGER_BUDGET, AfterAck, SlackTooSlowError
from bot.slack.private_reply import SharedChannelCache
from bot.workspace.admins import AdminGuard

EXPORT_COMING = ":hourglass_flowing_sand: Preparing your export; it arrives as a DM."


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

        def export() -> None:
            # Admins get the workspace's items; anyone else only what they submitted.
            csv_text = "".join(
                self._feedback.export_for(team_id=team_id, user_id=user_id, fmt="csv", since=None)
            )
            self.gateway(client).upload_privately(
                user_id=user_id,
                filename=f"feedback-{self._clock():%Y-%m-%d}.csv",
                content=csv_text,
                comment="Your feedback export (only you can see this; admins get every item, "
                "everyone else the items they submitted).",
            )

        def open_form() -> None:
            areas = self._feedback.settings(team_id=team_id).areas
            metadata = FeedbackModalMetadata(channel_id=channel_id)
            view = blocks.build_feedback_modal(areas=areas, metadata=metadata, submitter=user_id)
            open_modal(client, command["trigger_id"], view)

        def open_account() -> None:
            # A person never seen is looked up in Slack here (after the ack): that may take
            # the trigger id's whole life, so check it is still worth opening the modal.
            self._admins.require_admin(team_id=team_id, user_id=user_id, what=ACCOUNTS_WHAT)
            if seconds_since_received() > TRIGGER_BUDGET:
                raise SlackTooSlowError
            name = parsed.argument
            record = self._feedback.get_account(team_id=team_id, name=name) if name else None
            open_modal(client, command["trigger_id"], blocks.build_account_modal(name, record))

        def quick_capture() -> None:
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

        then = self._after_ack.ack_then
        if parsed.kind is CommandKind.EXPORT:
            then(ack, command, client, export, ack_with={"text": EXPORT_COMING})
        elif parsed.kind is CommandKind.FORM:
            then(ack, command, client, open_form, trigger_bound=True)
        elif parsed.kind is CommandKind.EDIT_ACCOUNT:
            then(ack, command, client, open_account, trigger_bound=True)
        else:
            then(ack, command, client, quick_capture)

    # ---- the form ----------------------------------------------------------------------------
    def on_account_typed(self, ack: Ack, payload: Payload, context: BoltContext) -> None:
        typed = str(payload.get("value") or "")
        names = self._feedback.search_accounts(team_id=context.team_id or "", typed=typed)
        ack(options=[o.to_dict() for o in blocks.build_account_options(names, typed)])

    def on_form_submitted(
        self, ack: Ack, body: Payload, view: Payload, context: BoltContext, client: WebClient
    ) -> None:
        """Checked before the ack (bad input stays in the modal as inline errors; reads only),
        stored after it, so no ack waits for the database write lock. Stored once whatever
        happens: the capture key is the view's id (a second submit finds the item), and when
        the after-ack pool is full the form is stored before the ack instead of being shed."""
        metadata = FeedbackModalMetadata.from_json(view.get("private_metadata") or "")
        draft = read_feedback_form(view["state"]["values"])
        team_id, user_id = context.team_id or "", body["user"]["id"]
        check = checked(
            ack,
            lambda: self._feedback.check(team_id=team_id, draft=draft),
            (FeedbackInvalid, _form_errors),
        )
        if isinstance(check, Refused):
            return
        if metadata.item_id is not None:
            item_id = metadata.item_id

            def update() -> None:
                self._feedback.update_details(
                    team_id=team_id,
                    item_id=item_id,
                    draft=draft,
                    user_id=user_id,
                    now=self._clock(),
                )

            self._after_ack.ack_then(ack, body, client, update, store_when_full=update)
            return

        def store() -> CaptureResult:
            return self._feedback.capture(
                team_id=team_id,
                draft=draft,
                submitted_by=user_id,
                now=self._clock(),
                source_message=source_message(metadata),
                capture_key=None if metadata.message_ts else f"view:{view['id']}",
            )

        def store_and_confirm() -> None:
            result = store()
            self.gateway(client).tell_privately(
                user_id=user_id,
                channel_id=metadata.channel_id,
                text=blocks.capture_fallback_text(result),
                blocks=blocks.build_capture_confirmation(result, offer_details=False),
            )

        self._after_ack.ack_then(ack, body, client, store_and_confirm, store_when_full=store)

    def on_add_details(
        self, ack: Ack, body: Payload, action: Payload, context: BoltContext, client: WebClient
    ) -> None:
        team_id = context.team_id or ""

        def open_details() -> None:
            item = self._feedback.get_item(team_id=team_id, item_id=int(action["value"]))
            view = blocks.build_feedback_modal(
                areas=self._feedback.settings(team_id=team_id).areas,
                metadata=FeedbackModalMetadata(item_id=item.item_id),
                submitter=body["user"]["id"],
                draft=_draft_of(item),
            )
            open_modal(client, body["trigger_id"], view)

        self._after_ack.ack_then(ack, body, client, open_details, trigger_bound=True)

    # ---- the message shortcut and the capture emoji -----------------------------------------
    def on_capture_message(
        self, ack: Ack, shortcut: Payload, context: BoltContext, client: WebClient
    ) -> None:
        message = shortcut.get("message") or {}
        channel_id = (shortcut.get("channel") or {}).get("id")
        ts = str(message.get("ts") or shortcut.get("message_ts") or "")
        user_id = shortcut["user"]["id"]
        team_id = context.team_id or ""
        draft = FeedbackDraft(
            text=str(message.get("text") or ""),
            source=Source.SLACK,
            on_behalf_of=message.get("user") or user_id,
        )

        def open_prefilled() -> None:
            areas = self._feedback.settings(team_id=team_id).areas

            def form(permalink: str | None) -> View:
                metadata = FeedbackModalMetadata(
                    channel_id=channel_id, message_ts=ts, permalink=permalink
                )
                return blocks.build_feedback_modal(
                    areas=areas, metadata=metadata, submitter=user_id, draft=draft
                )

            opened = open_modal(client, shortcut["trigger_id"], form(None))
            # The permalink is fetched after the modal is open (trigger ids live 3 s).
            slack = self.gateway(client)
            permalink = slack.permalink(channel_id, ts) if channel_id and ts else None
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

        self._after_ack.ack_then(ack, shortcut, client, open_prefilled, trigger_bound=True)

    def on_reaction(
        self, ack: Ack, body: Payload, event: Payload, context: BoltContext, client: WebClient
    ) -> None:
        item = event.get("item") or {}
        if item.get("type") != "message":
            ack()
            return
        team_id = context.team_id or ""
        channel_id, user_id = str(item["channel"]), str(event["user"])

        def capture() -> None:
            slack = self.gateway(client)
            captured = self._feedback.capture_reaction(
                team_id=team_id,
                reaction=str(event.get("reaction") or ""),
                reactor=user_id,
                channel_id=channel_id,
                ts=str(item["ts"]),
                reader=slack,
                now=self._clock(),
            )
            if captured.outcome is ReactionOutcome.UNREADABLE:
                slack.send_dm(user_id=user_id, text=blocks.build_reaction_blocked_note(channel_id))
            elif captured.outcome is ReactionOutcome.CAPTURED and captured.result is not None:
                slack.tell_privately(
                    user_id=user_id,
                    channel_id=channel_id,
                    text=blocks.capture_fallback_text(captured.result),
                    blocks=blocks.build_capture_confirmation(captured.result, offer_details=True),
                )

        # Bolt acked the event already; the work still leaves Bolt's listener pool.
        self._after_ack.ack_then(ack, body, client, capture)


def register(
    app: App,
    *,
    feedback: FeedbackService,
    admins: AdminGuard,
    home: HomeService,
    clock: Clock,
    after_ack: AfterAck,
) -> None:
    """Registers every feedback listener on the Bolt app, from the groups' tables."""
    shared = SharedChannelCache()
    for group in (CaptureListeners, ReviewListeners):
        listeners = group(
            feedback=feedback,
            admins=admins,
            home=home,
            clock=clock,
            shared=shared,
            after_ack=after_ack,
        )
        for decorator, key, listener in listeners.table():
            getattr(app, decorator)(str(key))(listener)
