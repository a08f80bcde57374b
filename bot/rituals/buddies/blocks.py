"""Pure builders for every buddy message and modal (slack_sdk.models, validated by `to_dict()`).

Times are Slack date tokens, so each reader sees the call in their own time zone; the fallback
after `|` is written in the zone of the person the message is addressed to.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DatePickerElement,
    ExternalDataSelectElement,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    TimePickerElement,
    UrlInputElement,
)
from slack_sdk.models.views import View

from bot.rituals.buddies.domain import (
    CallOutcome,
    Group,
    ReminderKind,
    calendar_link,
    local_fallback,
)
from bot.rituals.buddies.forms import ModalMetadata
from bot.rituals.buddies.ids import BuddyIds
from bot.rituals.buddies.views import (
    CallView,
    ClaimResult,
    DigestView,
    EnrolResult,
    PairIntro,
    StatusView,
)
from bot.rituals.feedback.blocks import build_feedback_modal
from bot.rituals.feedback.domain import FeedbackDraft, Source
from bot.rituals.feedback.forms import FeedbackModalMetadata
from bot.slack.limits import (
    BUTTON_VALUE,
    HOME_BLOCKS,
    MESSAGE_BLOCKS,
    MODAL_TITLE,
    SECTION_TEXT,
    cap_blocks,
    clip,
)
from bot.slack.mrkdwn import escape

DIGEST_PMS = 60  # lines that fit one section (3,000 characters)

HELP_LINES = (
    "`/buddy` shows your buddy, your upcoming calls and your progress",
    "`/buddy join pm` or `/buddy join sales` enrols you; `/buddy leave` opts you out",
    "`/buddy snooze 2026-12-31` skips pairing until then; `/buddy snooze off` ends it",
    "`/buddy call` shares an upcoming customer call with your buddy PM",
    "Admins: `/buddy add @person pm|sales` (or a @user-group or #channel), "
    "`/buddy remove @person`, `/buddy target 2`",
)


def _md(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=clip(text, SECTION_TEXT))


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=_md(text))


def when(moment: datetime, time_zone: str) -> str:
    """A Slack date token: each reader's own local date and time."""
    fallback = local_fallback(moment, time_zone)
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} at {{time}}|{fallback}>"


def _people(user_ids: Sequence[str]) -> str:
    return ", ".join(f"<@{u}>" for u in user_ids)


# ---- /buddy ----------------------------------------------------------------------------------


def build_help(problem: str | None = None) -> list[Block]:
    blocks: list[Block] = []
    if problem:
        blocks.append(_section(f":thinking_face: {problem}"))
    blocks.append(
        _section("*PM / sales buddies*\n" + "\n".join(f"• {line}" for line in HELP_LINES))
    )
    return blocks


def build_status(view: StatusView, *, time_zone: str) -> list[Block]:
    """`/buddy` alone: where I stand, my buddy, my next calls, and the help."""
    if view.group is None or not view.active:
        return [
            _section("You're not in the PM / sales buddy programme yet."),
            *build_help(),
        ]
    lines = [f"You're in the *{view.group.label}* group."]
    if view.snoozed_until:
        lines.append(f":zzz: Snoozed until {view.snoozed_until}.")
    if view.buddies:
        who = "Your buddy PM" if view.group is Group.SALES else "Your reps this cycle"
        lines.append(f"{who}: {_people(view.buddies)}")
    else:
        lines.append("No buddy yet: pairing runs at the start of each cycle.")
    if view.progress is not None:
        lines.append(
            f"Calls joined this month: *{view.progress.joined}* of {view.progress.target}."
        )
    blocks: list[Block] = [_section("\n".join(lines))]
    blocks.append(_section(_upcoming_text(view.upcoming, time_zone)))
    blocks += build_help()
    return blocks


