"""Release listeners for deciding: the preview's Publish, Edit and Cancel buttons, and the
release managers' Approve and Request changes (with its modal)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.models.blocks import Block

from bot.rituals.releases import blocks
from bot.rituals.releases.domain import ReleaseRefused, ReleaseState, ReleaseView
from bot.rituals.releases.forms import ComposerMetadata, read_comment
from bot.rituals.releases.ids import ReleaseIds
from bot.rituals.releases.listener_kit import ListenerKit
from bot.rituals.releases.slack_io import ReleaseSlack


def register(app: App, kit: ListenerKit) -> None:
    service, after, after_ack, clock = kit.service, kit.after, kit.after_ack, kit.clock
    open_composer, preview_messages = kit.open_composer, kit.preview_messages

    def ask_managers(view: ReleaseView, managers: list[str]) -> None:
        template = service.template_for(view)
        messages = preview_messages(view, template)

        def send() -> None:
            dm = after.slack.dm
            for manager in managers:
                intro = blocks.build_approval_intro(view, template)
                dm(manager, text="Approval needed", blocks=intro)
                for number, message in enumerate(messages):
                    dm(manager, text=blocks.release_text(view, template, number), blocks=message)
                dm(
                    manager,
                    text=f"Approve release #{view.release_id}?",
                    blocks=blocks.build_approval_actions(view),
                )

        after.soon(view.team_id, send)

    def show_status(client: WebClient, body: dict[str, Any], view: ReleaseView) -> None:
        """Turns the clicked message (preview buttons) into the author's status line."""
        channel = (body.get("channel") or body.get("container") or {}).get("id") or (
            body.get("container") or {}
        ).get("channel_id")
        ts = (body.get("message") or {}).get("ts") or (body.get("container") or {}).get(
            "message_ts"
        )
        if channel and ts:
            service.remember_status_message(
                team_id=view.team_id, release_id=view.release_id, channel_id=channel, ts=ts
            )
        after.post_status_soon(view)

    # ---- preview buttons -------------------------------------------------------------------
    @app.action(ReleaseIds.PUBLISH.value)
    def on_publish(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        team_id, user_id = context.team_id or "", body["user"]["id"]

        def work() -> None:
            outcome = service.submit(
                team_id=team_id, release_id=int(action["value"]), user_id=user_id, now=clock()
            )
            show_status(client, body, outcome.release)
            if outcome.state is ReleaseState.AWAITING_APPROVAL:
                ask_managers(outcome.release, outcome.managers)
            elif outcome.state is ReleaseState.PUBLISHED:
                after.run_soon(outcome.release, now=clock())

        after_ack.ack_then(ack, body, client, work)

    @app.action(ReleaseIds.EDIT.value)
    def on_edit(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        team_id, user_id = context.team_id or "", body["user"]["id"]

        def work() -> None:
            release = service.get_for_edit(
                team_id=team_id, release_id=int(action["value"]), user_id=user_id
            )
            open_composer(
                client,
                {"trigger_id": body["trigger_id"]},
                team_id,
                release.draft,
                ComposerMetadata(release_id=release.release_id),
            )

        after_ack.ack_then(ack, body, client, work, trigger_bound=True)

    @app.action(ReleaseIds.CANCEL.value)
    def on_cancel(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        team_id, user_id = context.team_id or "", body["user"]["id"]

        def work() -> None:
            release = service.cancel(
                team_id=team_id, release_id=int(action["value"]), user_id=user_id, now=clock()
            )
            show_status(client, body, release)

        after_ack.ack_then(ack, body, client, work)

    # ---- approval --------------------------------------------------------------------------
    @app.action(ReleaseIds.APPROVE.value)
    def on_approve(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        team_id, user_id = context.team_id or "", body["user"]["id"]

        def work() -> None:
            outcome = service.decide(
                team_id=team_id,
                release_id=int(action["value"]),
                user_id=user_id,
                approve=True,
                now=clock(),
            )
            replace_clicked(
                client,
                body,
                blocks.build_decision_note(
                    outcome.release, decided_by=user_id, state=outcome.state
                ),
            )
            if outcome.state is ReleaseState.PUBLISHED:
                after.run_soon(outcome.release, now=clock())
            else:
                after.post_status_soon(outcome.release)

        after_ack.ack_then(ack, body, client, work)

    @app.action(ReleaseIds.REQUEST_CHANGES.value)
    def on_request_changes(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        team_id, user_id = context.team_id or "", body["user"]["id"]

        def work() -> None:
            service.check_can_decide(
                team_id=team_id, release_id=int(action["value"]), user_id=user_id
            )
            client.views_open(
                trigger_id=body["trigger_id"],
                view=blocks.build_changes_modal(int(action["value"])).to_dict(),
            )

        after_ack.ack_then(ack, body, client, work, trigger_bound=True)

    @app.view(ReleaseIds.CHANGES_MODAL.value)
    def on_changes_requested(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        team_id, user_id = context.team_id or "", body["user"]["id"]
        try:
            outcome = service.decide(
                team_id=team_id,
                release_id=int(view["private_metadata"]),
                user_id=user_id,
                approve=False,
                comment=read_comment(view["state"]["values"]),
                now=clock(),
            )
        except ReleaseRefused as refused:
            ack(response_action="errors", errors={ReleaseIds.COMMENT_BLOCK.value: str(refused)})
            return

        def work() -> None:
            release = outcome.release
            ReleaseSlack(client).dm(
                release.author_id,
                text=f"Changes requested on release #{release.release_id}",
                blocks=blocks.build_changes_requested(release),
            )
            after.post_status_soon(release)

        after_ack.ack_then(ack, body, client, work)

    def replace_clicked(client: WebClient, body: dict[str, Any], new_blocks: list[Block]) -> None:
        channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
            "channel_id"
        )
        ts = (body.get("message") or {}).get("ts") or (body.get("container") or {}).get(
            "message_ts"
        )
        if channel and ts:
            ReleaseSlack(client).update(channel, ts, text="Release decided", blocks=new_blocks)
