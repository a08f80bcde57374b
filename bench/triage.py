"""The weekly triage thread for a big queue, from "the job fires" to "its rows are committed in
the outbox", on SQLite and Postgres (durable settings), plus the closing summary.

Per backend: a fresh database seeded with N open tickets (default 5,000: mixed severities, ages
up to 60 days, half from a helpdesk) and a weekly `triage-thread` schedule. Each run is one
weekly firing through the real wiring (`bot.wiring.build_container`): the scheduler's
`RitualDispatcher.run_scheduled`, which plans the session, stores its ticket list, renders the
parent and one Block Kit reply per ticket and enqueues the N + 1 outbox rows, every transaction
committed. The time is split into compose (plan + ticket list + render) and enqueue (outbox
insert + commit). Then 40% of the tickets are decided (setup, not timed) and the session is
closed on schedule (`close_session`: the summary built and enqueued); the tickets are reopened
before the next week's run so every run shows N tickets (the earlier ones count as carried
over, as in a real queue). Nothing is sent: the sender is not started.

    .venv/bin/python -m bench.triage                          # both backends, 3 runs
    .venv/bin/python -m bench.triage --backends sqlite --runs 5 --tickets 5000
    .venv/bin/python -m bench.triage --postgres-url postgresql://postgres@127.0.0.1:5432/postgres
    .venv/bin/python -m bench.triage --profile                # + cProfile of one extra run

Without --postgres-url a throwaway cluster is started with OPSBOT_PG_DURABLE=1 (fsync and
synchronous commit on) and stopped afterwards. SQLite runs on a file in a temp dir.
Goal (DESIGN.md / issue 15): the week's thread for 5,000 tickets built and enqueued < 0.5 s.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import pstats
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, update

from bench.postgres import durable_postgres, fresh_database
from bot.config import load_settings
from bot.db import upgrade_database
from bot.outbox.models import Delivery
from bot.rituals.triage.domain import Outcome, Severity, TicketStatus
from bot.rituals.triage.ids import TriageRituals
from bot.rituals.triage.models import Ticket
from bot.scheduling.domain import ScheduleRule
from bot.wiring import Container, build_container
from tests.support.fake_slack import TEAM_ID, FakeSlackApi

ROOT = Path(__file__).resolve().parent.parent
GOAL_SECONDS = 0.5
CHANNEL = "CTRIAGE"
RITUAL = TriageRituals.THREAD.value
SEVERITIES = list(Severity)
# A Monday 09:00 UTC: the schedule's firing time; run i fires i weeks later.
FIRST_FIRING = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


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


def schedule_weekly(container: Container) -> int:
    """The workspace's weekly triage schedule, saved the way the settings modal saves it."""
    view = container.schedules.save(
        team_id=TEAM_ID,
        ritual=RITUAL,
        channel_ids=[CHANNEL],
        rule=ScheduleRule.weekly("monday", "09:00"),
        time_zone="UTC",
        now=FIRST_FIRING - timedelta(days=1),
    )
    return view.id


def decide_some(container: Container, now: datetime) -> None:
    """40% decided (setup, not timed); every tenth ticket a bug with a tracker link."""
    with container.sessions.begin() as session:
        ids = list(session.scalars(select(Ticket.id).order_by(Ticket.id)))
        decided = [i for n, i in enumerate(ids) if n % 5 < 2]
        bugs = decided[::5]
        known = sorted(set(decided) - set(bugs))
        for outcome, chosen in ((Outcome.BUG, bugs), (Outcome.KNOWN, known)):
            values: dict[str, object] = {
                "status": TicketStatus.TRIAGED.value,
                "outcome": outcome.value,
                "decided_by": "UPM",
                "decided_at": now,
            }
            if outcome is Outcome.BUG:
                values["tracker_key"] = "OPS-1"
                values["tracker_url"] = "https://acme.atlassian.net/browse/OPS-1"
            session.execute(update(Ticket).where(Ticket.id.in_(chosen)).values(**values))


def reopen_all(container: Container) -> None:
    with container.sessions.begin() as session:
        session.execute(
            update(Ticket).values(
                status=TicketStatus.OPEN.value,
                outcome=None,
                decided_by=None,
                decided_at=None,
                tracker_key=None,
                tracker_url=None,
            )
        )


@contextmanager
def timing_compose(container: Container) -> Iterator[list[float]]:
    """Times the runner's `compose` inside the dispatcher's run (the rest is the enqueue)."""
    runner: Any = container.registry.get(RITUAL)
    original: Callable[..., Any] = runner.compose
    spent: list[float] = []

    def timed(**kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return original(**kwargs)
        finally:
            spent.append(time.perf_counter() - began)

    runner.compose = timed
    try:
        yield spent
    finally:
        del runner.compose


def outbox_rows(container: Container, period: str) -> int:
    with container.sessions() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(Delivery)
                .where(Delivery.ritual == RITUAL, Delivery.period == period)
            )
            or 0
        )