def _upcoming_text(calls: Sequence[CallView], time_zone: str) -> str:
    if not calls:
        return "*Upcoming calls*\nNone yet. Reps share one with `/buddy call`."
    lines = [
        f"• {when(c.starts_at, time_zone)}: *{escape(c.account_name)}*"
        + (f" with <@{c.owner_user_id}>" if c.owner_user_id else " (nobody has joined yet)")
        for c in calls
    ]
    return "*Upcoming calls*\n" + "\n".join(lines)


def enrol_text(result: EnrolResult, *, verb: str) -> str:
    parts = []
    if result.changed:
        parts.append(f"{verb}: {_people(result.changed)}.")
    if result.unchanged:
        parts.append(f"No change for {_people(result.unchanged)}.")
    if result.departed:
        parts.append(f"Skipped (left the workspace): {_people(result.departed)}.")
    return " ".join(parts) or "Nothing changed."


# ---- pairing ---------------------------------------------------------------------------------


def intro_text(intro: PairIntro) -> str:
    return (
        f"You're buddies this cycle: <@{intro.rep_user_id}> (sales) and <@{intro.pm_user_id}> (PM)"
    )


def why_paired(intro: PairIntro) -> str:
    hours = intro.shared_hours
    overlap = (
        f"{hours:g} h of shared working hours"
        if hours > 0
        else "no shared working hours, so plan calls a little ahead"
    )
    if intro.last_together:
        return f"{overlap}; you last worked together in {cycle_label(intro.last_together)}"
    return f"{overlap}; you haven't been paired before"


def build_intro(intro: PairIntro) -> list[Block]:
    return [
        _section(f":handshake: *{intro_text(intro)}*"),
        _section(f"Why you two: {why_paired(intro)}."),
        _section(
            f"<@{intro.rep_user_id}>, when you have a customer call coming up, share it with "
            f"`/buddy call` (account, time, link): <@{intro.pm_user_id}> gets a note with "
            "*I'll join* / *Can't make it*, and reminders arrive in each of your time zones."
        ),
    ]


def cycle_label(cycle: str) -> str:
    """`2026-03` reads "March 2026"; other cycle keys (a run-now's) stay as they are."""
    try:
        return datetime.strptime(cycle, "%Y-%m").strftime("%B %Y")
    except ValueError:
        return cycle


def departure_text(user_id: str) -> str:
    return (
        f":wave: <@{user_id}> has left the workspace, so I took them out of the buddy pool. "
        "Their calls stay in the export."
    )


# ---- calls -----------------------------------------------------------------------------------


def build_call_modal(*, time_zone: str, metadata: ModalMetadata) -> View:
    return View(
        type="modal",
        callback_id=BuddyIds.CALL_MODAL.value,
        title=clip("Share a customer call", MODAL_TITLE),
        submit="Share",
        close="Cancel",
        private_metadata=metadata.to_json(),
        blocks=[
            InputBlock(
                block_id=BuddyIds.ACCOUNT_BLOCK.value,
                label="Account",
                hint="Start typing; a name we don't know yet creates the account.",
                element=ExternalDataSelectElement(
                    action_id=BuddyIds.ACCOUNT_SELECT.value,
                    placeholder="Acme Corp",
                    min_query_length=1,
                ),
            ),
            InputBlock(
                block_id=BuddyIds.DAY_BLOCK.value,
                label="Date",
                element=DatePickerElement(action_id=BuddyIds.DAY_INPUT.value),
            ),
            InputBlock(
                block_id=BuddyIds.TIME_BLOCK.value,
                label="Time",
                hint=f"In your time zone ({time_zone}).",
                element=TimePickerElement(action_id=BuddyIds.TIME_INPUT.value, timezone=time_zone),
            ),
            InputBlock(
                block_id=BuddyIds.TOPIC_BLOCK.value,
                label="Topic",
                optional=True,
                element=PlainTextInputElement(
                    action_id=BuddyIds.TOPIC_INPUT.value,
                    max_length=500,
                    placeholder="Renewal, onboarding review, …",
                ),
            ),
            InputBlock(
                block_id=BuddyIds.LINK_BLOCK.value,
                label="Meeting link",
                element=UrlInputElement(action_id=BuddyIds.LINK_INPUT.value),
            ),
        ],
    )


