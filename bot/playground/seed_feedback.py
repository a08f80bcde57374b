"""Seeds the feedback ritual: areas and owners, accounts, a month of items, merges and reviews.

Every item is captured through `FeedbackService.capture` under a capture key of its own
(`playground:<key>`), so seeding again returns the stored item instead of a second one; merges
and status changes then only touch items still in the state the seed left them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.playground.people import TEAM_ID, person
from bot.playground.seed_feedback_data import ACCOUNTS, AREA_OWNERS, AREAS, ITEMS, MERGES, STATUSES
from bot.playground.seed_time import SeedClock
from bot.rituals.feedback.domain import FeedbackDraft, FeedbackSettings, Status, StatusRequest
from bot.rituals.feedback.service import FeedbackService
from bot.wiring import Container

ADMIN = "UDANA"


@dataclass
class SeededFeedback:
    created: int = 0
    ids: dict[str, int] = field(default_factory=dict)  # seed key -> item id
    captured_at: dict[str, datetime] = field(default_factory=dict)


def seed_feedback(container: Container, clock: SeedClock) -> SeededFeedback:
    """Side effects: the feedback settings and accounts, ~40 items, their merges and reviews."""
    feedback = container.service(FeedbackService)
    setup_at = clock.days_ago(34)
    current = feedback.settings(team_id=TEAM_ID)
    feedback.save_settings(
        team_id=TEAM_ID,
        settings=FeedbackSettings(
            areas=list(AREAS), capture_emoji=current.capture_emoji, area_owners=AREA_OWNERS
        ),
        user_id=ADMIN,
        now=setup_at,
    )
    feedback.import_accounts(team_id=TEAM_ID, records=ACCOUNTS, now=setup_at)
    seeded = SeededFeedback()
    for item in ITEMS:
        at = clock.at(item.days_ago, item.hour, zone=person(item.submitter).tz)
        result = feedback.capture(
            team_id=TEAM_ID,
            draft=FeedbackDraft(
                text=item.text,
                account_name=item.account,
                area=item.area,
                source=item.source,
                importance=item.importance,
                link=item.link,
                on_behalf_of=item.submitter,
            ),
            submitted_by=item.submitter,
            now=at,
            capture_key=f"playground:{item.key}",
        )
        seeded.created += int(result.created)
        seeded.ids[item.key] = result.item.item_id
        seeded.captured_at[item.key] = at
    _merge_duplicates(feedback, seeded, clock)
    _review(feedback, seeded, clock)
    return seeded


def _later(clock: SeedClock, start: datetime, days: int) -> datetime:
    return min(start + timedelta(days=days), clock.now - timedelta(minutes=1))


def _merge_duplicates(feedback: FeedbackService, seeded: SeededFeedback, clock: SeedClock) -> None:
    for source_key, target_key in MERGES.items():
        source = feedback.get_item(team_id=TEAM_ID, item_id=seeded.ids[source_key])
        if source.merged_into_id is not None:
            continue
        feedback.merge(
            team_id=TEAM_ID,
            source_id=source.item_id,
            target_id=seeded.ids[target_key],
            user_id=ADMIN,
            now=_later(clock, seeded.captured_at[source_key], 1),
        )


def _review(feedback: FeedbackService, seeded: SeededFeedback, clock: SeedClock) -> None:
    for change in STATUSES:
        item = feedback.get_item(team_id=TEAM_ID, item_id=seeded.ids[change.key])
        if item.status is not Status.NEW:
            continue  # reviewed already (by an earlier seed, or a person since)
        feedback.change_status(
            team_id=TEAM_ID,
            item_id=item.item_id,
            request=StatusRequest(Status(change.status), link=change.link, reason=change.reason),
            user_id=change.by,
            now=_later(clock, seeded.captured_at[change.key], change.days_after),
        )
