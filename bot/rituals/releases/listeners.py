"""Release listeners, in three groups by sub-flow: composing (`composer_listeners`), deciding
(`approval_listeners`) and after publishing (`published_listeners`), sharing `listener_kit`.
Each one: ack → parse into a typed value → one service call → render.

Anything that calls Slack runs after the ack on the shared after-ack pool
(`after_ack.ack_then`), which also tells the person privately about a refusal and never lets
an exception reach Bolt (SLACK-FACTS.md, "Ack reset"). Only the composer's submission asks
Slack before its ack (can the bot post in each channel? a few parallel conversations.info
calls with a 1.5 s deadline), because that answer must be an inline error.
"""

from __future__ import annotations

import logging

from slack_bolt import App

from bot.home.service import HomeService
from bot.integrations.github_releases import ReleaseSource
from bot.rituals.releases import approval_listeners, composer_listeners, published_listeners
from bot.rituals.releases.jobs import AfterPublish
from bot.rituals.releases.listener_kit import Clock, ListenerKit
from bot.rituals.releases.metrics import ReleaseMetrics
from bot.rituals.releases.service import ReleaseService
from bot.slack.listen import AfterAck
from bot.slack.private_reply import SharedChannelCache
from bot.workspace.admins import AdminGuard

logger = logging.getLogger(__name__)
GROUPS = (composer_listeners, approval_listeners, published_listeners)


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
    kit = ListenerKit(
        service=service,
        after=after,
        github=github,
        metrics=metrics,
        admins=admins,
        after_ack=after_ack,
        clock=clock,
        shared=shared,
    )
    for group in GROUPS:
        group.register(app, kit)
