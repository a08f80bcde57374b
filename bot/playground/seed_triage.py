"""Seeds support triage: its settings, ~25 tickets, last week's session with its decisions.

Helpdesk tickets arrive through `receive_from_helpdesk` (idempotent on the Zendesk id), Slack
ones through `submit` (skipped when a ticket with that title exists). Last week's session is
planned, decided and closed through the triage service at last week's times; a bug "filed to
engineering" is written through the ticket store exactly as a Bug click writes it (the claim,
the tracker key and url), because the playground has no tracker to call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.playground.people import TEAM_ID, channel_named, person
from bot.playground.seed_history import past_triage
from bot.playground.seed_time import SeedClock
from bot.playground.seed_triage_data import DECISIONS, OWNERS, TICKETS, TRACKER, ZENDESK, SeedTicket
from bot.rituals.triage.decisions import FILING_ABANDONED, decided
from bot.rituals.triage.domain import (
    Helpdesk,
    HelpdeskTicket,
    Outcome,
    SettingsForm,
    Source,
    TicketDraft,
    TicketStatus,
)
from bot.rituals.triage.ids import PARENT_PART
from bot.rituals.triage.ports import NewEvent
from bot.rituals.triage.service import TriageService
from bot.rituals.triage.ticket_store import SqlTicketStore
from bot.wiring import Container

ADMIN = "UDANA"
SESSION_WEEKDAY, SESSION_HOUR = 1, 10  # Tuesday 10:00, as the triage-thread schedule says


@dataclass
class SeededTriage:
    tickets: int = 0
    decided: int = 0
    session_id: int | None = None


def last_session_start(clock: SeedClock) -> datetime:
    """Tuesday 10:00 (workspace zone) of the week before `now`'s week, in UTC."""
    zone = ZoneInfo(clock.time_zone)
    week_before = (clock.now.astimezone(zone) - timedelta(days=7)).date()
    tuesday = week_before + timedelta(days=SESSION_WEEKDAY - week_before.weekday())
    return datetime.combine(tuesday, time(SESSION_HOUR), tzinfo=zone).astimezone(UTC)


def seed_triage(container: Container, clock: SeedClock) -> SeededTriage:
    """Side effects: the triage setting, tickets and their events, one closed session, and
    feedback items for the tickets decided as feature requests. Posts nothing."""
    triage = past_triage(container)
    session_start = last_session_start(clock)
    channel = channel_named("support-triage").id
    if triage.settings(team_id=TEAM_ID).channel_id != channel:  # once: saving is audited
        triage.save_settings(
            team_id=TEAM_ID,
            form=SettingsForm(
                channel_id=channel,
                sla_days="7",
                tracker_kind=None,
                tracker_project="",
                tracker_url="",
                tracker_user="",
                tracker_token="",
                new_webhook_secret=False,
            ),
            user_id=ADMIN,
            now=clock.days_ago(33),
            look_up_hosts=False,
        )
    seeded = SeededTriage()
    ids: dict[str, int] = {}
    known = {t.title: t.id for t in triage.export(team_id=TEAM_ID)}
    for ticket in TICKETS:
        created = _created_at(ticket, clock, session_start)
        ticket_id = known.get(ticket.title) or _file(triage, ticket, created)
        seeded.tickets += int(ticket.title not in known)
        ids[ticket.key] = ticket_id
        if ticket.before_session and _is_last(ticket):
            # Every ticket shown last week is in: plan that session at its start.
            plan = triage.plan_thread(
                team_id=TEAM_ID,
                channel_id=channel,
                period=_period(session_start.astimezone(ZoneInfo(clock.time_zone))),
                now=session_start,
            )
            seeded.session_id = plan.session_id
            # The thread went out then (its ts, as the sender's after_delivery records it),
            # so the session counts as held; its messages predate the local workspace.
            triage.record_delivery(
                team_id=TEAM_ID,
                channel_id=channel,
                period=_period(session_start.astimezone(ZoneInfo(clock.time_zone))),
                sent={PARENT_PART: f"{int(session_start.timestamp())}.000100"},
                now=session_start,
            )
    seeded.decided = _decide(container, triage, ids, session_start)
    _assign_owners(triage, ids, clock)
    if seeded.session_id is not None:
        triage.close_session(
            team_id=TEAM_ID,
            session_id=seeded.session_id,
            user_id="UPRIYA",
            now=session_start + timedelta(hours=6),
        )
    return seeded


