"""Schedule rules as APScheduler cron triggers: the one module of `scheduling` that knows
APScheduler's trigger types (the domain stays pure; the scheduler and the service use these)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from bot.scheduling.domain import WEEKDAYS, ScheduleKind, ScheduleRule, ScheduleView


def cron_rule(expression: str) -> ScheduleRule:
    """A rule from a crontab line (minute hour day month weekday); ValueError when invalid."""
    expression = " ".join(expression.split())
    try:
        CronTrigger.from_crontab(expression, timezone=ZoneInfo("UTC"))
    except (ValueError, KeyError) as error:
        raise ValueError(f"'{expression}' is not a cron expression: {error}") from error
    return ScheduleRule(ScheduleKind.CRON, cron=expression)


def cron_trigger(rule: ScheduleRule, zone: ZoneInfo) -> CronTrigger:
    """The trigger firing `rule` at local times of `zone` (DST handled by APScheduler)."""
    if rule.kind is ScheduleKind.CRON:
        return CronTrigger.from_crontab(rule.cron or "", timezone=zone)
    at = rule.at or time(9, 0)
    if rule.kind is ScheduleKind.WEEKLY:
        return CronTrigger(
            day_of_week=WEEKDAYS[rule.weekday or 0],
            hour=at.hour,
            minute=at.minute,
            timezone=zone,
        )
    day: str | int = "last" if rule.day_of_month == -1 else (rule.day_of_month or 1)
    return CronTrigger(day=day, hour=at.hour, minute=at.minute, timezone=zone)


def slot_key(rule: ScheduleRule) -> str:
    """The rule as a short stable text ("weekly mon 09:00", "monthly last 09:00", "cron
    */15 9 * * *"): schedules with equal keys in one zone fire at exactly the same instants."""
    if rule.kind is ScheduleKind.CRON:
        return f"cron {rule.cron or ''}"
    at = f"{rule.at or time(9, 0):%H:%M}"
    if rule.kind is ScheduleKind.WEEKLY:
        return f"weekly {WEEKDAYS[rule.weekday or 0]} {at}"
    day = "last" if rule.day_of_month == -1 else str(rule.day_of_month or 1)
    return f"monthly {day} {at}"


def next_fire(trigger: CronTrigger, after: datetime) -> datetime | None:
    fired: datetime | None = trigger.get_next_fire_time(None, after)
    return fired


def latest_fire(trigger: CronTrigger, *, now: datetime, within: timedelta) -> datetime | None:
    """The last planned firing in [now - within, now], or None (the misfire window)."""
    found: datetime | None = None
    candidate = next_fire(trigger, now - within)
    while candidate is not None and candidate <= now:
        found = candidate
        candidate = next_fire(trigger, candidate + timedelta(seconds=1))
    return found


def next_run(schedule: ScheduleView, now: datetime) -> datetime | None:
    """The schedule's next firing after `now`, in its local time (None when paused)."""
    if not schedule.enabled:
        return None
    zone = ZoneInfo(schedule.time_zone)
    fired = next_fire(cron_trigger(schedule.rule, zone), now)
    return fired.astimezone(zone) if fired else None
