"""Slack ids of the schedule settings modal and `/ops` subcommands, defined once."""

from enum import StrEnum


class ScheduleIds(StrEnum):
    MODAL = "schedules-settings"
    RITUAL = "ritual"
    CHANNELS = "channels"
    WEEKDAY = "weekday"
    TIME = "time"
    CRON = "cron"
    DAY_OF_MONTH = "day_of_month"
    TIME_ZONE = "time_zone"
    PAUSED = "paused"
    PAUSED_VALUE = "paused"
    COMMAND = "/ops"
    KEY = "schedule_key"
    SECTIONS_BLOCK = "ops-settings-sections"
    SECTION_BUTTON = "ops-settings-section"  # + ":<section key>", one button per section
