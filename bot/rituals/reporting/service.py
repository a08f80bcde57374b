"""Reporting use cases: the ops report (its numbers and the once-only chart upload) and the
pulse survey (who is asked, one answer per person and survey). Each owns its unit of work and
takes the clock as an argument."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.db import Sessions
from bot.errors import UserFacingError
from bot.rituals.reporting import queries
from bot.rituals.reporting.charts import Chart, render_charts
from bot.rituals.reporting.domain import (
    AnswerChange,
    AnswerResult,
    NotInvitedError,
    Question,
    ReportingOptions,
    SurveyClosedError,
    clean_comment,
)
from bot.rituals.reporting.models import PulseInvitee, PulseSurvey
from bot.stats.domain import StatsPeriod, StatsReport
from bot.stats.service import StatsService
from bot.workspace.service import WorkspaceService

logger = logging.getLogger(__name__)

# An upload claimed this long ago and never finished was interrupted (a crash): try again.
UPLOAD_ABANDONED_AFTER = timedelta(minutes=15)
# Charts are retried this long after the report was composed; later they would be news to no one.
UPLOAD_RETRY_FOR = timedelta(days=3)


class SurveyNotFoundError(UserFacingError):
    def __init__(self) -> None:
        super().__init__("I cannot find this pulse survey any more.")


@dataclass(frozen=True)
class UploadJob:
    team_id: str
    period: str
    channel_id: str
    as_of: datetime
    stats_period: StatsPeriod


@dataclass(frozen=True)
class SurveyInvite:
    survey_id: int
    closes_at: datetime
    user_ids: list[str]


class ReportingService:
    def __init__(
        self,
        *,
        sessions: Sessions,
        stats: StatsService,
        workspaces: WorkspaceService,
        options: ReportingOptions,
    ) -> None:
        self._sessions = sessions
        self._stats = stats
        self._workspaces = workspaces
        self.options = options

    # ---- ops report ----------------------------------------------------------------------
    def prepare_report(
        self, *, team_id: str, channel_id: str, period: str, now: datetime
    ) -> StatsReport:
        """The report's numbers, measured as of the first time this report was composed for
        the channel. Side effect: the upload guard row (team, period, channel), once."""
        self._workspaces.ensure_workspace(team_id=team_id, now=now)
        with self._sessions.begin() as session:
            queries.add_upload_once(
                session,
                team_id=team_id,
                period=period,
                channel_id=channel_id,
                stats_period=self.options.report_period.value,
                as_of=now,
            )
            row = queries.upload_row(session, team_id=team_id, period=period, channel_id=channel_id)
            assert row is not None
            as_of, stats_period = row.as_of, StatsPeriod(row.stats_period)
        return self._stats.report(team_id=team_id, period=stats_period, now=as_of)

    def claim_upload(
        self, *, team_id: str, period: str, channel_id: str, now: datetime
    ) -> UploadJob | None:
        """The chart upload to do now, or None when it was done (or is being done) already."""
        with self._sessions.begin() as session:
            won = queries.claim_upload(
                session,
                team_id=team_id,
                period=period,
                channel_id=channel_id,
                now=now,
                abandoned_before=now - UPLOAD_ABANDONED_AFTER,
            )
            if not won:
                return None
            row = queries.upload_row(session, team_id=team_id, period=period, channel_id=channel_id)
            assert row is not None
            return UploadJob(team_id, period, channel_id, row.as_of, StatsPeriod(row.stats_period))

    def charts(self, job: UploadJob) -> list[Chart]:
        series = self._stats.weekly_series(
            team_id=job.team_id, now=job.as_of, weeks=self.options.chart_weeks
        )
        return render_charts(series)

    def finish_upload(self, job: UploadJob, *, file_ids: Sequence[str], now: datetime) -> None:
        with self._sessions.begin() as session:
            row = queries.upload_row(
                session, team_id=job.team_id, period=job.period, channel_id=job.channel_id
            )
            if row is not None:
                row.uploaded_at = now
                row.file_ids = list(file_ids)

    def release_upload(self, job: UploadJob) -> None:
        """A failed upload may be tried again (by the next housekeeping round)."""
        with self._sessions.begin() as session:
            row = queries.upload_row(
                session, team_id=job.team_id, period=job.period, channel_id=job.channel_id
            )
            if row is not None and row.uploaded_at is None:
                row.claimed_at = None

    def pending_uploads(self, *, now: datetime) -> list[tuple[str, str, str]]:
        """(team, period, channel) of recent reports whose charts are not uploaded yet."""
        with self._sessions() as session:
            return queries.pending_uploads(session, since=now - UPLOAD_RETRY_FOR)

    # ---- pulse survey --------------------------------------------------------------------
    def open_survey(self, *, team_id: str, period: str, now: datetime) -> SurveyInvite:
        """The survey of this period, created with its invitees the first time (PMs and the
        other people taking part); later calls return the same survey and people."""
        self._workspaces.ensure_workspace(team_id=team_id, now=now)
        with self._sessions.begin() as session:
            survey = queries.survey_for_period(session, team_id, period)
            if survey is None:
                survey = PulseSurvey(
                    team_id=team_id,
                    period=period,
                    opened_at=now,
                    closes_at=now + timedelta(days=self.options.survey_open_days),
                )
                session.add(survey)
                session.flush()
                since = now - timedelta(days=self.options.participant_days)
                for user_id in queries.participants(session, team_id, since):
                    session.add(PulseInvitee(survey_id=survey.id, user_id=user_id, team_id=team_id))
                session.flush()
            return SurveyInvite(
                survey.id, survey.closes_at, queries.invitees(session, team_id, survey.id)
            )

    def require_open(self, *, team_id: str, survey_id: int, user_id: str, now: datetime) -> None:
        """Raises when the survey is gone, closed, or was not sent to this person."""
        with self._sessions() as session:
            self._open_survey(session, team_id, survey_id, user_id, now)

    def answer(
        self,
        *,
        team_id: str,
        survey_id: int,
        user_id: str,
        question: Question,
        rating: int,
        now: datetime,
    ) -> AnswerResult:
        """Stores a rating: one answer row per person and survey, a second click on another
        rating replaces the first, the same rating again changes nothing. Raises
        `SurveyClosedError` after the survey closed."""
        with self._sessions.begin() as session:
            survey = self._open_survey(session, team_id, survey_id, user_id, now)
            queries.add_answer_once(
                session, team_id=team_id, survey_id=survey_id, user_id=user_id, now=now
            )
            row = queries.answer(session, team_id, survey_id, user_id)
            assert row is not None
            before = row.relevance if question is Question.RELEVANCE else row.support
            if before == rating:
                change = AnswerChange.SAME
            else:
                change = AnswerChange.RECORDED if before is None else AnswerChange.CHANGED
                if question is Question.RELEVANCE:
                    row.relevance = rating
                else:
                    row.support = rating
                row.updated_at = now
            return AnswerResult(question, rating, change, survey.closes_at)

    def comment(
        self, *, team_id: str, survey_id: int, user_id: str, text: str | None, now: datetime
    ) -> AnswerResult:
        with self._sessions.begin() as session:
            survey = self._open_survey(session, team_id, survey_id, user_id, now)
            queries.add_answer_once(
                session, team_id=team_id, survey_id=survey_id, user_id=user_id, now=now
            )
            row = queries.answer(session, team_id, survey_id, user_id)
            assert row is not None
            cleaned = clean_comment(text)
            change = AnswerChange.SAME if cleaned == row.comment else AnswerChange.CHANGED
            row.comment = cleaned
            row.updated_at = now
            return AnswerResult(None, None, change, survey.closes_at)

    @staticmethod
    def _open_survey(
        session: Session, team_id: str, survey_id: int, user_id: str, now: datetime
    ) -> PulseSurvey:
        survey = queries.survey(session, team_id, survey_id)
        if survey is None:
            raise SurveyNotFoundError()
        if now >= survey.closes_at:
            raise SurveyClosedError(survey.closes_at)
        if not queries.is_invited(session, team_id, survey_id, user_id):
            raise NotInvitedError()
        return survey
