"""Pure Block Kit builders for releases: domain values in, slack_sdk models out.

The announcement is built once (`build_release_messages`) and reused verbatim for the author's
preview and the release managers' approval request, so what people approve is exactly what is
posted. Long notes are split across section blocks and messages by `split_text`, never cut.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ChannelMultiSelectElement,
    CheckboxesElement,
    ContextBlock,
    DateTimePickerElement,
    DividerBlock,
    ExternalDataMultiSelectElement,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    SectionBlock,
    StaticMultiSelectElement,
    StaticSelectElement,
    UrlInputElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.rituals.releases.domain import (
    SECTION_TITLES,
    AckSummary,
    ReleaseDraft,
    ReleaseState,
    ReleaseView,
    Rollup,
    Section,
    TierTemplate,
    split_text,
)
from bot.rituals.releases.forms import ComposerMetadata
from bot.rituals.releases.ids import (
    FLAG_ACKNOWLEDGE,
    FLAG_APPROVAL,
    WHEN_LATER,
    WHEN_NOW,
    ReleaseIds,
)
from bot.slack.limits import (
    HEADER_TEXT,
    HOME_BLOCKS,
    MESSAGE_BLOCKS,
    MODAL_BLOCKS,
    OPTION_TEXT,
    OPTION_VALUE,
    SECTION_TEXT,
    cap_blocks,
    clip,
)
from bot.slack.mrkdwn import escape, link

INPUT_MAX = 3000  # a plain-text input holds at most 3000 characters
PIECE = SECTION_TEXT - 100  # room for a section's own heading line
BLOCKS_PER_MESSAGE = MESSAGE_BLOCKS - 5  # room for a continuation line and the buttons
CHARS_PER_MESSAGE = 12_000  # a message people can read (and far from any payload limit)
FEEDBACK_SHOWN = 10


def _md(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=clip(text, SECTION_TEXT))


def _option(label: str, value: str) -> Option:
    return Option(text=PlainTextObject(text=clip(label, OPTION_TEXT)), value=value[:OPTION_VALUE])


def feedback_label(item_id: int, text: str, account: str | None) -> str:
    who = f" · {account}" if account else ""
    room = OPTION_TEXT - len(f"#{item_id} ") - len(who)
    return f"#{item_id} {clip(' '.join(text.split()), max(room, 10))}{who}"


# ---- the announcement ------------------------------------------------------------------------


def build_release_messages(
    view: ReleaseView, template: TierTemplate, *, acknowledge: bool
) -> list[list[Block]]:
    """The release as posted: one or more messages, each within Block Kit's limits. Every
    section's text is kept whole (split across blocks, then messages); the docs link and the
    feedback it answers come last, then the Acknowledge button when the tier asks for it."""
    draft = view.draft
    version = f" {draft.version}" if draft.version else ""
    header = f":{template.emoji}: {draft.title}{version}"
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=clip(header, HEADER_TEXT), emoji=True)),
        ContextBlock(
            elements=[
                _md(
                    f"*Tier {template.tier}* · {escape(template.name)} · announced by "
                    f"<@{view.author_id}>"
                )
            ]
        ),
    ]
    for section in _sections_in_order(template, draft):
        text = draft.section(section)
        pieces = split_text(text, PIECE)
        for number, piece in enumerate(pieces):
            heading = f"*{SECTION_TITLES[section]}*\n" if number == 0 else ""
            blocks.append(SectionBlock(text=_md(heading + piece)))
    closing: list[str] = []
    if draft.docs_url:
        closing.append(f":book: Docs: {link(draft.docs_url, draft.docs_url)}")
    if view.feedback:
        lines = [
            f"• #{item_id} {escape(clip(' '.join(text.split()), 140))}"
            + (f" ({escape(account)})" if account else "")
            for item_id, text, account in view.feedback[:FEEDBACK_SHOWN]
        ]
        more = len(view.feedback) - FEEDBACK_SHOWN
        if more > 0:
            lines.append(f"…and {more} more")
        closing.append(":white_check_mark: *Answers feedback*\n" + "\n".join(lines))
    for piece in split_text("\n\n".join(closing), PIECE) if closing else []:
        blocks.append(SectionBlock(text=_md(piece)))
    if acknowledge:
        blocks.append(
            ActionsBlock(
                block_id=f"{ReleaseIds.ACKNOWLEDGE.value}-{view.release_id}",
                elements=[
                    ButtonElement(
                        text="Acknowledge",
                        action_id=ReleaseIds.ACKNOWLEDGE.value,
                        value=str(view.release_id),
                        style="primary",
                    )
                ],
            )
        )
    messages = _group(blocks)
    total = len(messages)
    if total > 1:
        for number, message in enumerate(messages[1:], start=2):
            message.insert(
                0,
                ContextBlock(
                    elements=[_md(f"_{escape(draft.title)}, continued ({number}/{total})_")]
                ),
            )
    return messages


def _group(blocks: list[Block]) -> list[list[Block]]:
    """Consecutive blocks into messages of at most BLOCKS_PER_MESSAGE blocks and about
    CHARS_PER_MESSAGE characters (a block is never split or reordered)."""
    messages: list[list[Block]] = [[]]
    size = 0
    for block in blocks:
        length = len(str(block.to_dict()))
        full = len(messages[-1]) >= BLOCKS_PER_MESSAGE or size + length > CHARS_PER_MESSAGE
        if messages[-1] and full:
            messages.append([])
            size = 0
        messages[-1].append(block)
        size += length
    return messages


def _sections_in_order(template: TierTemplate, draft: ReleaseDraft) -> list[Section]:
    """The template's sections, plus any optional section the author filled in anyway."""
    return [s for s in Section if s in template.sections or draft.section(s)]


