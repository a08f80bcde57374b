"""How long the weekly triage thread and its summary take to build with a big queue.

Seeds one workspace with N open tickets (default 5,000: mixed severities, ages up to 60 days,
half from a helpdesk), then times, through the real wiring:

- the week's thread: `TriageThreadRunner.compose` (plans the session, stores its ticket list and
  renders the parent plus one Block Kit reply per ticket: what the outbox receives);
- the summary: `close_session` plus the summary messages, after 40% of the tickets were decided
  (a quarter of those as bugs with tracker links).

    .venv/bin/python -m bench.triage [--tickets 5000] [--rounds 3]
    DATABASE_URL=postgresql://... .venv/bin/python -m bench.triage   # against Postgres

Target (issue 5): under 1 s each.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, update

from bot.config import load_settings
from bot.db import upgrade_database
from bot.rituals.triage.blocks import build_summary_pages
from bot.rituals.triage.domain import Outcome, Severity, TicketStatus
from bot.rituals.triage.ids import TriageRituals
from bot.rituals.triage.models import Ticket
from bot.wiring import Container, build_container
from tests.support.fake_slack import TEAM_ID, FakeSlackApi

CHANNEL = "CTRIAGE"
SEVERITIES = list(Severity)


def seed(container: Container, count: int, now: datetime) -> None:
    container.services.workspaces.ensure_workspace(team_id=TEAM_ID, now=now)
    rows = []
    for i in range(count):
        created = now - timedelta(minutes=(i * 17) % (60 * 24 * 60))
        from_helpdesk = i % 2 == 0
        rows.append(
            {
                "team_id": TEAM_ID,
                "source": "webhook" if from_helpdesk else "slash",
                "helpdesk": "zendesk" if from_helpdesk else None,
                "external_id": str(100000 + i) if from_helpdesk else None,
                "title": f"Ticket {i}: export of large reports times out for some accounts",
                "description": "Steps to reproduce: open Reports, export 50k rows. " * 4,
                "account_name": f"Account {i % 300}",
                "severity": SEVERITIES[i % 4].value,
                "link": f"https://acme.zendesk.com/agent/tickets/{100000 + i}",
                "reporter_user_id": None if from_helpdesk else f"U{i % 40:04d}",
                "status": TicketStatus.OPEN.value,
                "created_at": created,
                "received_at": created,
                "updated_at": created,
                "version": 1,
            }
        )
    with container.sessions.begin() as session:
        session.execute(insert(Ticket), rows)


def decide_some(container: Container, now: datetime) -> None:
    """40% decided by bulk update (setup, not timed); every tenth ticket is a bug with a link."""
    with container.sessions.begin() as session:
        ids = list(session.scalars(Ticket.__table__.select().with_only_columns(Ticket.id)))
        for index, ticket_id in enumerate(ids):
            if index % 5 >= 2:
                continue
            outcome = Outcome.BUG if index % 10 == 0 else Outcome.KNOWN
            values: dict[str, object] = {
                "status": TicketStatus.TRIAGED.value,
                "outcome": outcome.value,
                "decided_by": "UPM",
                "decided_at": now,
            }
            if outcome is Outcome.BUG:
                values["tracker_key"] = f"OPS-{index}"
                values["tracker_url"] = f"https://acme.atlassian.net/browse/OPS-{index}"
            session.execute(update(Ticket).where(Ticket.id == ticket_id).values(**values))


def timed(label: str, rounds: list[float]) -> None:
    print(
        f"{label}: median {statistics.median(rounds) * 1000:.0f} ms, "
        f"max {max(rounds) * 1000:.0f} ms over {len(rounds)} rounds"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    fake_slack = FakeSlackApi().start()
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade_database(url)
        settings = load_settings(
            _env_file=None,
            slack_bot_token="xoxb-bench",
            slack_signing_secret="bench-secret",
            slack_api_url=fake_slack.api_url,
            database_url=url,
        )
        start = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
        container = build_container(settings, clock=lambda: start)
        try:
            seed(container, args.tickets, start)
            runner = container.registry.get(TriageRituals.THREAD.value)
            triage = container.services.triage
            print(f"{args.tickets} open tickets in {url.split(':', 1)[0]}")

            thread_rounds: list[float] = []
            posts = []
            for round_ in range(args.rounds):
                now = start + timedelta(weeks=round_)
                began = time.perf_counter()
                posts = runner.compose(
                    team_id=TEAM_ID,
                    channel_id=CHANNEL,
                    period=f"bench-{round_}",
                    options={},
                    now=now,
                )
                thread_rounds.append(time.perf_counter() - began)
            blocks = sum(len(p.blocks) for p in posts)
            print(f"week's thread: 1 parent + {len(posts) - 1} replies, {blocks} blocks")
            timed("build the week's thread", thread_rounds)

            last = triage.plan_thread(
                team_id=TEAM_ID,
                channel_id=CHANNEL,
                period=f"bench-{args.rounds - 1}",
                now=start,
            )
            decide_some(container, start + timedelta(weeks=args.rounds, hours=1))
            summary_rounds: list[float] = []
            pages = []
            for round_ in range(args.rounds):
                now = start + timedelta(weeks=args.rounds, hours=2 + round_)
                began = time.perf_counter()
                closed = triage.close_session(
                    team_id=TEAM_ID, session_id=last.session_id, user_id="ULEAD", now=now
                )
                pages = build_summary_pages(summary=closed.summary, closed_by=closed.closed_by)
                summary_rounds.append(time.perf_counter() - began)
            summary = closed.summary
            print(
                f"summary: {summary.triaged} triaged, {summary.left} left, "
                f"{len(summary.created_issues)} issues linked over {len(pages)} message(s)"
            )
            timed("build the summary", summary_rounds)
            worst = max(max(thread_rounds), max(summary_rounds))
            print("target < 1 s each:", "met" if worst < 1.0 else "MISSED")
        finally:
            container.close()
            fake_slack.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
