"""`opsbot stats`, `export --all`, `purge` and `secrets rotate`: the commands that need only the
database (migrated first), split from bot/cli.py, which parses and dispatches."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from bot.config import Settings
from bot.db import upgrade_database


def parse_moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a moment like 2026-11-16T09:00"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def stats(settings: Settings, args: argparse.Namespace) -> int:
    """Needs only the database (migrated first, like the exports)."""
    from bot.db import utcnow
    from bot.stats.domain import UnknownPeriodError, parse_period
    from bot.stats.export import report_csv, report_json
    from bot.wiring import build_container

    try:
        period = parse_period(args.period)
    except UnknownPeriodError as error:
        print(
            f"opsbot: {str(error).replace('/ops stats', 'opsbot stats --period')}", file=sys.stderr
        )
        return 2
    if settings.auto_migrate:
        upgrade_database(settings.database_url)
    container = build_container(settings)
    try:
        now = args.as_of or utcnow()
        report = container.stats.report(team_id=args.team, period=period, now=now)
        sys.stdout.write(report_json(report) if args.format == "json" else report_csv(report))
        if not report.has_data:
            print(f"opsbot: no data yet for {args.team}", file=sys.stderr)
    finally:
        container.close()
    return 0


def export_everything(settings: Settings, args: argparse.Namespace) -> int:
    from bot.data_rights import export_workspace
    from bot.db import make_engine, make_sessions, read_only

    if not args.everything or not args.all_team:
        print(
            "opsbot: say what to export (feedback, tickets, ...) or --team T --all",
            file=sys.stderr,
        )
        return 2
    if settings.auto_migrate:
        upgrade_database(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        with read_only(make_sessions(engine))() as session:
            chunks = list(export_workspace(session, args.all_team))
    finally:
        engine.dispose()
    if args.all_output:
        with open(args.all_output, "w", encoding="utf-8") as out:
            out.writelines(chunks)
    else:
        sys.stdout.writelines(chunks)
    return 0


def purge(settings: Settings, args: argparse.Namespace) -> int:
    from bot.data_rights import purge_workspace
    from bot.db import make_engine, make_sessions

    if not args.yes:
        if not sys.stdin.isatty():
            print("opsbot: purge deletes a whole workspace: pass --yes to confirm", file=sys.stderr)
            return 2
        answer = input(f"Delete every row of workspace {args.team}? Type its id to confirm: ")
        if answer.strip() != args.team:
            print("opsbot: not confirmed; nothing deleted", file=sys.stderr)
            return 2
    if settings.auto_migrate:
        upgrade_database(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        with make_sessions(engine).begin() as session:
            deleted = purge_workspace(session, args.team)
    finally:
        engine.dispose()
    total = sum(deleted.values())
    print(f"deleted {total} row(s) of workspace {args.team}")
    for table, count in deleted.items():
        if count:
            print(f"  {table}: {count}")
    return 0


def rotate_secrets(settings: Settings, args: argparse.Namespace) -> int:
    from bot.db import utcnow
    from bot.wiring import build_container

    if settings.auto_migrate:
        upgrade_database(settings.database_url)
    container = build_container(settings)
    try:
        changed = container.services.workspaces.rotate_secrets(now=utcnow())
    finally:
        container.close()
    print(f"re-encrypted the secrets of {changed} setting(s) with the first key")
    return 0
