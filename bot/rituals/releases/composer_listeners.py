"""Release listeners for composing: `/release` (help, settings, the GitHub import), the
related-feedback options and the composer's submission (a new draft, or a correction of a
published release), which sends the author a private preview."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.integrations.github_releases import (
    GitHubRateLimited,
    GitHubReleaseError,
    GitHubReleaseNotFound,
    ReleaseRef,
)
from bot.rituals.releases import blocks
from bot.rituals.releases.domain import (
    ReleaseDraft,
    ReleaseField,
    ReleaseInvalid,
    ReleaseRefused,
    ReleaseView,
)
from bot.rituals.releases.forms import ComposerMetadata, read_composer, wants_later_without_time
from bot.rituals.releases.ids import FIELD_BLOCKS, ReleaseIds
from bot.rituals.releases.listener_kit import ListenerKit
from bot.rituals.releases.markdown import to_mrkdwn
from bot.rituals.releases.posts import release_posts
from bot.rituals.releases.slack_io import ReleaseSlack
from bot.slack.private_reply import PrivateReplies


def register(app: App, kit: ListenerKit) -> None:
    service, after, after_ack, clock = kit.service, kit.after, kit.after_ack, kit.clock
    github, metrics, admins, shared = kit.github, kit.metrics, kit.admins, kit.shared
    open_composer, preview_messages = kit.open_composer, kit.preview_messages

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
