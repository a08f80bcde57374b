"""The two scheduled runs of the reporting ritual, as `RitualRunner`s.

`ops-report` composes the numbers for each configured channel (through the outbox, once per
period and channel); once the message is sent, `after_delivery` uploads the charts into its
thread with Slack's external upload flow, guarded by the upload row so a repeated hook or a
restart uploads nothing twice. `pulse-survey` addresses people, not channels: `targets` gives
one DM per person, keyed by the survey's period.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.outbox.domain import OutgoingPost, OutgoingTarget
from bot.rituals.reporting.blocks import (
    CHARTS_COMMENT,
    SURVEY_TEXT,
    build_report_blocks,
    build_survey_blocks,
    report_text,
)
from bot.rituals.reporting.domain import REPORT_PART
from bot.rituals.reporting.ids import ReportingRituals
from bot.rituals.reporting.service import ReportingService
from bot.slack.client import acting_for

logger = logging.getLogger(__name__)

SURVEY_PART = "survey"


class OpsReportRunner:
    name = ReportingRituals.OPS_REPORT.value

    def __init__(self, *, service: ReportingService, client: WebClient) -> None:
        self._service = service
        self._client = client

    def compose(
        self,
        *,
        team_id: str,
        channel_id: str,
        period: str,
        options: dict[str, Any],
        now: datetime,
    ) -> list[OutgoingPost]:
        report = self._service.prepare_report(
            team_id=team_id, channel_id=channel_id, period=period, now=now
        )
        blocks = [block.to_dict() for block in build_report_blocks(report)]
        return [OutgoingPost(part=REPORT_PART, text=report_text(report), blocks=blocks)]

    def after_delivery(
        self, *, team_id: str, channel_id: str, period: str, sent: dict[str, str], now: datetime
    ) -> None:
        ts = sent.get(REPORT_PART)
        if ts:
            self.upload_charts(
                team_id=team_id, channel_id=channel_id, period=period, ts=ts, now=now
            )

    def upload_charts(
        self, *, team_id: str, channel_id: str, period: str, ts: str, now: datetime
    ) -> bool:
        """Uploads the charts into the report's thread unless that was done; True when this
        call uploaded them. A Slack error releases the claim so a later round may retry."""
        job = self._service.claim_upload(
            team_id=team_id, period=period, channel_id=channel_id, now=now
        )
        if job is None:
            return False
        charts = self._service.charts(job)
        try:
            with acting_for(team_id):  # the workspace's own token in multi-workspace mode
                response = self._client.files_upload_v2(
                    file_uploads=[
                        {"file": chart.png, "filename": chart.filename, "title": chart.title}
                        for chart in charts
                    ],
                    channel=channel_id,
                    thread_ts=ts,
                    initial_comment=CHARTS_COMMENT,
                    request_file_info=False,
                )
        except SlackApiError as error:
            logger.warning(
                "ops report charts not uploaded: team=%s channel=%s error=%s",
                team_id,
                channel_id,
                error.response.get("error"),
            )
            self._service.release_upload(job)
            return False
        file_ids = [str(f.get("id")) for f in response.get("files") or []]
        self._service.finish_upload(job, file_ids=file_ids, now=now)
        logger.info(
            "ops report charts uploaded: team=%s channel=%s files=%s", team_id, channel_id, file_ids
        )
        return True

    def retry_pending(
        self, *, now: datetime, sent_ts: Callable[[str, str, str], str | None]
    ) -> None:
        """Housekeeping: charts of reports whose message was sent but whose upload never
        finished (a crash between the post and the upload). `sent_ts(team, period, channel)`
        is the report message's ts, or None while it is not sent."""
        for team_id, period, channel_id in self._service.pending_uploads(now=now):
            ts = sent_ts(team_id, period, channel_id)
            if ts:
                self.upload_charts(
                    team_id=team_id, channel_id=channel_id, period=period, ts=ts, now=now
                )


class PulseSurveyRunner:
    name = ReportingRituals.PULSE_SURVEY.value

    def __init__(self, *, service: ReportingService) -> None:
        self._service = service

    def compose(
        self,
        *,
        team_id: str,
        channel_id: str,
        period: str,
        options: dict[str, Any],
        now: datetime,
    ) -> list[OutgoingPost]:
        # Never called: the dispatcher uses `targets` (one DM per person) when it exists.
        return []

    def targets(
        self, *, team_id: str, period: str, options: dict[str, Any], now: datetime
    ) -> list[OutgoingTarget]:
        invite = self._service.open_survey(team_id=team_id, period=period, now=now)
        blocks = [
            block.to_dict()
            for block in build_survey_blocks(survey_id=invite.survey_id, closes_at=invite.closes_at)
        ]
        return [
            OutgoingTarget(
                channel_id=user_id,
                posts=[OutgoingPost(part=SURVEY_PART, text=SURVEY_TEXT, blocks=blocks)],
                period=period,
            )
            for user_id in invite.user_ids
        ]
