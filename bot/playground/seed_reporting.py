"""Seeds what the stats measure beyond the rituals' own rows: a pulse survey Dana ran with
`/ops run pulse-survey` two weeks ago (most people answered) and App Home visits.

The survey is opened and answered through `ReportingService` (the invitees are whoever takes
part, as the real run decides); its DMs are not in the local workspace, since they were sent
before it existed. Home visits are recorded as opening App Home records them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.home.visits import HomeVisits
from bot.playground.people import PEOPLE, TEAM_ID
from bot.playground.seed_time import SeedClock
from bot.rituals.reporting.domain import Question
from bot.rituals.reporting.service import ReportingService
from bot.scheduling.domain import run_now_period
from bot.wiring import Container

# (relevance, support, comment) by person; the person left out never answered.
ANSWERS = {
    "UPRIYA": (4, 5, "The Monday digest is the first thing I read."),
    "UMARCO": (4, 4, None),
    "UJESS": (5, 4, "Buddy calls made my renewals easier."),
    "UKENJI": (3, 4, "Would like takeaways to show up in the account view."),
    "UAMARA": (4, 3, "Triage decisions should reach customers faster."),
    "ULUIS": (5, 4, None),
}


@dataclass
class SeededReporting:
    invited: int = 0
    answers: int = 0
    home_visits: int = 0


def seed_reporting(container: Container, clock: SeedClock) -> SeededReporting:
    """Side effects: one pulse survey with its invitees and answers; home visit rows."""
    reporting = container.service(ReportingService)
    opened_at = clock.at(16, 9)
    invite = reporting.open_survey(team_id=TEAM_ID, period=run_now_period(opened_at), now=opened_at)
    seeded = SeededReporting(invited=len(invite.user_ids))
    for number, user_id in enumerate(u for u in invite.user_ids if u in ANSWERS):
        relevance, support, comment = ANSWERS[user_id]
        at = opened_at + timedelta(hours=3 + 7 * number)
        reporting.answer(
            team_id=TEAM_ID,
            survey_id=invite.survey_id,
            user_id=user_id,
            question=Question.RELEVANCE,
            rating=relevance,
            now=at,
        )
        reporting.answer(
            team_id=TEAM_ID,
            survey_id=invite.survey_id,
            user_id=user_id,
            question=Question.SUPPORT,
            rating=support,
            now=at + timedelta(minutes=1),
        )
        if comment:
            reporting.comment(
                team_id=TEAM_ID,
                survey_id=invite.survey_id,
                user_id=user_id,
                text=comment,
                now=at + timedelta(minutes=2),
            )
        seeded.answers += 1
    visits = HomeVisits(sessions=container.sessions)
    for offset, person in enumerate(PEOPLE):
        # Everyone opened the Home tab now and then; PMs and the admin most days.
        every = 2 if person.id in {"UDANA", "UPRIYA", "UMARCO"} else 5
        for day in range(offset % every, 28, every):
            visits.record(team_id=TEAM_ID, user_id=person.id, now=clock.at(day, 9, zone=person.tz))
            seeded.home_visits += 1
    return seeded