def week(container: Container, schedule_id: int, n: int, tickets: int) -> dict[str, float]:
    """One weekly firing (timed), then 40% decided and the session closed (timed)."""
    now = FIRST_FIRING + timedelta(weeks=n, seconds=2)
    with timing_compose(container) as composed:
        began, cpu_began = time.perf_counter(), time.process_time()
        result = container.dispatcher.run_scheduled(
            team_id=TEAM_ID, schedule_id=schedule_id, now=now
        )
        total, cpu = time.perf_counter() - began, time.process_time() - cpu_began
    assert result is not None
    assert result.enqueued.get(CHANNEL) == tickets + 1, result
    assert outbox_rows(container, result.period) == tickets + 1
    plan = container.services.triage.plan_thread(
        team_id=TEAM_ID, channel_id=CHANNEL, period=result.period, now=now
    )
    decide_some(container, now + timedelta(hours=1))
    began = time.perf_counter()
    closed = container.services.triage.close_session(
        team_id=TEAM_ID,
        session_id=plan.session_id,
        user_id="",
        now=now + timedelta(hours=2),
        on_schedule=True,
    )
    close = time.perf_counter() - began
    assert not closed.already_closed
    assert closed.summary.triaged == tickets * 2 // 5
    reopen_all(container)
    return {"total": total, "cpu": cpu, "compose": sum(composed), "close": close}


def profile_week(container: Container, schedule_id: int, n: int) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    container.dispatcher.run_scheduled(
        team_id=TEAM_ID, schedule_id=schedule_id, now=FIRST_FIRING + timedelta(weeks=n)
    )
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
    return out.getvalue()


def run_backend(
    backend: str, url: str, fake: FakeSlackApi, *, tickets: int, runs: int, profile: bool
) -> list[dict[str, float]]:
    upgrade_database(url)
    settings = load_settings(
        _env_file=None,
        slack_bot_token="xoxb-bench",
        slack_signing_secret="bench-secret",
        slack_api_url=fake.api_url,
        database_url=url,
    )
    container = build_container(settings, clock=lambda: FIRST_FIRING)
    try:
        seed(container, tickets, FIRST_FIRING)
        schedule_id = schedule_weekly(container)
        results = [week(container, schedule_id, n, tickets) for n in range(runs)]
        if profile:
            print(f"--- cProfile of one more weekly run on {backend} ---")
            print(profile_week(container, schedule_id, runs))
        return results
    finally:
        container.close()


def spread(values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return f"median {statistics.median(ms):6.0f} ms  (min {min(ms):.0f} - max {max(ms):.0f})"


def report(backend: str, tickets: int, results: list[dict[str, float]]) -> bool:
    totals = [r["total"] for r in results]
    met = statistics.median(totals) < GOAL_SECONDS and max(totals) < GOAL_SECONDS
    print(f"{backend}: {tickets} open tickets, {len(results)} weekly runs (1 parent + replies)")
    print(
        f"  thread built + enqueued  {spread(totals)}   goal < {GOAL_SECONDS} s: "
        f"{'met' if met else 'MISSED'}"
    )
    print(f"    compose (plan, ticket list, render)  {spread([r['compose'] for r in results])}")
    print(
        f"    enqueue (outbox insert, commit)      "
        f"{spread([r['total'] - r['compose'] for r in results])}"
    )
    print(f"    this process's CPU time              {spread([r['cpu'] for r in results])}")
    print(f"  close + summary enqueued {spread([r['close'] for r in results])}")
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--postgres-url", help="a server where the benchmark may create databases")
    parser.add_argument("--profile", action="store_true", help="cProfile one extra run")
    args = parser.parse_args()

    fake = FakeSlackApi().start()
    all_met = True
    try:
        with tempfile.TemporaryDirectory() as folder, contextlib.ExitStack() as cluster:
            for backend in args.backends:
                if backend == "sqlite":
                    url = f"sqlite:///{Path(folder) / 'triage.db'}"
                else:
                    server = cluster.enter_context(durable_postgres(args.postgres_url))
                    url = fresh_database(server, "opsbot_bench_triage")
                results = run_backend(
                    backend, url, fake, tickets=args.tickets, runs=args.runs, profile=args.profile
                )
                all_met = report(backend, args.tickets, results) and all_met
    finally:
        fake.stop()
    return 0 if all_met else 1


if __name__ == "__main__":
    raise SystemExit(main())
