"""Release listeners. Each one: ack → parse into a typed value → one service call → render.

Anything that calls Slack runs after the ack on the shared after-ack pool
(`after_ack.ack_then`), which also tells the person privately about a refusal and never lets
an exception reach Bolt (SLACK-FACTS.md, "Ack reset"). Only the composer's submission asks
Slack before its ack (can the bot post in each channel? a few parallel conversations.info
calls with a 1.5 s deadline), because that answer must be an inline error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.models.blocks import Block

from bot.home.service import HomeService
from bot.integrations.github_releases import (
    GitHubRateLimited,
    GitHubReleaseError,
    GitHubReleaseNotFound,
    ReleaseRef,
    ReleaseSource,
)
from bot.rituals.releases import blocks
from bot.rituals.releases.domain import (
    ReleaseDraft,
    ReleaseField,
    ReleaseInvalid,
    ReleaseRefused,
    ReleaseState,
    ReleaseView,
    TierTemplate,
)
from bot.rituals.releases.forms import (
    ComposerMetadata,
    read_comment,
    read_composer,
    read_settings,
    wants_later_without_time,
)
from bot.rituals.releases.ids import FIELD_BLOCKS, ReleaseIds
from bot.rituals.releases.jobs import AfterPublish
from bot.rituals.releases.markdown import to_mrkdwn
from bot.rituals.releases.metrics import ReleaseMetrics
from bot.rituals.releases.posts import release_posts
from bot.rituals.releases.service import ReleaseService
from bot.rituals.releases.slack_io import ReleaseSlack
from bot.slack.listen import AfterAck
from bot.slack.private_reply import PrivateReplies, SharedChannelCache
from bot.workspace.admins import AdminGuard

logger = logging.getLogger(__name__)
Clock = Callable[[], datetime]
INPUT_MAX = blocks.INPUT_MAX


def register(
    app: App,
    *,
    service: ReleaseService,
    after: AfterPublish,
    github: ReleaseSource,
    metrics: ReleaseMetrics,
    home: HomeService,
    admins: AdminGuard,
    after_ack: AfterAck,
    clock: Clock,
) -> None:
    shared = SharedChannelCache()

    def open_composer(
        client: WebClient,
        trigger_or_view: dict[str, str],
        team_id: str,
        draft: ReleaseDraft,
        metadata: ComposerMetadata,
        notice: str | None = None,
    ) -> None:
        if len(draft.whats_new) > INPUT_MAX and metadata.kept_chars == 0:
            metadata = replace(metadata, kept_chars=len(draft.whats_new))
        labels = service.feedback_labels(team_id=team_id, item_ids=draft.feedback_ids)
        view = blocks.build_composer(
            templates=service.templates(team_id=team_id),
            draft=draft,
            metadata=metadata,
            feedback=labels,
            notice=notice,
        ).to_dict()
        if "view_id" in trigger_or_view:
            client.views_update(view_id=trigger_or_view["view_id"], view=view)
        else:
            client.views_open(trigger_id=trigger_or_view["trigger_id"], view=view)

    def preview_messages(view: ReleaseView, template: TierTemplate) -> list[list[Block]]:
        return blocks.build_release_messages(view, template, acknowledge=template.acknowledge)

    def send_preview(view: ReleaseView) -> None:
        """The author's private preview, in order, on the follow-up thread (several DMs in a
        row may meet Slack's one-message-per-second limit; that thread waits it out)."""
        template = service.template_for(view)
        messages = preview_messages(view, template)

        def send() -> None:
            dm = after.slack.dm
            dm(view.author_id, text="Preview", blocks=blocks.build_preview_intro(view, template))
            for number, message in enumerate(messages):
                dm(view.author_id, text=blocks.release_text(view, template, number), blocks=message)
            dm(
                view.author_id,
                text=f"Publish release #{view.release_id}?",
                blocks=blocks.build_preview_actions(view, template),
            )

        after.soon(view.team_id, send)

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

    # ---- /release --------------------------------------------------------------------------
    @app.command(ReleaseIds.COMMAND.value)
    def on_release(
        ack: Ack, command: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        text = (command.get("text") or "").strip()
        word, _, rest = text.partition(" ")
        team_id, user_id = context.team_id or "", command["user_id"]
        channel_id = command.get("channel_id")
        if word.lower() == "help":
            ack(blocks=[b.to_dict() for b in blocks.build_help_blocks()], text="/release help")
            return
        if text and word.lower() not in {"import", "settings"}:
            ack(
                blocks=[b.to_dict() for b in blocks.build_help_blocks()],
                text=f"I don't know `/release {word[:40]}`.",
            )
            return
        metadata = ComposerMetadata(channel_id=channel_id)

        def work() -> None:
            if word.lower() == "settings":
                admins.require_admin(
                    team_id=team_id, user_id=user_id, what="change release settings"
                )
                tier = int(rest) if rest.strip() in {"1", "2", "3"} else 1
                client.views_open(
                    trigger_id=command["trigger_id"],
                    view=blocks.build_settings_modal(
                        templates=service.templates(team_id=team_id),
                        tier=tier,
                        managers=service.managers(team_id=team_id),
                        ack_group=service.ack_group(team_id=team_id),
                    ).to_dict(),
                )
                return
            if word.lower() != "import":
                open_composer(
                    client, {"trigger_id": command["trigger_id"]}, team_id, ReleaseDraft(), metadata
                )
                return
            # import: the modal opens at once (trigger ids live 3 s), then fills in
            opened = client.views_open(
                trigger_id=command["trigger_id"],
                view=blocks.build_loading_modal(rest.strip() or "the release").to_dict(),
            )
            view_id = {"view_id": str(opened["view"]["id"])}
            try:
                ref = ReleaseRef.parse(rest)
                fetched = github.fetch(ref)
            except GitHubReleaseError as error:
                outcome = (
                    "not_found"
                    if isinstance(error, GitHubReleaseNotFound)
                    else "rate_limited"
                    if isinstance(error, GitHubRateLimited)
                    else "unreachable"
                )
                metrics.imports.labels(outcome).inc()
                open_composer(
                    client, view_id, team_id, ReleaseDraft(), metadata, notice=f":warning: {error}"
                )
                PrivateReplies(client, shared).tell_privately(
                    user_id=user_id,
                    channel_id=channel_id,
                    text=f":warning: {error} The composer is open, empty.",
                    response_url=command.get("response_url"),
                )
                return
            metrics.imports.labels("ok").inc()
            draft = ReleaseDraft(
                title=fetched.name or fetched.tag,
                version=fetched.tag,
                whats_new=to_mrkdwn(fetched.body),
                docs_url=fetched.url,
                source=ref.label,
            )
            stored = service.import_draft(
                team_id=team_id, user_id=user_id, draft=draft, now=clock()
            )
            open_composer(
                client,
                view_id,
                team_id,
                draft,
                replace(metadata, release_id=stored.release_id),
                notice=f":inbox_tray: Imported from GitHub: *{ref.label}*.",
            )

        after_ack.ack_then(ack, command, client, work, trigger_bound=True)

    # ---- the composer ----------------------------------------------------------------------
    @app.options(ReleaseIds.FEEDBACK_SELECT.value)
    def on_feedback_typed(ack: Ack, payload: dict[str, Any], context: BoltContext) -> None:
        items = service.feedback_options(
            team_id=context.team_id or "", typed=str(payload.get("value") or "")
        )
        ack(options=[o.to_dict() for o in blocks.build_feedback_options(items)])

    @app.view(ReleaseIds.COMPOSER.value)
    def on_composed(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        metadata = ComposerMetadata.from_json(view.get("private_metadata") or "")
        values = view["state"]["values"]
        team_id, user_id = context.team_id or "", body["user"]["id"]
        draft = read_composer(values)
        try:
            if wants_later_without_time(values):
                raise ReleaseInvalid(
                    {ReleaseField.PUBLISH_AT: "Pick the date and time to publish."}
                )
            if metadata.kept_chars and not draft.whats_new and metadata.release_id is not None:
                stored = service.get(team_id=team_id, release_id=metadata.release_id)
                draft = replace(draft, whats_new=stored.draft.whats_new, source=stored.draft.source)
            if metadata.correcting and metadata.release_id is not None:
                correction = service.correct(
                    team_id=team_id,
                    release_id=metadata.release_id,
                    user_id=user_id,
                    draft=draft,
                    now=clock(),
                )
            else:
                saved = service.save_draft(
                    team_id=team_id,
                    user_id=user_id,
                    draft=draft,
                    now=clock(),
                    release_id=metadata.release_id,
                    channels=ReleaseSlack(client),
                )
        except ReleaseInvalid as invalid:
            errors = {FIELD_BLOCKS[f].value: message for f, message in invalid.errors.items()}
            ack(response_action="errors", errors=errors)
            return
        except ReleaseRefused as refused:
            ack(response_action="errors", errors={ReleaseIds.TITLE_BLOCK.value: str(refused)})
            return

        def work() -> None:
            if metadata.correcting:
                posts = {p.part: p for p in release_posts(correction.release, correction.template)}
                updated = 0
                for channel, part, ts in correction.posts:
                    post = posts.get(part)
                    if post is None:
                        continue
                    if ReleaseSlack(client).update_raw(
                        channel, ts, text=post.text, blocks=post.blocks
                    ):
                        updated += 1
                        service.mark_post_revision(
                            team_id=team_id,
                            release_id=correction.release.release_id,
                            channel_id=channel,
                            part=part,
                            revision=correction.release.revision,
                        )
                ReleaseSlack(client).dm(
                    user_id,
                    text="Release corrected",
                    blocks=blocks.build_corrected(correction.release, updated),
                )
                return
            send_preview(saved)

        after_ack.ack_then(ack, body, client, work)

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
