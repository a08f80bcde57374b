"""Builders for the schedule settings modal and `/ops run` answers (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    ConversationMultiSelectElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
    TimePickerElement,
)
from slack_sdk.models.views import View

from bot.scheduling.domain import (
    WEEKDAY_NAMES,
    WEEKDAYS,
    RunResult,
    ScheduleSettings,
    ScheduleView,
)
from bot.scheduling.ids import ScheduleIds as Ids
from bot.slack.limits import ACTIONS_ELEMENTS, BUTTON_TEXT, MODAL_BLOCKS, SECTION_TEXT, clip
from bot.slack.modals import modal
from bot.slack.mrkdwn import escape


def build_settings_modal(
    settings: ScheduleSettings, *, sections: Sequence[tuple[str, str]] = ()
) -> View:
    """The schedules form, below one button per ritual settings section ((key, label) pairs)."""
    schedules, workspace_zone = settings.schedules, settings.workspace_zone
    rituals = [Option(value=name, text=name) for name in settings.ritual_names]
    weekdays = [
        Option(value=key, text=name) for key, name in zip(WEEKDAYS, WEEKDAY_NAMES, strict=True)
    ]
    blocks: list[Block] = []
    if sections:
        blocks.append(
            ActionsBlock(
                block_id=Ids.SECTIONS_BLOCK.value,
                elements=[
                    ButtonElement(
                        text=clip(label, BUTTON_TEXT),
                        action_id=f"{Ids.SECTION_BUTTON.value}:{key}",
                        value=key,
                    )
                    for key, label in sections[:ACTIONS_ELEMENTS]
                ],
            )
        )
    blocks += [
        SectionBlock(
            text=MarkdownTextObject(
                text=clip(_current(schedules, settings.next_runs), SECTION_TEXT)
            )
        ),
        InputBlock(
            block_id=Ids.RITUAL.value,
            label="Ritual",
            element=StaticSelectElement(
                action_id=Ids.RITUAL.value, options=rituals, initial_option=rituals[0]
            ),
        ),
        InputBlock(
            block_id=Ids.KEY.value,
            label="Schedule name",
            optional=True,
            hint="Several schedules per ritual: give each a name (e.g. one per product area)",
            element=PlainTextInputElement(action_id=Ids.KEY.value, max_length=40),
        ),
        InputBlock(
            block_id=Ids.CHANNELS.value,
            label="Post in",
            element=ConversationMultiSelectElement(
                action_id=Ids.CHANNELS.value, placeholder="Channels (invite @opsbot first)"
            ),
        ),
        InputBlock(
            block_id=Ids.WEEKDAY.value,
            label="Weekly on",
            optional=True,
            element=StaticSelectElement(
                action_id=Ids.WEEKDAY.value, options=weekdays, initial_option=weekdays[0]
            ),
        ),
        InputBlock(
            block_id=Ids.TIME.value,
            label="At (local time)",
            optional=True,
            element=TimePickerElement(action_id=Ids.TIME.value, initial_time="09:00"),
        ),
        InputBlock(
            block_id=Ids.DAY_OF_MONTH.value,
            label="Or monthly on day",
            optional=True,
            hint="1-31 or last; replaces the weekday",
            element=PlainTextInputElement(action_id=Ids.DAY_OF_MONTH.value, max_length=4),
        ),
        InputBlock(
            block_id=Ids.CRON.value,
            label="Or a cron expression",
            optional=True,
            hint="minute hour day month weekday, e.g. 0 9 * * 1; replaces the above",
            element=PlainTextInputElement(action_id=Ids.CRON.value, max_length=100),
        ),
        InputBlock(
            block_id=Ids.TIME_ZONE.value,
            label="Time zone",
            optional=True,
            hint=f"IANA name, e.g. Europe/Berlin; empty: the workspace's ({workspace_zone})",
            element=PlainTextInputElement(action_id=Ids.TIME_ZONE.value, max_length=64),
        ),
        InputBlock(
            block_id=Ids.PAUSED.value,
            label="Pause",
            optional=True,
            element=CheckboxesElement(
                action_id=Ids.PAUSED.value,
                options=[Option(value=Ids.PAUSED_VALUE.value, text="Paused")],
            ),
        ),
    ]
    return modal(
        callback_id=Ids.MODAL.value,
        title="Ritual schedules",
        submit="Save",
        close="Cancel",
        blocks=blocks[:MODAL_BLOCKS],
    )


def _current(schedules: list[ScheduleView], next_runs: dict[int, datetime | None]) -> str:
    if not schedules:
        return "*No schedules yet.* Pick a ritual, its channels and when it runs."
    lines = ["*Current schedules* (saving one with the same ritual and name replaces it):"]
    for schedule in schedules[:20]:
        upcoming = next_runs.get(schedule.id)
        when = f"next {upcoming:%a %d %b %H:%M} {schedule.time_zone}" if upcoming else "paused"
        channels = " ".join(f"<#{c}>" for c in schedule.channel_ids[:10])
        name = "" if schedule.key == "default" else f" ({escape(schedule.key)})"
        lines.append(
            f"• `{schedule.ritual}`{name} {schedule.rule.describe()} in {channels}: {when}"
        )
    return "\n".join(lines)


def build_saved_text(schedule: ScheduleView, upcoming: datetime | None) -> str:
    when = f"next run {upcoming:%a %d %b %H:%M} ({schedule.time_zone})" if upcoming else "paused"
    return f":white_check_mark: `{schedule.ritual}` {schedule.rule.describe()}: {when}."


def build_not_saved_text(errors: dict[str, str]) -> str:
    """Problems found after the modal closed (channels are checked with Slack after the ack)."""
    problems = "\n".join(f"• {message}" for message in errors.values())
    return clip(
        f":warning: Your schedule was *not saved*:\n{problems}\n"
        "Fix this, then save it again with `/ops settings`.",
        SECTION_TEXT,
    )


def build_run_refused_text(ritual: str, last: datetime, gap: timedelta, now: datetime) -> str:
    wait = max(1, int((last + gap - now).total_seconds() // 60) + 1)
    return (
        f":hourglass: `{ritual}` was run on demand {int((now - last).total_seconds() // 60)} "
        f"minute(s) ago; run it again in about {wait} minute(s)."
    )


def build_run_text(result: RunResult) -> str:
    if not result.enqueued and not result.skipped:
        return f"`{result.ritual}` has no channels: set them with `/ops settings`."
    return (
        f":arrow_forward: `{result.ritual}` is running now: {result.posts} post(s) on their way "
        f"to {len(result.enqueued)} channel(s)."
    )


def build_run_blocks(result: RunResult) -> list[Block]:
    return [ContextBlock(elements=[MarkdownTextObject(text=build_run_text(result))])]
