"""Feedback review listeners: +1 and keep-separate on suggestions, the item menu (status
changes, merge), the status and merge modals, and the admins' account and settings modals."""

from __future__ import annotations

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.rituals.feedback import blocks
from bot.rituals.feedback.domain import (
    AccountInvalid,
    FeedbackInvalid,
    ItemAction,
    ItemNotFound,
    SettingsInvalid,
    StatusChangeInvalid,
    StatusRequest,
    account_from_form,
    clean_settings,
    needs_details,
)
from bot.rituals.feedback.forms import (
    ItemModalMetadata,
    read_account_form,
    read_merge_target,
    read_settings_form,
    read_status_form,
)
from bot.rituals.feedback.ids import SETTINGS_BLOCKS, FeedbackIds
from bot.rituals.feedback.listener_kit import ListenerBase, Payload, Table, open_modal, submitted

SETTINGS_WHAT = "change feedback settings"
ACCOUNTS_WHAT = "edit accounts"
MERGE_NUMBER = "Enter an item number, like 42."


def _status_errors(invalid: StatusChangeInvalid) -> dict[str, str]:
    link = invalid.field_name == "link"
    block = FeedbackIds.STATUS_LINK_BLOCK if link else FeedbackIds.STATUS_REASON_BLOCK
    return {block.value: invalid.message}


def _merge_errors(error: Exception | str) -> dict[str, str]:
    return {FeedbackIds.MERGE_TARGET_BLOCK.value: str(error)[:150]}


_ACCOUNT_BLOCKS = {
    "arr": FeedbackIds.ACCOUNT_ARR_BLOCK,
    "external_id": FeedbackIds.ACCOUNT_EXTERNAL_BLOCK,
    "segment": FeedbackIds.ACCOUNT_SEGMENT_BLOCK,
}


def _account_errors(invalid: AccountInvalid) -> dict[str, str]:
    block = _ACCOUNT_BLOCKS.get(invalid.field_name, FeedbackIds.ACCOUNT_NAME_BLOCK)
    return {block.value: invalid.message}


def _settings_errors(invalid: SettingsInvalid) -> dict[str, str]:
    return {SETTINGS_BLOCKS[field].value: message for field, message in invalid.errors.items()}


