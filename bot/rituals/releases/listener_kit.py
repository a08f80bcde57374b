"""What every release listener shares: the services and helpers that `listeners.register` hands
to each group of listeners, and opening the composer (from /release, Edit and Correct)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.models.blocks import Block

from bot.integrations.github_releases import ReleaseSource
from bot.rituals.releases import blocks
from bot.rituals.releases.domain import ReleaseDraft, ReleaseView, TierTemplate
from bot.rituals.releases.forms import ComposerMetadata
from bot.rituals.releases.jobs import AfterPublish
from bot.rituals.releases.metrics import ReleaseMetrics
from bot.rituals.releases.service import ReleaseService
from bot.slack.listen import AfterAck
from bot.slack.private_reply import SharedChannelCache
from bot.workspace.admins import AdminGuard

Clock = Callable[[], datetime]
INPUT_MAX = blocks.INPUT_MAX


@dataclass(frozen=True)
class ListenerKit:
    """The services one group of release listeners calls, built once by `listeners.register`."""

    service: ReleaseService
    after: AfterPublish
    github: ReleaseSource
    metrics: ReleaseMetrics
    admins: AdminGuard
    after_ack: AfterAck
    clock: Clock
    shared: SharedChannelCache

    def open_composer(
        self,
        client: WebClient,
        trigger_or_view: dict[str, str],
        team_id: str,
        draft: ReleaseDraft,
        metadata: ComposerMetadata,
        notice: str | None = None,
    ) -> None:
        service = self.service
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

    def preview_messages(self, view: ReleaseView, template: TierTemplate) -> list[list[Block]]:
        return blocks.build_release_messages(view, template, acknowledge=template.acknowledge)
