"""The reporting ritual as `bot.rituals.installed` lists it: the monthly `ops-report` (the
stats with PNG charts in its thread) and the quarterly `pulse-survey` (a DM per person)."""

from __future__ import annotations

from datetime import datetime

from slack_bolt import App

from bot.rituals.contract import Ritual, RitualDeps, RitualParts, ScheduledRitual, SlackDeps
from bot.rituals.reporting import listeners, models
from bot.rituals.reporting.domain import REPORT_PART, ReportingOptions
from bot.rituals.reporting.ids import ReportingRituals
from bot.rituals.reporting.runners import OpsReportRunner, PulseSurveyRunner
from bot.rituals.reporting.service import ReportingService
from bot.stats.service import StatsService, buddy_target_from, sla_days_from


def build(deps: RitualDeps) -> RitualParts:
    options = deps.options("reporting", ReportingOptions)
    stats = StatsService(
        sessions=deps.sessions,
        sla_days=sla_days_from(deps.provided, deps.settings.triage_sla_days),
        calls_target=buddy_target_from(deps.provided),
    )
    service = ReportingService(
        sessions=deps.sessions, stats=stats, workspaces=deps.workspaces, options=options
    )
    report = OpsReportRunner(service=service, client=deps.client)

    def register(app: App, slack: SlackDeps) -> None:
        listeners.register(app, service=service, clock=slack.clock, after_ack=slack.after_ack)

    def sent_ts(team_id: str, period: str, channel_id: str) -> str | None:
        return deps.outbox.sent_message(
            team_id=team_id,
            ritual=ReportingRituals.OPS_REPORT.value,
            period=period,
            channel_id=channel_id,
            part=REPORT_PART,
        )

    def retry_uploads(now: datetime) -> None:
        report.retry_pending(now=now, sent_ts=sent_ts)

    return RitualParts(
        register=register,
        runners=[report, PulseSurveyRunner(service=service)],
        housekeeping=[retry_uploads],
        provides=[service],
    )


REPORTING = Ritual(
    key="reporting",
    title="Ops report and pulse survey",
    emoji=":bar_chart:",
    summary=(
        "Measures product ops itself: a monthly report with charts of time to insight and "
        "time to triage, and a quarterly two-question pulse survey."
    ),
    help_lines=(
        "`/ops stats [7d|30d|quarter]` shows the numbers privately",
        "`ops-report`: schedule it monthly in `/ops settings` (charts in its thread)",
        "`pulse-survey`: schedule it quarterly (a cron like `0 9 1 1,4,7,10 *`)",
    ),
    build=build,
    models=models,
    scheduled=(
        ScheduledRitual(ReportingRituals.OPS_REPORT.value, "monthly ops report with charts"),
        ScheduledRitual(ReportingRituals.PULSE_SURVEY.value, "quarterly pulse survey by DM"),
    ),
    scopes=("files:write",),  # the report's charts (files.getUploadURLExternal / complete)
)