def _is_last(ticket: SeedTicket) -> bool:
    return ticket == [t for t in TICKETS if t.before_session][-1]


def _period(local_start: datetime) -> str:
    year, week, _ = local_start.isocalendar()
    return f"{year}-W{week:02d}"


def _created_at(ticket: SeedTicket, clock: SeedClock, session_start: datetime) -> datetime:
    zone = person(ticket.reporter).tz if ticket.reporter.startswith("U") else clock.time_zone
    if not ticket.before_session:
        return clock.at(ticket.days, ticket.hour, zone=zone)
    local = session_start.astimezone(ZoneInfo(zone)) - timedelta(days=ticket.days)
    return local.replace(hour=ticket.hour, minute=0).astimezone(UTC)


def _file(triage: TriageService, ticket: SeedTicket, created: datetime) -> int:
    if ticket.reporter.startswith("U"):
        return triage.submit(
            team_id=TEAM_ID,
            draft=TicketDraft(
                title=ticket.title,
                description=ticket.description,
                account_name=ticket.account,
                severity=ticket.severity,
            ),
            source=Source.SLASH,
            reporter_user_id=ticket.reporter,
            now=created,
        ).id
    _, ticket_id = triage.receive_from_helpdesk(
        team_id=TEAM_ID,
        incoming=HelpdeskTicket(
            helpdesk=Helpdesk.ZENDESK,
            external_id=ticket.key,
            deleted=False,
            title=ticket.title,
            description=ticket.description,
            account_name=ticket.account,
            severity=ticket.severity,
            link=ZENDESK + ticket.key,
            reporter=ticket.reporter,
            created_at=created,
        ),
        now=created + timedelta(minutes=2),
    )
    assert ticket_id is not None  # a new or updated ticket always has its id
    return ticket_id


def _decide(
    container: Container, triage: TriageService, ids: dict[str, int], session_start: datetime
) -> int:
    store = SqlTicketStore(container.sessions)
    count = 0
    for decision in DECISIONS:
        ticket_id = ids[decision.key]
        if triage.ticket(team_id=TEAM_ID, ticket_id=ticket_id).status is not TicketStatus.OPEN:
            continue
        at = session_start + timedelta(hours=decision.hours_after_session)
        if decision.outcome is Outcome.FEATURE:
            triage.capture_feature(
                team_id=TEAM_ID, ticket_id=ticket_id, user_id=decision.by, now=at
            )
        elif decision.outcome is Outcome.BUG:
            url = TRACKER + (decision.tracker_key or "")
            values = decided(Outcome.BUG, decision.by, at)
            values.update(tracker_key=decision.tracker_key, tracker_url=url)
            store.claim(
                team_id=TEAM_ID,
                ticket_id=ticket_id,
                values=values,
                abandoned_before=at - FILING_ABANDONED,
                event=NewEvent(Outcome.BUG.value, decision.by, url, at),
            )
        else:
            triage.decide(
                team_id=TEAM_ID,
                ticket_id=ticket_id,
                outcome=decision.outcome,
                user_id=decision.by,
                now=at,
                reason=decision.reason,
            )
        count += 1
    return count


def _assign_owners(triage: TriageService, ids: dict[str, int], clock: SeedClock) -> None:
    for key, owner in OWNERS.items():
        ticket = triage.ticket(team_id=TEAM_ID, ticket_id=ids[key])
        if ticket.owner_user_id is not None:
            continue
        triage.assign_owner(
            team_id=TEAM_ID,
            ticket_id=ticket.id,
            owner_user_id=owner,
            user_id="UAMARA",
            now=min(ticket.created_at + timedelta(hours=3), clock.now - timedelta(minutes=1)),
        )
