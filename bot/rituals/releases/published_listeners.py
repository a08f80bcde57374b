"""Release listeners after publishing: Acknowledge, Correct (reopens the composer to correct
the posts in place) and the admins' settings modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.rituals.releases.domain import ReleaseRefused
from bot.rituals.releases.forms import ComposerMetadata, read_settings
from bot.rituals.releases.ids import ReleaseIds
from bot.rituals.releases.listener_kit import ListenerKit
from bot.slack.private_reply import PrivateReplies


def register(app: App, kit: ListenerKit) -> None:
    service, after, after_ack, clock = kit.service, kit.after, kit.after_ack, kit.clock
    open_composer, shared = kit.open_composer, kit.shared

    # ---- the published release -------------------------------------------------------------
    @app.action(ReleaseIds.ACKNOWLEDGE.value)
    def on_acknowledge(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        team_id, user_id = context.team_id or "", body["user"]["id"]
        channel_id = (body.get("channel") or {}).get("id")

        def work() -> None:
            release, _summary, asked = service.acknowledge(
                team_id=team_id, release_id=int(action["value"]), user_id=user_id, now=clock()
            )
            PrivateReplies(client, shared).tell_privately(
                user_id=user_id,
                channel_id=channel_id,
                text=(
                    f":white_check_mark: Thanks, you acknowledged *{release.label}*."
                    if asked
                    else f":+1: Thanks for reading *{release.label}*."
                ),
            )
            if asked:
                after.post_status_soon(release)

        after_ack.ack_then(ack, body, client, work)

    @app.action(ReleaseIds.CORRECT.value)
    def on_correct(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        team_id, user_id = context.team_id or "", body["user"]["id"]

        def work() -> None:
            release = service.get_for_correction(
                team_id=team_id, release_id=int(action["value"]), user_id=user_id
            )
            open_composer(
                client,
                {"trigger_id": body["trigger_id"]},
                team_id,
                release.draft,
                ComposerMetadata(release_id=release.release_id, correcting=True),
            )

        after_ack.ack_then(ack, body, client, work, trigger_bound=True)

    # ---- settings (admins) -----------------------------------------------------------------
    @app.view(ReleaseIds.SETTINGS_MODAL.value)
    def on_settings(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
    ) -> None:
        form = read_settings(view["state"]["values"], view.get("private_metadata") or "")
        try:
            service.save_settings(
                team_id=context.team_id or "",
                user_id=body["user"]["id"],
                now=clock(),
                managers=form.managers,
                ack_group=form.ack_group,
                template=form.template,
            )
        except ReleaseRefused as refused:
            ack(response_action="errors", errors={ReleaseIds.MANAGERS_BLOCK.value: str(refused)})
            return
        ack()