class ReviewListeners(ListenerBase):
    def table(self) -> Table:
        return [
            ("action", FeedbackIds.PLUS_ONE, self.on_plus_one),
            ("action", FeedbackIds.KEEP_SEPARATE, self.on_keep_separate),
            ("action", FeedbackIds.ITEM_ACTION, self.on_item_action),
            ("view", FeedbackIds.STATUS_MODAL, self.on_status_details),
            ("view", FeedbackIds.MERGE_MODAL, self.on_merge_submitted),
            ("view", FeedbackIds.ACCOUNT_MODAL, self.on_account_saved),
            ("view", FeedbackIds.SETTINGS_MODAL, self.on_settings_saved),
        ]

    # ---- duplicates ---------------------------------------------------------------------------
    def on_plus_one(
        self, ack: Ack, body: Payload, action: Payload, context: BoltContext, respond: Respond
    ) -> None:
        ack()
        new_id, _, existing_id = str(action["value"]).partition(":")
        target = self._feedback.merge(
            team_id=context.team_id or "",
            source_id=int(new_id),
            target_id=int(existing_id),
            user_id=body["user"]["id"],
            now=self._clock(),
        )
        note = blocks.build_merged_note(target, int(new_id))
        respond(replace_original=True, text=f"Added a +1 to #{target.item_id}", blocks=note)

    def on_keep_separate(self, ack: Ack, action: Payload, respond: Respond) -> None:
        ack()
        item_id = int(action["value"])
        note = blocks.build_kept_separate_note(item_id)
        respond(replace_original=True, text=f"Kept #{item_id} separate", blocks=note)

    # ---- lifecycle ----------------------------------------------------------------------------
    def on_item_action(
        self,
        ack: Ack,
        body: Payload,
        action: Payload,
        context: BoltContext,
        client: WebClient,
        respond: Respond,
    ) -> None:
        ack()
        choice = ItemAction.decode(str(action["selected_option"]["value"]))
        team_id, user_id = context.team_id or "", body["user"]["id"]
        if choice.choice is None or needs_details(choice.choice):
            item = self._feedback.get_item(team_id=team_id, item_id=choice.item_id)
            metadata = ItemModalMetadata(
                item_id=choice.item_id,
                status=choice.choice.value if choice.choice else None,
                channel_id=(body.get("channel") or {}).get("id"),
            )
            build = blocks.build_merge_modal if choice.choice is None else blocks.build_status_modal
            open_modal(client, body["trigger_id"], build(item, metadata))
            return
        change = self._feedback.change_status(
            team_id=team_id,
            item_id=choice.item_id,
            request=StatusRequest(choice.choice),
            user_id=user_id,
            now=self._clock(),
        )
        self.gateway(client).close_the_loop(change)
        if (body.get("view") or {}).get("type") == "home":  # from the App Home: refresh it
            self._home.publish_home(
                client=client, team_id=team_id, user_id=user_id, now=self._clock()
            )
            return
        text = blocks.status_changed_text(change)
        respond(response_type="ephemeral", replace_original=False, text=text)

    def on_status_details(
        self, ack: Ack, body: Payload, view: Payload, context: BoltContext, client: WebClient
    ) -> None:
        metadata = ItemModalMetadata.from_json(view["private_metadata"])
        link, reason = read_status_form(view["state"]["values"])
        change = submitted(
            ack,
            lambda: self._feedback.change_status(
                team_id=context.team_id or "",
                item_id=metadata.item_id,
                request=StatusRequest(metadata.wanted_status, link=link, reason=reason),
                user_id=body["user"]["id"],
                now=self._clock(),
            ),
            (StatusChangeInvalid, _status_errors),
        )
        if change is None:
            return
        slack = self.gateway(client)
        slack.close_the_loop(change)
        slack.tell_privately(
            user_id=body["user"]["id"],
            channel_id=metadata.channel_id,
            text=blocks.status_changed_text(change),
        )

    def on_merge_submitted(
        self, ack: Ack, body: Payload, view: Payload, context: BoltContext, client: WebClient
    ) -> None:
        metadata = ItemModalMetadata.from_json(view["private_metadata"])
        target_id = read_merge_target(view["state"]["values"])
        if target_id is None:
            ack(
                response_action="errors",
                errors={FeedbackIds.MERGE_TARGET_BLOCK.value: MERGE_NUMBER},
            )
            return
        target = submitted(
            ack,
            lambda: self._feedback.merge(
                team_id=context.team_id or "",
                source_id=metadata.item_id,
                target_id=target_id,
                user_id=body["user"]["id"],
                now=self._clock(),
            ),
            (ItemNotFound, _merge_errors),
            (FeedbackInvalid, _merge_errors),
        )
        if target is not None:
            self.gateway(client).tell_privately(
                user_id=body["user"]["id"],
                channel_id=metadata.channel_id,
                text=f"Merged #{metadata.item_id} into #{target.item_id}",
                blocks=blocks.build_merged_note(target, metadata.item_id),
            )

    # ---- accounts and settings (admins) ------------------------------------------------------
    def on_account_saved(
        self, ack: Ack, body: Payload, view: Payload, context: BoltContext
    ) -> None:
        team_id, user_id = context.team_id or "", body["user"]["id"]
        form = read_account_form(view["state"]["values"])

        def save() -> None:
            record = account_from_form(
                name=form.name,
                external_id=form.external_id,
                segment=form.segment,
                arr=form.arr,
                owner_user_id=form.owner_user_id,
            )
            self._admins.require_admin(team_id=team_id, user_id=user_id, what=ACCOUNTS_WHAT)
            self._feedback.save_account(team_id=team_id, record=record, now=self._clock())

        submitted(ack, save, (AccountInvalid, _account_errors))

    def on_settings_saved(
        self, ack: Ack, body: Payload, view: Payload, context: BoltContext
    ) -> None:
        team_id, user_id = context.team_id or "", body["user"]["id"]
        form = read_settings_form(view["state"]["values"])

        def save() -> None:
            settings = clean_settings(
                areas_text=form.areas_text, capture_emoji=form.capture_emoji, owners=form.owners
            )
            self._admins.require_admin(team_id=team_id, user_id=user_id, what=SETTINGS_WHAT)
            self._feedback.save_settings(
                team_id=team_id, settings=settings, user_id=user_id, now=self._clock()
            )

        submitted(ack, save, (SettingsInvalid, _settings_errors))
