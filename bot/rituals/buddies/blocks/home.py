"""The buddy section of the App Home tab."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, HeaderBlock

from bot.rituals.buddies.blocks.common import _people, _section, _upcoming_text
from bot.rituals.buddies.domain import Group
from bot.rituals.buddies.views import StatusView
from bot.slack.limits import HOME_BLOCKS, cap_blocks


def build_home_section(view: StatusView, *, time_zone: str) -> list[Block]:
    if view.group is None or not view.active:
        return [
            HeaderBlock(text="PM / sales buddies"),
            _section("Join with `/buddy join pm` or `/buddy join sales`."),
        ]
    lines = []
    if view.buddies:
        who = "My buddy" if view.group is Group.SALES else "My reps"
        lines.append(f"{who}: {_people(view.buddies)}")
    else:
        lines.append("No buddy yet: pairing runs at the start of each cycle.")
    if view.progress is not None:
        done = view.progress.joined >= view.progress.target
        lines.append(
            f"My progress: {view.progress.joined} of {view.progress.target} calls this month"
            + (" :white_check_mark:" if done else "")
        )
    blocks: list[Block] = [
        HeaderBlock(text="PM / sales buddies"),
        _section("\n".join(lines)),
        _section(_upcoming_text(view.upcoming, time_zone)),
    ]
    return cap_blocks(blocks, HOME_BLOCKS)
