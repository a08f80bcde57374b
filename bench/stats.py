"""Stats benchmark: one workspace with 1,000,000 feedback items, 100,000 tickets and 10,000
buddy calls (plus weekly triage sessions, App Home visits, schedules with their deliveries, a
pulse survey, and a second workspace as noise); times computing every stat for a period and
its previous one (`StatsService.report`, as `/ops stats` does) and rendering the report's charts.

Prints, per backend: seed time; for each period the report's median, spread (min, max, stdev)
over several runs and the peak Python memory while computing it (tracemalloc), which should
not grow with the rows since every number is an SQL aggregation; then the charts' time: the
weekly series queries plus the PNG rendering, and the rendering alone.
Targets (issue 13): every stat under 1 s on SQLite and Postgres, flat memory; charts under 1 s.
10,000 buddy calls are seeded too; releases are not (the release ritual is not in this branch).

    .venv/bin/python -m bench.stats [--items 1000000] [--tickets 100000] [--calls 10000]
        [--backends sqlite postgres] [--postgres-url postgresql://...]
        [--sqlite-path /tmp/stats-bench.db]   # kept, and reused (not re-seeded) next time
"""

from __future__ import annotations

import argparse
import bisect
import random
import statistics
import subprocess
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, text

from bench.digest import ACCOUNTS, CHUNK, ROOT, _items, _postgres_database
from bot.config import load_settings
from bot.db import upgrade_database
from bot.home.models import HomeVisit
from bot.outbox.models import Delivery
from bot.rituals.buddies.models import BuddyCall, BuddyMember
from bot.rituals.feedback.models import FeedbackAccount, FeedbackItem
from bot.rituals.reporting.charts import render_charts
from bot.rituals.reporting.models import PulseAnswer, PulseInvitee, PulseSurvey
from bot.rituals.reporting.service import ReportingService, UploadJob
from bot.rituals.triage.models import SessionTicket, Ticket, TriageSession
from bot.scheduling.models import RitualSchedule
from bot.stats.domain import StatsPeriod
from bot.wiring import build_container
from bot.workspace.models import Workspace
from tests.support.fake_slack import FakeSlackApi

TEAM = "TBENCH"
NOISE_TEAM = "TNOISE"
NOW = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
SPAN_DAYS = 730
RUNS = 7
FIRST_MONDAY = NOW - timedelta(days=SPAN_DAYS)


def _tickets(team_id: str, count: int, seed: int) -> Iterator[list[dict[str, Any]]]:
    rng = random.Random(seed)
    chunk: list[dict[str, Any]] = []
    for n in range(count):
        created = NOW - timedelta(seconds=rng.random() * SPAN_DAYS * 86400)
        roll = rng.random()
        decided = created + timedelta(hours=rng.expovariate(1 / 72))
        status = "deleted" if roll < 0.03 else "open" if roll < 0.12 or decided > NOW else "triaged"
        chunk.append(
            {
                "team_id": team_id,
                "source": "webhook",
                "helpdesk": "zendesk",
                "external_id": f"{team_id}-{n}",
                "title": f"Ticket {n}: export fails for report {n % 311}",
                "description": "",
                "severity": rng.choice(["low", "normal", "normal", "high", "urgent"]),
                "status": status,
                "outcome": "known" if status == "triaged" else None,
                "decided_by": f"U{n % 40:04d}" if status == "triaged" else None,
                "decided_at": decided if status == "triaged" else None,
                "created_at": created,
                "received_at": created,
                "updated_at": created,
            }
        )
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _insert_chunks(container: Any, model: Any, chunks: Iterator[list[dict[str, Any]]]) -> None:
    for chunk in chunks:
        with container.engine.begin() as connection:
            connection.execute(insert(model), chunk)


def _sessions(container: Any) -> None:
    """A weekly triage session over the two years; each shows the tickets open at its start
    (created in the week before, or carried over from the one before)."""
    weeks = SPAN_DAYS // 7
    with container.engine.begin() as connection:
        connection.execute(
            insert(TriageSession),
            [
                {
                    "team_id": TEAM,
                    "channel_id": "CTRIAGE",
                    "period": f"w{week}",
                    "state": "closed",
                    "started_at": FIRST_MONDAY + timedelta(days=7 * week),
                    "parent_ts": f"{week}.0001",
                    "closed_at": FIRST_MONDAY + timedelta(days=7 * week, hours=2),
                }
                for week in range(1, weeks + 1)
            ],
        )
        sessions = connection.execute(
            select(TriageSession.id, TriageSession.started_at)
            .where(TriageSession.team_id == TEAM)
            .order_by(TriageSession.started_at)
        ).all()
    ids = [row[0] for row in sessions]
    starts = [_aware(row[1]) for row in sessions]
    rows: list[dict[str, Any]] = []
    with container.engine.connect() as connection:
        tickets = connection.execute(
            select(Ticket.id, Ticket.created_at, Ticket.decided_at).where(Ticket.team_id == TEAM)
        ).all()
    for ticket_id, created, decided in tickets:
        first = bisect.bisect_left(starts, _aware(created))
        # shown until decided, at most 4 times (a ticket left open is carried over 3 times)
        for index in range(first, min(first + 4, len(starts))):
            if decided is not None and _aware(decided) < starts[index]:
                break
            rows.append({"session_id": ids[index], "ticket_id": ticket_id, "team_id": TEAM})
    for start in range(0, len(rows), CHUNK):
        with container.engine.begin() as connection:
            connection.execute(insert(SessionTicket), rows[start : start + CHUNK])


