"""How a release moves: draft → awaiting approval → scheduled → published (or cancelled), and
who may move it; each refusal says why in words the user understands."""

from __future__ import annotations

from datetime import datetime

from bot.rituals.releases.domain.values import EDITABLE, ReleaseRefused, ReleaseState, TierTemplate


def after_submit(template: TierTemplate, publish_at: datetime | None, now: datetime) -> str:
    """Where a release goes when its author presses Publish: to the release managers when the
    tier needs approval, else scheduled (a later time) or published at once ("now")."""
    if template.needs_approval:
        return ReleaseState.AWAITING_APPROVAL
    return after_approval(publish_at, now)


def after_approval(publish_at: datetime | None, now: datetime) -> str:
    if publish_at is not None and publish_at > now:
        return ReleaseState.SCHEDULED
    return "now"


def check_can_submit(state: ReleaseState) -> None:
    if state not in {ReleaseState.DRAFT, ReleaseState.CHANGES_REQUESTED}:
        raise ReleaseRefused(f"This release is already {_state_words(state)}.")


def check_can_decide(state: ReleaseState, *, is_manager: bool, decided_by: str | None) -> None:
    """Approve / request changes: release managers only, once, while it awaits approval."""
    if not is_manager:
        raise ReleaseRefused(
            "Only release managers can approve releases. An admin can make you one in "
            "`/release settings` (or `/ops roles`)."
        )
    if state is not ReleaseState.AWAITING_APPROVAL:
        who = f" by <@{decided_by}>" if decided_by else ""
        raise ReleaseRefused(f"This release is already {_state_words(state)}{who}.")


def check_can_edit(state: ReleaseState) -> None:
    if state not in EDITABLE:
        raise ReleaseRefused(
            f"This release is {_state_words(state)}: use *Correct* on a published release."
        )


def check_can_cancel(state: ReleaseState) -> None:
    if state in {ReleaseState.PUBLISHED, ReleaseState.CANCELLED}:
        raise ReleaseRefused(f"This release is already {_state_words(state)}.")


def _state_words(state: ReleaseState) -> str:
    return {
        ReleaseState.DRAFT: "a draft",
        ReleaseState.AWAITING_APPROVAL: "waiting for approval",
        ReleaseState.CHANGES_REQUESTED: "back with its author for changes",
        ReleaseState.SCHEDULED: "approved and scheduled",
        ReleaseState.PUBLISHED: "published",
        ReleaseState.CANCELLED: "cancelled",
    }[state]