def release_text(view: ReleaseView, template: TierTemplate, part: int = 0) -> str:
    """The notification text of each message (what a phone shows)."""
    version = f" {view.draft.version}" if view.draft.version else ""
    suffix = f" (continued, part {part + 1})" if part else ""
    return clip(f":{template.emoji}: {view.draft.title}{version}{suffix}", 300)


# ---- preview, approval, the author's status ----------------------------------------------------


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
            text=_md(
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
            text=_md(
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
    return [SectionBlock(text=_md(f"*Release #{view.release_id}: {escape(view.label)}*\n{text}"))]


def build_changes_requested(view: ReleaseView) -> list[Block]:
    comment = escape(view.review_comment or "(no comment)")
    return [
        SectionBlock(
            text=_md(
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
    blocks: list[Block] = [SectionBlock(text=_md(text))]
    if summary is not None and summary.total:
        blocks.append(ContextBlock(elements=[_md(f":ballot_box_with_check: {summary.text}")]))
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
            text=_md(
                f":pencil2: Release #{view.release_id} *{escape(view.label)}* is corrected: "
                f"{updated} posted message{'s' if updated != 1 else ''} updated in place."
            )
        )
    ]


def build_reminder(view: ReleaseView) -> list[Block]:
    return [
        SectionBlock(
            text=_md(
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


# ---- the composer ------------------------------------------------------------------------------


def build_composer(
    *,
    templates: Mapping[int, TierTemplate],
    draft: ReleaseDraft,
    metadata: ComposerMetadata,
    feedback: Sequence[tuple[int, str, str | None]] = (),
    notice: str | None = None,
) -> View:
    """The /release modal. `feedback` labels the already-linked items; `notice` is a line
    on top (an import that failed, or imported notes kept because they are long)."""
    blocks: list[Block] = []
    if notice:
        blocks.append(SectionBlock(text=_md(notice)))

    def text_input(
        block: ReleaseIds,
        action: ReleaseIds,
        label: str,
        value: str,
        *,
        optional: bool,
        multiline: bool = False,
        hint: str | None = None,
        max_length: int = INPUT_MAX,
    ) -> InputBlock:
        return InputBlock(
            block_id=block.value,
            label=label,
            optional=optional,
            hint=hint,
            element=PlainTextInputElement(
                action_id=action.value,
                multiline=multiline,
                initial_value=value[:max_length] or None,
                max_length=max_length,
            ),
        )

    tier_options = [
        _option(
            f"Tier {t.tier} · {t.name}" + (" (needs approval)" if t.needs_approval else ""),
            str(t.tier),
        )
        for t in templates.values()
    ]
    chosen_tier = next((o for o in tier_options if o.value == str(draft.tier)), None)
    blocks.append(
        text_input(
            ReleaseIds.TITLE_BLOCK,
            ReleaseIds.TITLE_INPUT,
            "Title",
            draft.title,
            optional=False,
            max_length=120,
        )
    )
    blocks.append(
        text_input(
            ReleaseIds.VERSION_BLOCK,
            ReleaseIds.VERSION_INPUT,
            "Version",
            draft.version,
            optional=True,
            max_length=40,
        )
    )
    if not metadata.correcting:
        blocks.append(
            InputBlock(
                block_id=ReleaseIds.TIER_BLOCK.value,
                label="Launch tier",
                hint="The tier sets the template: sections, default channels and approval.",
                element=StaticSelectElement(
                    action_id=ReleaseIds.TIER_SELECT.value,
                    options=tier_options,
                    initial_option=chosen_tier,
                ),
            )
        )
    kept = metadata.kept_chars
    blocks.append(
        text_input(
            ReleaseIds.WHATS_NEW_BLOCK,
            ReleaseIds.WHATS_NEW_INPUT,
            "What's new",
            "" if kept else draft.whats_new,
            optional=bool(kept),
            multiline=True,
            hint=(
                f"The imported notes ({kept:,} characters) are kept as imported; type here "
                "to replace them."
            )
            if kept
            else "Slack formatting works: *bold*, lists, links.",
        )
    )
    blocks.append(
        text_input(
            ReleaseIds.WHY_BLOCK,
            ReleaseIds.WHY_INPUT,
            "Why it matters",
            draft.why_it_matters,
            optional=True,
            multiline=True,
            hint="Required for some tiers; see the tier's template.",
        )
    )
    blocks.append(
        text_input(
            ReleaseIds.WHO_FOR_BLOCK,
            ReleaseIds.WHO_FOR_INPUT,
            "Who it is for",
            draft.who_it_is_for,
            optional=True,
            multiline=True,
        )
    )
    blocks.append(
        InputBlock(
            block_id=ReleaseIds.DOCS_BLOCK.value,
            label="Docs link",
            optional=True,
            element=UrlInputElement(
                action_id=ReleaseIds.DOCS_INPUT.value, initial_value=draft.docs_url or None
            ),
        )
    )
    if not metadata.correcting:
        initial = [_option(feedback_label(i, t, a), str(i)) for i, t, a in feedback] or None
        blocks.append(
            InputBlock(
                block_id=ReleaseIds.FEEDBACK_BLOCK.value,
                label="Related feedback",
                optional=True,
                hint="Search feedback text or accounts. Its requesters are told when it ships.",
                element=ExternalDataMultiSelectElement(
                    action_id=ReleaseIds.FEEDBACK_SELECT.value,
                    placeholder="Type a few words or an account",
                    min_query_length=0,
                    initial_options=initial,
                ),
            )
        )
        default_channels = list(draft.channel_ids) or (
            list(templates[draft.tier].default_channels)
            if draft.tier is not None and draft.tier in templates
            else []
        )
        blocks.append(
            InputBlock(
                block_id=ReleaseIds.CHANNELS_BLOCK.value,
                label="Announce in",
                optional=True,
                hint="Leave empty for the tier's default channels. I must be in each one.",
                element=ChannelMultiSelectElement(
                    action_id=ReleaseIds.CHANNELS_SELECT.value,
                    initial_channels=default_channels or None,
                ),
            )
        )
        now_option = _option("Publish now (after approval, if the tier needs it)", WHEN_NOW)
        later_option = _option("Publish at a time", WHEN_LATER)
        blocks.append(
            InputBlock(
                block_id=ReleaseIds.WHEN_BLOCK.value,
                label="When",
                element=RadioButtonsElement(
                    action_id=ReleaseIds.WHEN_RADIO.value,
                    options=[now_option, later_option],
                    initial_option=later_option if draft.publish_at else now_option,
                ),
            )
        )
        blocks.append(
            InputBlock(
                block_id=ReleaseIds.PUBLISH_AT_BLOCK.value,
                label="Time (your time zone)",
                optional=True,
                element=DateTimePickerElement(
                    action_id=ReleaseIds.PUBLISH_AT_PICKER.value,
                    initial_date_time=int(draft.publish_at.timestamp())
                    if draft.publish_at
                    else None,
                ),
            )
        )
    return View(
        type="modal",
        callback_id=ReleaseIds.COMPOSER.value,
        title="Correct release" if metadata.correcting else "New release",
        submit="Update posts" if metadata.correcting else "Preview",
        close="Cancel",
        private_metadata=metadata.to_json(),
        blocks=cap_blocks(blocks, MODAL_BLOCKS),
    )


def build_loading_modal(what: str) -> View:
    return View(
        type="modal",
        callback_id=ReleaseIds.LOADING.value,
        title="New release",
        close="Cancel",
        blocks=[
            SectionBlock(text=_md(f":hourglass_flowing_sand: Fetching {escape(what)} from GitHub…"))
        ],
    )


def build_feedback_options(items: Sequence[tuple[int, str, str | None]]) -> list[Option]:
    return [_option(feedback_label(i, t, a), str(i)) for i, t, a in items[:100]]


def build_changes_modal(release_id: int) -> View:
    return View(
        type="modal",
        callback_id=ReleaseIds.CHANGES_MODAL.value,
        title="Request changes",
        submit="Send",
        close="Cancel",
        private_metadata=str(release_id),
        blocks=[
            InputBlock(
                block_id=ReleaseIds.COMMENT_BLOCK.value,
                label="What should change?",
                element=PlainTextInputElement(
                    action_id=ReleaseIds.COMMENT_INPUT.value, multiline=True, max_length=2000
                ),
            )
        ],
    )


# ---- settings (admins) ---------------------------------------------------------------------------


def build_settings_modal(
    *, templates: Mapping[int, TierTemplate], tier: int, managers: Sequence[str], ack_group: str
) -> View:
    template = templates[tier]
    section_options = [_option(SECTION_TITLES[s], s.value) for s in Section]
    flag_options = [
        _option("Needs a release manager's approval", FLAG_APPROVAL),
        _option("Customer-facing people acknowledge it", FLAG_ACKNOWLEDGE),
    ]
    chosen_flags = [
        o
        for o in flag_options
        if (o.value == FLAG_APPROVAL and template.needs_approval)
        or (o.value == FLAG_ACKNOWLEDGE and template.acknowledge)
    ]
    return View(
        type="modal",
        callback_id=ReleaseIds.SETTINGS_MODAL.value,
        private_metadata=str(tier),
        title="Release settings",
        submit="Save",
        close="Cancel",
        blocks=[
            InputBlock(
                block_id=ReleaseIds.MANAGERS_BLOCK.value,
                label="Release managers (approve releases)",
                optional=True,
                hint="When nobody is listed, workspace admins approve.",
                element=UserMultiSelectElement(
                    action_id=ReleaseIds.MANAGERS_SELECT.value,
                    initial_users=list(managers) or None,
                ),
            ),
            InputBlock(
                block_id=ReleaseIds.ACK_GROUP_BLOCK.value,
                label="Customer-facing group (user group S… or channel C… id)",
                optional=True,
                element=PlainTextInputElement(
                    action_id=ReleaseIds.ACK_GROUP_INPUT.value,
                    initial_value=ack_group or None,
                    max_length=32,
                ),
            ),
            DividerBlock(),
            SectionBlock(
                block_id=ReleaseIds.SETTINGS_TIER_BLOCK.value,
                text=_md(
                    f"*Template of tier {tier}* · the others: "
                    + ", ".join(f"`/release settings {t}`" for t in templates if t != tier)
                ),
            ),
            InputBlock(
                block_id=ReleaseIds.TEMPLATE_NAME_BLOCK.value,
                label="Name",
                element=PlainTextInputElement(
                    action_id=ReleaseIds.TEMPLATE_NAME_INPUT.value,
                    initial_value=template.name,
                    max_length=60,
                ),
            ),
            InputBlock(
                block_id=ReleaseIds.TEMPLATE_EMOJI_BLOCK.value,
                label="Emoji",
                element=PlainTextInputElement(
                    action_id=ReleaseIds.TEMPLATE_EMOJI_INPUT.value,
                    initial_value=template.emoji,
                    max_length=60,
                ),
            ),
            InputBlock(
                block_id=ReleaseIds.TEMPLATE_SECTIONS_BLOCK.value,
                label="Required sections",
                element=StaticMultiSelectElement(
                    action_id=ReleaseIds.TEMPLATE_SECTIONS_SELECT.value,
                    options=section_options,
                    initial_options=[o for o in section_options if o.value in template.sections],
                ),
            ),
            InputBlock(
                block_id=ReleaseIds.TEMPLATE_CHANNELS_BLOCK.value,
                label="Default channels",
                optional=True,
                element=ChannelMultiSelectElement(
                    action_id=ReleaseIds.TEMPLATE_CHANNELS_SELECT.value,
                    initial_channels=list(template.default_channels) or None,
                ),
            ),
            InputBlock(
                block_id=ReleaseIds.TEMPLATE_FLAGS_BLOCK.value,
                label="Rules",
                optional=True,
                element=CheckboxesElement(
                    action_id=ReleaseIds.TEMPLATE_FLAGS_CHECKS.value,
                    options=flag_options,
                    initial_options=chosen_flags or None,
                ),
            ),
        ],
    )


# ---- roll-up, Home, help -------------------------------------------------------------------------


def build_rollup_message(rollup: Rollup) -> list[Block]:
    tiers = ", ".join(f"tier {t}: {n}" for t, n in sorted(rollup.by_tier.items())) or "none"
    rate = f"{rollup.ack_rate:.0%}" if rollup.ack_rate is not None else "n/a"
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=f"Releases in {rollup.month}", emoji=True)),
        SectionBlock(
            text=_md(
                f"*{len(rollup.releases)}* releases ({tiers}) · *{rollup.feedback_closed}* "
                f"feedback items closed · *{rollup.accounts_told}* accounts told · "
                f"acknowledged: *{rate}* ({rollup.acknowledged} of {rollup.to_acknowledge})"
            )
        ),
    ]
    lines = [
        f"• <!date^{int(r.published_at.timestamp())}^{{date_short}}|{r.published_at:%Y-%m-%d}> "
        f"tier {r.tier} · *{escape(r.title)}*" + (f" {escape(r.version)}" if r.version else "")
        for r in rollup.releases
    ]
    for piece in split_text("\n".join(lines), PIECE) if lines else []:
        blocks.append(SectionBlock(text=_md(piece)))
    return cap_blocks(blocks, MESSAGE_BLOCKS, more_label="parts")


def rollup_text(rollup: Rollup) -> str:
    return f"Releases in {rollup.month}: {len(rollup.releases)}"


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
            blocks.append(
                SectionBlock(text=_md(f"*{title}*\n" + "\n".join(line(v) for v in views)))
            )
    if len(blocks) == 1:
        blocks.append(SectionBlock(text=_md("No releases yet: `/release` opens the composer.")))
    return cap_blocks(blocks, HOME_BLOCKS)


def build_help_blocks() -> list[Block]:
    return [
        SectionBlock(
            text=_md(
                "*Release announcements*\n"
                "• `/release` opens the composer\n"
                "• `/release import owner/repo` or `owner/repo@v1.2.0` starts from a GitHub "
                "release\n"
                "• `/release settings` templates per tier, release managers (admins)\n"
                "• `/release help` this message"
            )
        )
    ]
