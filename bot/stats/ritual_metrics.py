"""The metric rows of the buddy and release rituals (bot/stats/metrics.py builds the rest)."""

from __future__ import annotations

from collections.abc import Callable

from bot.stats.domain import Better, Group, Unit, share


def release_metrics(add: Callable[..., None], in_use: bool) -> None:
    """Releases announced, their acknowledgement and the time to market of what they shipped."""
    never = "no release composed yet (`/release`)"
    add(
        "sessions.releases",
        "Releases announced",
        Group.SESSIONS,
        Unit.COUNT,
        lambda m: m.releases,
        Better.HIGHER,
        source=in_use,
        never=never,
        missing="",
    )
    add(
        "adherence.acknowledged",
        "Release acknowledgements",
        Group.ADHERENCE,
        Unit.SHARE,
        lambda m: share(m.acks_done, m.acks_asked),
        Better.HIGHER,
        source=in_use,
        never=never,
        missing="no release asked for acknowledgement in this period",
        detail=lambda m: f"{m.acks_done} of {m.acks_asked} people",
    )
    add(
        "roadmap.time_to_market",
        "Feedback captured → shipped in a release, median",
        Group.ROADMAP,
        Unit.DURATION,
        lambda m: m.market.median,
        Better.LOWER,
        source=in_use,
        never=never,
        missing="no release in this period shipped a feedback item",
        detail=lambda m: f"{m.market.count} items shipped by releases",
    )


def buddy_metrics(add: Callable[..., None], in_use: bool) -> None:
    """Buddy calls joined and PMs at their target (only when the buddy ritual is installed)."""
    never = "no one enrolled in buddies and no call shared yet"
    add(
        "sessions.calls_joined",
        "Buddy calls joined",
        Group.SESSIONS,
        Unit.COUNT,
        lambda m: m.calls_joined,
        Better.HIGHER,
        source=in_use,
        never=never,
        missing="",
    )
    add(
        "adherence.pms_at_target",
        "PMs at their buddy call target",
        Group.ADHERENCE,
        Unit.SHARE,
        lambda m: share(m.pms_at_target, m.pms),
        Better.HIGHER,
        source=in_use,
        never=never,
        missing="no PM enrolled or joining calls in this period",
        detail=lambda m: f"{m.pms_at_target} of {m.pms} PMs at {m.call_target} calls or more",
    )
