"""A release's posts as the outbox takes them (pure): one target per audience channel, each
message a part (`notes:0`, `notes:1`, ...), all under the period `release:<id>`."""

from __future__ import annotations

from bot.outbox.domain import OutgoingPost, OutgoingTarget
from bot.rituals.releases.blocks import build_release_messages, build_reminder, release_text
from bot.rituals.releases.domain import ReleaseView, TierTemplate, publish_period

PART_PREFIX = "notes:"


def part_name(number: int) -> str:
    return f"{PART_PREFIX}{number:02d}"


def release_posts(view: ReleaseView, template: TierTemplate) -> list[OutgoingPost]:
    messages = build_release_messages(view, template, acknowledge=template.acknowledge)
    return [
        OutgoingPost(
            part=part_name(number),
            text=release_text(view, template, number),
            blocks=[block.to_dict() for block in blocks],
        )
        for number, blocks in enumerate(messages)
    ]


def release_targets(view: ReleaseView, template: TierTemplate) -> list[OutgoingTarget]:
    posts = release_posts(view, template)
    period = publish_period(view.release_id)
    return [
        OutgoingTarget(channel_id=c, posts=posts, period=period) for c in view.draft.channel_ids
    ]


def reminder_post(view: ReleaseView) -> OutgoingPost:
    return OutgoingPost(
        part="reminder",
        text=f"Please acknowledge release {view.label}",
        blocks=[block.to_dict() for block in build_reminder(view)],
    )
