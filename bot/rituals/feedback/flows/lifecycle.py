"""Duplicates and the lifecycle: merging an item into another, and moving it through
new → reviewed → planned → shipped | declined, naming who must hear when the loop closes."""

from __future__ import annotations

import logging
from datetime import datetime

from bot.rituals.feedback.domain import (
    FeedbackField,
    FeedbackInvalid,
    ItemNotFound,
    ItemSummary,
    Status,
    StatusChange,
    StatusRequest,
    check_status_change,
)
from bot.rituals.feedback.flows.base import FeedbackCore, add_requester, summary
from bot.rituals.feedback.models import FeedbackItem
from bot.rituals.feedback.store import FeedbackStore
from bot.workspace.roles import Permission

logger = logging.getLogger(__name__)


class LifecycleFlow(FeedbackCore):
    def merge(
        self, *, team_id: str, source_id: int, target_id: int, user_id: str, now: datetime
    ) -> ItemSummary:
        """Folds `source_id` into `target_id`: every requester and account moves to the target,
        the source stays (for links and exports) marked as merged. Returns the target.
        Reviewers may merge any item; anyone may fold an item they submitted into another
        (the "+1" on a suggested duplicate); anything else is `NotAllowedError`."""
        if source_id == target_id:
            raise FeedbackInvalid({FeedbackField.TEXT: "An item cannot be merged into itself."})
        with self._units.begin(team_id) as store:
            source = store.item(source_id)
            target = store.item(target_id)
            if source is None or source.merged_into_id is not None:
                raise ItemNotFound(source_id)
            if target is None:
                raise ItemNotFound(target_id)
            if source.submitted_by != user_id:
                self._permissions.require(
                    team_id=team_id, user_id=user_id, permission=Permission.MERGE
                )
            while target.merged_into_id is not None:
                target = store.item(target.merged_into_id)
                if target is None or target.id == source.id:
                    raise ItemNotFound(target_id)
            for requester in store.requesters(source.id):
                add_requester(store, target, requester.account_id, requester.user_id, now)
            if target.account_id is None:
                target.account_id = source.account_id
            source.merged_into_id = target.id
            store.repoint_merged(source.id, target.id)
            store.flush()
            target.request_count = store.count_requesters(target.id)
            logger.info("feedback %s merged into %s by %s", source.id, target.id, user_id)
            self._metrics.merged.inc()
            return summary(store, target)

    def change_status(
        self, *, team_id: str, item_id: int, request: StatusRequest, user_id: str, now: datetime
    ) -> StatusChange:
        """Moves an item through new → reviewed → planned → shipped | declined. Raises
        `StatusChangeInvalid` for a change the rules forbid. When the item becomes shipped (or
        declined) `notify` lists who must be told privately: submitters, the people it was
        captured for and the owners of every requesting account. Only reviewers may change a
        status (`NotAllowedError`)."""
        self._permissions.require(
            team_id=team_id, user_id=user_id, permission=Permission.CHANGE_STATUS
        )
        with self._units.begin(team_id) as store:
            item = store.item(item_id)
            if item is None or item.merged_into_id is not None:
                raise ItemNotFound(item_id)
            previous = Status(item.status)
            cleaned = check_status_change(previous, request)
            if cleaned.status != previous:
                item.status = cleaned.status.value
                item.status_changed_at = now
                if item.reviewed_at is None and cleaned.status is not Status.NEW:
                    item.reviewed_at = now
                if cleaned.link:
                    item.status_link = cleaned.link
                if cleaned.status is Status.DECLINED:
                    item.decline_reason = cleaned.reason
                self._metrics.status_changes.labels(cleaned.status.value).inc()
            notify: list[str] = []
            closes_loop = cleaned.status in {Status.SHIPPED, Status.DECLINED}
            if closes_loop and cleaned.status != previous:
                notify = _people_to_tell(store, item)
            return StatusChange(summary(store, item), previous, notify)


def _people_to_tell(store: FeedbackStore, item: FeedbackItem) -> list[str]:
    requesters = store.requesters(item.id)
    people = [item.submitted_by, item.on_behalf_of]
    people += store.submitters_merged_into(item.id)
    people += [r.user_id for r in requesters]
    account_ids = sorted({r.account_id for r in requesters if r.account_id is not None})
    people += store.account_owners(account_ids)
    return list(dict.fromkeys(p for p in people if p))