def _call_lines(call: CallView, time_zone: str) -> str:
    topic = f"\n_{escape(call.topic)}_" if call.topic else ""
    return (
        f"*{escape(call.account_name)}* with <@{call.rep_user_id}>\n"
        f":calendar: {when(call.starts_at, time_zone)}{topic}"
    )


def _calendar_url(call: CallView) -> str:
    return calendar_link(
        title=f"Customer call: {call.account_name}",
        starts_at=call.starts_at,
        details=call.topic or "Buddy call shared in Slack",
        location=call.link,
    )


def _links(call: CallView) -> list[ButtonElement]:
    return [
        ButtonElement(text="Open meeting link", action_id=BuddyIds.MEETING.value, url=call.link),
        ButtonElement(
            text="Add to calendar", action_id=BuddyIds.CALENDAR.value, url=_calendar_url(call)
        ),
    ]


def _answer_buttons(call: CallView) -> ActionsBlock:
    value = clip(str(call.call_id), BUTTON_VALUE)
    return ActionsBlock(
        elements=[
            ButtonElement(
                text="I'll join", action_id=BuddyIds.JOIN.value, value=value, style="primary"
            ),
            ButtonElement(text="Can't make it", action_id=BuddyIds.DECLINE.value, value=value),
        ]
    )


def ask_text(call: CallView) -> str:
    return (
        f"<@{call.rep_user_id}> shared a customer call with {escape(call.account_name)}: "
        "can you join?"
    )


def build_ask(call: CallView, *, time_zone: str) -> list[Block]:
    """To the rep's buddy PM."""
    return [
        _section(f":telephone_receiver: Your buddy <@{call.rep_user_id}> has a customer call."),
        _section(_call_lines(call, time_zone)),
        _answer_buttons(call),
        ActionsBlock(elements=_links(call)[1:]),
    ]


def offer_text(call: CallView) -> str:
    return f"A customer call with {escape(call.account_name)} needs a PM: first to claim it joins."


def build_offer(call: CallView, *, time_zone: str) -> list[Block]:
    """To every PM with room, when the buddy declined or did not answer (or there is none)."""
    return [
        _section(
            ":raising_hand: A customer call needs a PM. You have room this month; "
            "the first to click *I'll join* gets it."
        ),
        _section(_call_lines(call, time_zone)),
        _answer_buttons(call),
    ]


def claimed_text(call: CallView) -> str:
    return f"<@{call.owner_user_id}> will join your call with {escape(call.account_name)}."


def build_claimed(call: CallView, *, time_zone: str) -> list[Block]:
    """To the rep once a PM joins."""
    return [
        _section(f":white_check_mark: {claimed_text(call)}"),
        _section(_call_lines(call, time_zone)),
        ActionsBlock(elements=_links(call)),
    ]


def build_claim_answer(result: ClaimResult, *, time_zone: str) -> list[Block]:
    """Replaces the clicked message: who has the call now."""
    call = result.call
    if result.won:
        head = (
            ":white_check_mark: You're joining. "
            "I'll remind you the day before and 15 minutes before."
        )
        return [
            _section(head),
            _section(_call_lines(call, time_zone)),
            ActionsBlock(elements=_links(call)),
        ]
    return [
        _section(f"Thanks! <@{result.owner_user_id}> already joined this call."),
        _section(_call_lines(call, time_zone)),
    ]


def build_declined_answer(call: CallView, *, offered: bool, time_zone: str) -> list[Block]:
    note = (
        "No problem: I've offered it to the other PMs with room this month."
        if offered
        else "No problem, noted."
    )
    return [_section(note), _section(_call_lines(call, time_zone))]


