"""Scheduled work of the releases ritual.

- `ReleasePublisher` (outbox ritual `release-publish`): a release's posts are one run with the
  period `release:<id>` whose targets are the audience channels, so each post is made once
  across restarts and schedulers; `after_delivery` stores each post's ts for corrections.
- `ReleaseRollupRunner` (`release-rollup`): the monthly roll-up, per scheduled channel.
- `ReleaseHousekeeping`: run every few minutes by the scheduler's leader: publishes scheduled
  releases whose time has come, finishes what follows publishing (acknowledgements asked,
  feedback loops closed) and sends the one acknowledgement reminder.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.outbox.domain import OutgoingPost, OutgoingTarget
from bot.rituals.releases.blocks import build_rollup_message, build_status, rollup_text, status_text
from bot.rituals.releases.domain import (
    ReleaseState,
    ReleaseView,
    previous_month,
    release_id_of,
)
from bot.rituals.releases.ids import RELEASE_ROLLUP
from bot.rituals.releases.posts import release_targets
from bot.rituals.releases.service import PUBLISH_RITUAL, LoopCloser, ReleaseService
from bot.rituals.releases.slack_io import ReleaseSlack
from bot.slack.client import acting_for

logger = logging.getLogger(__name__)

ROLLUP_PART = "rollup"


class ReleasePublisher:
    name = PUBLISH_RITUAL

    def __init__(self, service: ReleaseService) -> None:
        self._service = service

    def compose(
        self, *, team_id: str, channel_id: str, period: str, options: dict[str, Any], now: datetime
    ) -> list[OutgoingPost]:
        return []  # releases are addressed by `targets`

    def targets(
        self, *, team_id: str, period: str, options: dict[str, Any], now: datetime
    ) -> list[OutgoingTarget]:
        """The posts of a published release (period `release:<id>`); nothing otherwise."""
        release_id = release_id_of(period)
        if release_id is None:
            return []
        view = self._service.get(team_id=team_id, release_id=release_id)
        if view.state is not ReleaseState.PUBLISHED:
            return []
        return release_targets(view, self._service.template_for(view))

    def after_delivery(
        self, *, team_id: str, channel_id: str, period: str, sent: dict[str, str], now: datetime
    ) -> None:
        release_id = release_id_of(period)
        if release_id is None or period.count(":") > 1:
            return  # reminders are not kept
        self._service.record_posts(
            team_id=team_id, release_id=release_id, channel_id=channel_id, sent=sent, now=now
        )


class ReleaseRollupRunner:
    """Options: {"month": "2026-10"}; by default the month before the run."""

    name = RELEASE_ROLLUP

    def __init__(self, service: ReleaseService) -> None:
        self._service = service

    def compose(
        self, *, team_id: str, channel_id: str, period: str, options: dict[str, Any], now: datetime
    ) -> list[OutgoingPost]:
        month = str(options.get("month") or previous_month(now))
        rollup = self._service.rollup(team_id=team_id, channel_id=channel_id, month=month)
        return [
            OutgoingPost(
                part=ROLLUP_PART,
                text=rollup_text(rollup),
                blocks=[b.to_dict() for b in build_rollup_message(rollup)],
            )
        ]


class AfterPublish:
    """What follows a release going out, run once per release and safe to repeat: the
    customer-facing group asked to acknowledge (tier templates that ask for it), linked
    feedback shipped and its people told, the author's status line posted.

    Listeners hand it over with `run_soon` (one background thread of its own, never a thread
    that acknowledges Slack requests); the frequent job finishes whatever did not complete.
    Its Slack client waits out 429s (DMs to one person are limited like any channel)."""

    def __init__(self, *, service: ReleaseService, slack: ReleaseSlack, closer: LoopCloser) -> None:
        self._service = service
        self._slack = slack
        self._closer = closer
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="opsbot-release")

        self._pending_status: set[tuple[str, int]] = set()
        self._lock = threading.Lock()

    @property
    def slack(self) -> ReleaseSlack:
        """Private messages that may have to wait out a 429 (previews, approval requests)."""
        return self._slack

    def soon(self, team_id: str, work: Callable[[], None]) -> None:
        """Runs `work` on the follow-up thread (as `team_id`), after what was handed before."""

        def as_workspace() -> None:
            with acting_for(team_id):
                work()

        self._worker.submit(as_workspace).add_done_callback(_log_failure)

    def run_soon(self, view: ReleaseView, *, now: datetime) -> Future[None]:
        future = self._worker.submit(self.run, view, now=now)
        future.add_done_callback(_log_failure)
        return future

    def post_status_soon(self, view: ReleaseView) -> None:
        """Refreshes the author's status line in the background; clicks arriving while one
        refresh waits are folded into it (500 acknowledgements are not 500 chat.update calls)."""
        key = (view.team_id, view.release_id)
        with self._lock:
            if key in self._pending_status:
                return
            self._pending_status.add(key)

        def refresh() -> None:
            with self._lock:
                self._pending_status.discard(key)
            with acting_for(view.team_id):
                self.post_status(
                    self._service.get(team_id=view.team_id, release_id=view.release_id)
                )

        self._worker.submit(refresh).add_done_callback(_log_failure)

    def run(self, view: ReleaseView, *, now: datetime) -> None:
        with acting_for(view.team_id):  # that workspace's token (multi-workspace mode)
            self._run(view, now=now)

    def _run(self, view: ReleaseView, *, now: datetime) -> None:
        template = self._service.template_for(view)
        if template.acknowledge:
            group = self._service.ack_group(team_id=view.team_id)
            try:
                members = [m for m in self._slack.members(group) if m != view.author_id]
            except SlackApiError as error:
                logger.warning("no members for %s: %s", group, error.response.get("error"))
                members = []
            self._service.ask_acknowledgement(
                team_id=view.team_id, release_id=view.release_id, members=members, now=now
            )
        self._service.close_loops(
            team_id=view.team_id, release_id=view.release_id, closer=self._closer, now=now
        )
        self.post_status(view)
        self._service.mark_followed_up(team_id=view.team_id, release_id=view.release_id, now=now)

    def post_status(self, view: ReleaseView) -> None:
        """The author's status DM (posted once, then updated: "n of m acknowledged")."""
        summary = self._service.ack_summary(team_id=view.team_id, release_id=view.release_id)
        template = self._service.template_for(view)
        blocks = build_status(view, template, summary=summary)
        text = status_text(view, summary)
        where = self._service.status_message(team_id=view.team_id, release_id=view.release_id)
        if where is not None and self._slack.update(where[0], where[1], text=text, blocks=blocks):
            return
        channel, ts = self._slack.dm(view.author_id, text=text, blocks=blocks)
        self._service.remember_status_message(
            team_id=view.team_id, release_id=view.release_id, channel_id=channel, ts=ts
        )


def _log_failure(future: Future[None]) -> None:
    error = future.exception()
    if error is not None:
        logger.error("release follow-up failed (the frequent job retries)", exc_info=error)


class ReleaseHousekeeping:
    def __init__(self, *, service: ReleaseService, after: AfterPublish) -> None:
        self._service = service
        self._after = after

    def run(self, now: datetime) -> None:
        for view in self._service.publish_due(now=now):
            logger.info("published scheduled release %s of %s", view.release_id, view.team_id)
            self._after.run(view, now=now)
        for team_id, release_id in self._service.releases_to_follow_up():
            self._after.run(self._service.get(team_id=team_id, release_id=release_id), now=now)
        self._service.remind(now=now)