def _calls(container: Any, count: int) -> None:
    """Buddy members (40 PMs, 200 reps) and `count` calls over the two years, most joined."""
    rng = random.Random(6)
    with container.engine.begin() as connection:
        connection.execute(
            insert(BuddyMember),
            [
                {"team_id": TEAM, "user_id": f"{group}{n}", "group_name": group, "active": True,
                 "added_by": "", "joined_at": FIRST_MONDAY, "updated_at": FIRST_MONDAY}
                for group, size in (("pm", 40), ("sales", 200))
                for n in range(size)
            ],
        )  # fmt: skip
    rows = []
    for n in range(count):
        starts = NOW - timedelta(seconds=rng.random() * SPAN_DAYS * 86400)
        status = rng.choice(["claimed", "claimed", "claimed", "offered", "cancelled"])
        rows.append(
            {
                "team_id": TEAM,
                "request_key": f"call-{n}",
                "rep_user_id": f"sales{n % 200}",
                "buddy_user_id": f"pm{n % 40}",
                "account_name": f"Account {n % 500}",
                "topic": "",
                "link": "https://meet.example.com/x",
                "starts_at": starts,
                "status": status,
                "owner_user_id": f"pm{rng.randrange(40)}" if status == "claimed" else None,
                "created_at": starts - timedelta(days=3),
                "updated_at": starts,
            }
        )
    for start in range(0, len(rows), CHUNK):
        with container.engine.begin() as connection:
            connection.execute(insert(BuddyCall), rows[start : start + CHUNK])


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _the_rest(container: Any) -> None:
    rng = random.Random(3)
    with container.engine.begin() as connection:
        connection.execute(
            insert(HomeVisit),
            [
                {"team_id": TEAM, "day": date(2026, 11, 16) - timedelta(days=d), "user_id": f"U{u}"}
                for d in range(1, 200)
                for u in range(0, 300, 3 + d % 5)
            ],
        )
        for ritual, rule in (
            ("feedback-digest", {"kind": "weekly", "at": "09:00", "weekday": 0}),
            ("triage-thread", {"kind": "weekly", "at": "10:00", "weekday": 3}),
            ("ops-report", {"kind": "monthly", "at": "09:00", "day_of_month": 1}),
        ):
            connection.execute(
                insert(RitualSchedule),
                [
                    {
                        "team_id": TEAM,
                        "ritual": ritual,
                        "key": "default",
                        "channel_ids": ["CRUN"],
                        "rule": {"weekday": None, "day_of_month": None, "cron": None, **rule},
                        "time_zone": "UTC",
                        "enabled": True,
                        "options": {},
                        "updated_at": NOW - timedelta(days=SPAN_DAYS),
                        "updated_by": "",
                    }
                ],
            )
        connection.execute(
            insert(Delivery),
            [
                {
                    "team_id": TEAM,
                    "ritual": "feedback-digest",
                    "period": f"{(NOW - timedelta(days=7 * w)).isocalendar()[0]}-W"
                    f"{(NOW - timedelta(days=7 * w)).isocalendar()[1]:02d}",
                    "channel_id": "CRUN",
                    "part": "digest",
                    "reply_to_part": None,
                    "text": "digest",
                    "blocks": [],
                    "state": "sent" if rng.random() < 0.9 else "failed",
                    "attempts": 1,
                    "ts": f"{w}.1",
                    "created_at": NOW,
                    "updated_at": NOW,
                }
                for w in range(1, 100)
            ],
        )
        opened = NOW - timedelta(days=20)
        connection.execute(
            insert(PulseSurvey),
            [{"team_id": TEAM, "period": "2026-10-01", "opened_at": opened,
              "closes_at": opened + timedelta(days=14)}],
        )  # fmt: skip
        survey_id = connection.execute(select(PulseSurvey.id)).scalar_one()
        connection.execute(
            insert(PulseInvitee),
            [{"survey_id": survey_id, "user_id": f"U{u}", "team_id": TEAM} for u in range(300)],
        )
        connection.execute(
            insert(PulseAnswer),
            [
                {"team_id": TEAM, "survey_id": survey_id, "user_id": f"U{u}",
                 "relevance": rng.randint(1, 5), "support": rng.randint(1, 5),
                 "answered_at": opened, "updated_at": opened}
                for u in range(0, 300, 2)
            ],
        )  # fmt: skip