def call_shared_text(call: CallView) -> str:
    if call.buddy_user_id:
        return (
            f":telephone_receiver: Shared. I've asked your buddy <@{call.buddy_user_id}> to join "
            f"your call with *{escape(call.account_name)}*."
        )
    return (
        f":telephone_receiver: Shared. You don't have a buddy PM yet, so I've offered your call "
        f"with *{escape(call.account_name)}* to every PM with room this month."
    )


# ---- reminders -------------------------------------------------------------------------------


def reminder_text(call: CallView, kind: ReminderKind) -> str:
    if kind is ReminderKind.DAY_BEFORE:
        return f"Tomorrow: customer call with {escape(call.account_name)}"
    if kind is ReminderKind.SOON:
        return f"In 15 minutes: customer call with {escape(call.account_name)}"
    return f"How did the call with {escape(call.account_name)} go?"


def build_reminder(call: CallView, kind: ReminderKind, *, time_zone: str) -> list[Block]:
    if kind is ReminderKind.AFTER:
        return build_after(call, time_zone=time_zone)
    icon = ":alarm_clock:" if kind is ReminderKind.SOON else ":spiral_calendar_pad:"
    partner = f" <@{call.owner_user_id}> joins." if call.owner_user_id else ""
    return [
        _section(f"{icon} *{reminder_text(call, kind)}*.{partner}"),
        _section(_call_lines(call, time_zone)),
        ActionsBlock(elements=_links(call)),
    ]


def build_after(call: CallView, *, time_zone: str) -> list[Block]:
    value = str(call.call_id)
    return [
        _section(
            f":memo: *{reminder_text(call, ReminderKind.AFTER)}* Capture what the customer "
            "said while it is fresh: it becomes feedback on the account."
        ),
        _section(_call_lines(call, time_zone)),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Capture takeaways",
                    action_id=BuddyIds.TAKEAWAYS.value,
                    value=value,
                    style="primary",
                )
            ]
        ),
        _section("*Did it happen?*"),
        ActionsBlock(
            block_id=f"{BuddyIds.OUTCOME.value}-{call.call_id}",
            elements=[
                ButtonElement(
                    text=outcome.label,
                    action_id=f"{BuddyIds.OUTCOME.value}-{outcome.value}",
                    value=f"{call.call_id}:{outcome.value}",
                )
                for outcome in CallOutcome
            ],
        ),
    ]


def outcome_answer(call: CallView) -> list[Block]:
    label = call.outcome.label if call.outcome else "Noted"
    return [_section(f"Thanks: *{label}* recorded for the call with {escape(call.account_name)}.")]


def build_takeaway_modal(
    call: CallView, *, areas: Sequence[str], user_id: str, channel_id: str | None
) -> View:
    """The feedback ritual's own form, prefilled with the call's account and source "call", but
    submitted to this ritual so the item is linked to the call."""
    view = build_feedback_modal(
        areas=areas,
        metadata=FeedbackModalMetadata(),
        submitter=user_id,
        draft=FeedbackDraft(
            text="", account_name=call.account_name, source=Source.CALL, on_behalf_of=user_id
        ),
    )
    view.callback_id = BuddyIds.TAKEAWAY_MODAL.value
    view.title = PlainTextObject(text=clip("Call takeaways", MODAL_TITLE))
    view.private_metadata = ModalMetadata(channel_id=channel_id, call_id=call.call_id).to_json()
    view.blocks = [
        ContextBlock(elements=[_md(f"From your call with *{escape(call.account_name)}*.")]),
        *(view.blocks or []),
    ]
    return view


def takeaway_saved_text(item_id: int, call: CallView) -> str:
    return (
        f":bulb: Saved as feedback #{item_id} on *{escape(call.account_name)}* "
        "(source: call). Add another with the same button."
    )


# ---- digest and home -------------------------------------------------------------------------


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


def account_options(names: Sequence[str], typed: str) -> list[Option]:
    """The feedback ritual's account type-ahead options (known names, then "Create …")."""
    from bot.rituals.feedback.blocks import build_account_options

    return build_account_options(names, typed)
