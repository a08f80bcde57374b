"""The monthly buddy digest: calls shared, calls joined per PM, accounts, calls nobody joined."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, HeaderBlock

from bot.rituals.buddies.blocks.common import _section
from bot.rituals.buddies.views import DigestView
from bot.slack.limits import MESSAGE_BLOCKS, cap_blocks, clip
from bot.slack.mrkdwn import escape

DIGEST_PMS = 60  # lines that fit one section (3,000 characters)


def digest_text(digest: DigestView) -> str:
    return f"PM / sales buddies, {digest.month}: {digest.calls_shared} calls shared"


def build_digest(digest: DigestView) -> list[Block]:
    pm_lines = [
        f"• <@{line.user_id}>: {line.joined} of {line.target}"
        + (" :white_check_mark:" if line.joined >= line.target else "")
        for line in digest.pms[:DIGEST_PMS]
    ] or ["• No PMs enrolled yet."]
    if len(digest.pms) > DIGEST_PMS:
        below = sum(1 for line in digest.pms if line.joined < line.target)
        pm_lines.append(
            f"_…and {len(digest.pms) - DIGEST_PMS} more PMs; {below} of all "
            f"{len(digest.pms)} are below target (`opsbot export calls` has every call)_"
        )
    accounts = ", ".join(escape(a) for a in digest.accounts[:30]) or "none"
    unjoined = [
        f"• {escape(c.account_name)} with <@{c.rep_user_id}>" for c in digest.unjoined[:15]
    ] or ["• None :tada:"]
    blocks: list[Block] = [
        HeaderBlock(text=clip(f"PM / sales buddies: {digest.month}", 150)),
        _section(
            f"*{digest.calls_shared}* calls shared by *{digest.reps_taking_part}* reps · "
            f"*{digest.takeaways}* takeaways captured as feedback"
        ),
        _section("*Calls joined per PM (against target)*\n" + "\n".join(pm_lines)),
        _section(f"*Accounts covered ({len(digest.accounts)})*\n{accounts}"),
        _section("*Calls nobody joined*\n" + "\n".join(unjoined)),
    ]
    return cap_blocks(blocks, MESSAGE_BLOCKS)