def seed(container: Any, items: int, tickets: int, calls: int) -> float:
    started = time.perf_counter()
    with container.engine.begin() as connection:
        for team in (TEAM, NOISE_TEAM):
            connection.execute(
                insert(Workspace),
                [{"team_id": team, "name": team, "time_zone": "UTC", "created_at": NOW}],
            )
        connection.execute(
            insert(FeedbackAccount),
            [
                {"team_id": TEAM, "name": f"Account {a}", "name_key": f"account {a}",
                 "arr": (a * 7919) % 2_000_000, "created_at": NOW}
                for a in range(1, ACCOUNTS + 1)
            ],
        )  # fmt: skip
    for team, count, rng_seed in ((TEAM, items, 1), (NOISE_TEAM, max(1000, items // 10), 2)):
        _insert_chunks(container, FeedbackItem, _items(team, count, rng_seed))
    for team, count, rng_seed in ((TEAM, tickets, 4), (NOISE_TEAM, max(100, tickets // 10), 5)):
        _insert_chunks(container, Ticket, _tickets(team, count, rng_seed))
    _sessions(container)
    _calls(container, calls)
    _the_rest(container)
    if container.engine.dialect.name == "postgresql":
        autocommit = container.engine.execution_options(isolation_level="AUTOCOMMIT")
        with autocommit.connect() as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with container.engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    return time.perf_counter() - started


def _timed(work: Any, runs: int = RUNS) -> tuple[list[float], float]:
    work()  # warm caches and the connection pool, as a long-running process would be
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    tracemalloc.start()
    work()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return times, peak / 1024 / 1024


def _line(label: str, times: list[float], peak_mb: float) -> str:
    return (
        f"  {label:28} median {statistics.median(times) * 1000:7.1f} ms"
        f"  min {min(times) * 1000:7.1f}  max {max(times) * 1000:7.1f}"
        f"  stdev {statistics.stdev(times) * 1000:6.1f} ms  peak memory {peak_mb:6.2f} MiB"
    )


def run(
    backend: str,
    url: str,
    sizes: tuple[int, int, int],
    fake: FakeSlackApi,
    *,
    reuse: bool = False,
) -> None:
    items, tickets, calls = sizes
    upgrade_database(url)
    settings = load_settings(
        _env_file=None,
        slack_bot_token="xoxb-bench",
        slack_signing_secret="bench-signing-secret",
        slack_api_url=fake.api_url,
        database_url=url,
    )
    container = build_container(settings, clock=lambda: NOW)
    try:
        if reuse:
            print(f"{backend}: reusing the seeded database {url}", flush=True)
        else:
            seeded = seed(container, items, tickets, calls)
            print(
                f"{backend}: {items:,} feedback items, {tickets:,} tickets, {calls:,} calls; "
                f"seeded in {seeded:.1f} s",
                flush=True,
            )
        for period in StatsPeriod:
            times, peak = _timed(
                lambda p=period: container.stats.report(team_id=TEAM, period=p, now=NOW)
            )
            print(_line(f"all stats, {period.value} + previous", times, peak), flush=True)
        reporting = container.service(ReportingService)
        job = UploadJob(TEAM, "bench", "CREPORT", NOW, StatsPeriod.MONTH)
        times, peak = _timed(lambda: reporting.charts(job), runs=5)
        print(_line("charts: 13 weeks of SQL + PNG", times, peak), flush=True)
        series = container.stats.weekly_series(team_id=TEAM, now=NOW)
        times, peak = _timed(lambda: render_charts(series), runs=5)
        print(_line("charts: PNG rendering alone", times, peak), flush=True)
    finally:
        container.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--postgres-url", help="a server where the benchmark may create databases")
    parser.add_argument(
        "--sqlite-path", type=Path, help="keep the SQLite database here (reused if it exists)"
    )
    args = parser.parse_args()
    print("targets: every stat < 1 s (SQLite and Postgres), flat memory; charts < 1 s")
    fake = FakeSlackApi().start()
    pg_dir = None
    try:
        with tempfile.TemporaryDirectory() as folder:
            for backend in args.backends:
                server = args.postgres_url
                if backend == "postgres" and server is None:
                    pg_dir = tempfile.mkdtemp(prefix="opsbot-bench-pg.")
                    server = subprocess.run(
                        [str(ROOT / "scripts" / "pg-throwaway"), "start", pg_dir],
                        capture_output=True, text=True, check=True,
                    ).stdout.strip()  # fmt: skip
                reuse = False
                if backend == "sqlite":
                    path = args.sqlite_path or Path(folder) / "stats.db"
                    reuse = path.exists()
                    url = f"sqlite:///{path}"
                else:
                    assert server is not None
                    url = _postgres_database(server, "opsbot_bench_stats")
                run(backend, url, (args.items, args.tickets, args.calls), fake, reuse=reuse)
    finally:
        fake.stop()
        if pg_dir is not None:
            subprocess.run([str(ROOT / "scripts" / "pg-throwaway"), "stop", pg_dir], check=False)


if __name__ == "__main__":
    main()
