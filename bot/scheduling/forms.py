"""Parsing the settings modal and `/ops run` text into typed values (pure)."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from bot.scheduling.domain import ScheduleInputError, ScheduleRule
from bot.scheduling.ids import ScheduleIds as Ids
from bot.scheduling.triggers import cron_rule
from bot.slack.mrkdwn import escape


@dataclass(frozen=True)
class ScheduleForm:
    ritual: str
    key: str
    channel_ids: list[str]
    rule: ScheduleRule
    time_zone: str | None
    enabled: bool


def _value(values: dict[str, Any], block: Ids) -> dict[str, Any]:
    return dict((values.get(block.value) or {}).get(block.value) or {})


def parse_schedule_form(values: dict[str, Any], ritual_names: Collection[str]) -> ScheduleForm:
    """Reads `view.state.values`; raises ScheduleInputError keyed by block id on bad input.
    `ritual_names` are the installed rituals' scheduled names."""
    errors: dict[str, str] = {}
    ritual = (_value(values, Ids.RITUAL).get("selected_option") or {}).get("value") or ""
    if ritual not in ritual_names:
        errors[Ids.RITUAL.value] = "Pick a ritual."
    channels = list(_value(values, Ids.CHANNELS).get("selected_conversations") or [])
    weekday = (_value(values, Ids.WEEKDAY).get("selected_option") or {}).get("value")
    at = _value(values, Ids.TIME).get("selected_time") or "09:00"
    cron = (_value(values, Ids.CRON).get("value") or "").strip()
    day = (_value(values, Ids.DAY_OF_MONTH).get("value") or "").strip()
    zone = (_value(values, Ids.TIME_ZONE).get("value") or "").strip() or None
    key = " ".join((_value(values, Ids.KEY).get("value") or "").split())[:40] or "default"
    paused = bool(_value(values, Ids.PAUSED).get("selected_options"))
    rule: ScheduleRule | None = None
    try:
        if cron:
            rule = cron_rule(cron)
        elif day:
            rule = ScheduleRule.monthly(day, at)
        else:
            rule = ScheduleRule.weekly(weekday or "mon", at)
    except ValueError as error:
        field = Ids.CRON if cron else Ids.DAY_OF_MONTH if day else Ids.TIME
        errors[field.value] = str(error)[:150]
    if not channels:
        errors[Ids.CHANNELS.value] = "Pick at least one channel."
    if errors or rule is None:
        raise ScheduleInputError(errors)
    return ScheduleForm(ritual, key, channels, rule, zone, not paused)


@dataclass(frozen=True)
class RunRequest:
    ritual: str
    channel_ids: list[str] | None


def parse_run_args(args: tuple[str, ...], ritual_names: Collection[str]) -> RunRequest:
    """`/ops run <ritual> [#channel ...]`: channels arrive escaped as <#C123|name>."""
    names = set(ritual_names)
    if not args or args[0].lower() not in names:
        known = ", ".join(f"`{n}`" for n in sorted(names))
        asked = f"I don't know `{escape(args[0][:40]).replace('`', '')}`. " if args else ""
        raise ScheduleInputError({"ritual": f"{asked}Say which ritual to run: {known}"})
    channels = [m.group(1) for a in args[1:] if (m := re.match(r"<#(C[A-Z0-9]+)", a))]
    return RunRequest(args[0].lower(), channels or None)
