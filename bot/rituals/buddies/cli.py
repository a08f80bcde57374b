"""`opsbot export calls --format csv|json [--team T…] [--since YYYY-MM-DD] [-o FILE]`."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from bot.config import Settings
from bot.db import make_engine, make_sessions, upgrade_database
from bot.rituals.buddies.export import export_calls, known_teams
from bot.rituals.contract import CliGroups


def add_commands(groups: CliGroups) -> None:
    calls = groups.export.add_parser("calls", help="PM / sales buddy calls (CSV or JSON)")
    calls.add_argument("--format", choices=["csv", "json"], default="csv")
    calls.add_argument("--since", type=_day, help="only calls starting on or after YYYY-MM-DD")
    calls.add_argument("--team", help="Slack team id (T...); optional with one workspace")
    calls.add_argument("--output", "-o", help="write to this file instead of stdout")
    calls.set_defaults(handler=export_calls_command)


def _day(value: str) -> datetime:
    try:
        return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2026-11-01") from None


def export_calls_command(settings: Settings, args: argparse.Namespace) -> int:
    if settings.auto_migrate:
        upgrade_database(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        sessions = make_sessions(engine)
        team_id = args.team
        if not team_id:
            teams = known_teams(sessions)
            if len(teams) != 1:
                known = ", ".join(teams) or "none yet"
                print(f"opsbot: pass --team (workspaces: {known})", file=sys.stderr)
                return 2
            team_id = teams[0]
        chunks = export_calls(sessions, team_id=team_id, fmt=args.format, since=args.since)
        if args.output:
            with open(args.output, "w", encoding="utf-8", newline="") as out:
                out.writelines(chunks)
        else:
            sys.stdout.writelines(chunks)
    finally:
        engine.dispose()
    return 0
