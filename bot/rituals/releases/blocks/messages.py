"""Private messages around a release: the author's preview, the managers' approval request and
decision, the author's status line, the correction note and the acknowledgement reminder."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    SectionBlock,
)

from bot.rituals.releases.blocks.common import md
from bot.rituals.releases.domain import AckSummary, ReleaseState, ReleaseView, TierTemplate
from bot.rituals.releases.ids import ReleaseIds
from bot.slack.limits import clip
from bot.slack.mrkdwn import escape


def _where_and_when(view: ReleaseView, template: TierTemplate) -> str:
    channels = " ".join(f"<#{c}>" for c in view.draft.channel_ids)
    at = view.draft.publish_at
    when = (
        f"on <!date^{int(at.timestamp())}^{{date_short_pretty}} at {{time}}"
        f"|{at:%Y-%m-%d %H:%M} UTC>"
        if at
        else "as soon as it is published"
    )
    approval = " after a release manager approves it" if template.needs_approval else ""
    return f"Posts in {channels} {when}{approval}."


def build_preview_intro(view: ReleaseView, template: TierTemplate) -> list[Block]:
    return [
        SectionBlock(
            text=md(
                f":eyes: *Preview of release #{view.release_id}*, exactly as it will be posted. "
                + _where_and_when(view, template)
            )
        ),
        DividerBlock(),
    ]


def build_preview_actions(view: ReleaseView, template: TierTemplate) -> list[Block]:
    label = "Send for approval" if template.needs_approval else "Publish"
    value = str(view.release_id)
    return [
        DividerBlock(),
        ActionsBlock(
            block_id=f"release-preview-{view.release_id}",
            elements=[
                ButtonElement(
                    text=label, action_id=ReleaseIds.PUBLISH.value, value=value, style="primary"
                ),
                ButtonElement(text="Edit", action_id=ReleaseIds.EDIT.value, value=value),
                ButtonElement(
                    text="Cancel", action_id=ReleaseIds.CANCEL.value, value=value, style="danger"
                ),
            ],
        ),
    ]


def build_approval_intro(view: ReleaseView, template: TierTemplate) -> list[Block]:
    return [
        SectionBlock(
            text=md(
                f":raised_hand: <@{view.author_id}> asks you to approve release "
                f"#{view.release_id} (tier {template.tier}). " + _where_and_when(view, template)
            )
        ),
        DividerBlock(),
    ]


def build_approval_actions(view: ReleaseView) -> list[Block]:
    value = str(view.release_id)
    return [
        DividerBlock(),
        ActionsBlock(
            block_id=f"release-approval-{view.release_id}",
            elements=[
                ButtonElement(
                    text="Approve", action_id=ReleaseIds.APPROVE.value, value=value, style="primary"
                ),
                ButtonElement(
                    text="Request changes", action_id=ReleaseIds.REQUEST_CHANGES.value, value=value
                ),
            ],
        ),
    ]


def build_decision_note(view: ReleaseView, *, decided_by: str, state: ReleaseState) -> list[Block]:
    """What replaces the approval buttons once someone decided (for every manager asked)."""
    words = {
        ReleaseState.PUBLISHED: ":white_check_mark: Approved by {who} and published.",
        ReleaseState.SCHEDULED: ":white_check_mark: Approved by {who}; it posts at its time.",
        ReleaseState.CHANGES_REQUESTED: ":leftwards_arrow_with_hook: {who} asked for changes.",
    }
    text = words.get(state, "Decided by {who}.").format(who=f"<@{decided_by}>")
    return [SectionBlock(text=md(f"*Release #{view.release_id}: {escape(view.label)}*\n{text}"))]


def build_changes_requested(view: ReleaseView) -> list[Block]:
    comment = escape(view.review_comment or "(no comment)")
    return [
        SectionBlock(
            text=md(
                f":leftwards_arrow_with_hook: <@{view.decided_by}> asked for changes to release "
                f"#{view.release_id} *{escape(view.label)}*:\n>{comment}"
            )
        ),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Edit", action_id=ReleaseIds.EDIT.value, value=str(view.release_id)
                )
            ]
        ),
    ]


def build_status(
    view: ReleaseView, template: TierTemplate, *, summary: AckSummary | None
) -> list[Block]:
    """The author's private status line: where it stands, "n of m acknowledged" for tier 1."""
    state = view.state
    channels = " ".join(f"<#{c}>" for c in view.draft.channel_ids)
    if state is ReleaseState.PUBLISHED:
        text = (
            f":rocket: Release #{view.release_id} *{escape(view.label)}* is published in "
            f"{channels}."
        )
    elif state is ReleaseState.SCHEDULED:
        text = f":calendar: Release #{view.release_id} *{escape(view.label)}* is scheduled. " + (
            _where_and_when(view, template)
        )
    elif state is ReleaseState.AWAITING_APPROVAL:
        text = (
            f":hourglass_flowing_sand: Release #{view.release_id} *{escape(view.label)}* is "
            "waiting for a release manager's approval."
        )
    elif state is ReleaseState.CANCELLED:
        text = f":wastebasket: Release #{view.release_id} *{escape(view.label)}* is cancelled."
    else:
        text = f"Release #{view.release_id} *{escape(view.label)}* is {state.value}."
    blocks: list[Block] = [SectionBlock(text=md(text))]
    if summary is not None and summary.total:
        blocks.append(ContextBlock(elements=[md(f":ballot_box_with_check: {summary.text}")]))
    if state is ReleaseState.PUBLISHED:
        blocks.append(
            ActionsBlock(
                elements=[
                    ButtonElement(
                        text="Correct",
                        action_id=ReleaseIds.CORRECT.value,
                        value=str(view.release_id),
                    )
                ]
            )
        )
    return blocks


def status_text(view: ReleaseView, summary: AckSummary | None) -> str:
    acks = f" · {summary.text}" if summary and summary.total else ""
    return clip(f"Release #{view.release_id} {view.label}: {view.state.value}{acks}", 300)


def build_corrected(view: ReleaseView, updated: int) -> list[Block]:
    return [
        SectionBlock(
            text=md(
                f":pencil2: Release #{view.release_id} *{escape(view.label)}* is corrected: "
                f"{updated} posted message{'s' if updated != 1 else ''} updated in place."
            )
        )
    ]


def build_reminder(view: ReleaseView) -> list[Block]:
    return [
        SectionBlock(
            text=md(
                f":wave: Please read and acknowledge release *{escape(view.label)}* "
                f"(announced by <@{view.author_id}>) so you can talk to customers about it."
            )
        ),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Acknowledge",
                    action_id=ReleaseIds.ACKNOWLEDGE.value,
                    value=str(view.release_id),
                    style="primary",
                )
            ]
        ),
    ]
