"""The releases section of the Home tab and the /release help."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from slack_sdk.models.blocks import Block, HeaderBlock, PlainTextObject, SectionBlock

from bot.rituals.releases.blocks.common import md
from bot.rituals.releases.domain import ReleaseView
from bot.slack.limits import HOME_BLOCKS, cap_blocks, clip
from bot.slack.mrkdwn import escape


def build_home_section(
    *,
    recent: Sequence[ReleaseView],
    drafts: Sequence[ReleaseView],
    to_approve: Sequence[ReleaseView],
    now: datetime,
) -> list[Block]:
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text=":rocket: Releases", emoji=True))]

    def line(view: ReleaseView) -> str:
        when = view.published_at or view.draft.publish_at or view.created_at
        return (
            f"• #{view.release_id} *{escape(clip(view.label, 120))}* · tier {view.tier} · "
            f"{view.state.value.replace('_', ' ')} · "
            f"<!date^{int(when.timestamp())}^{{date_short}}|{when:%Y-%m-%d}>"
        )

    for title, views in (
        ("Waiting for your approval", to_approve),
        ("Your drafts", drafts),
        ("Recent releases", recent),
    ):
        if views:
            blocks.append(SectionBlock(text=md(f"*{title}*\n" + "\n".join(line(v) for v in views))))
    if len(blocks) == 1:
        blocks.append(SectionBlock(text=md("No releases yet: `/release` opens the composer.")))
    return cap_blocks(blocks, HOME_BLOCKS)


def build_help_blocks() -> list[Block]:
    return [
        SectionBlock(
            text=md(
                "*Release announcements*\n"
                "• `/release` opens the composer\n"
                "• `/release import owner/repo` or `owner/repo@v1.2.0` starts from a GitHub "
                "release\n"
                "• `/release settings` templates per tier, release managers (admins)\n"
                "• `/release help` this message"
            )
        )
    ]
