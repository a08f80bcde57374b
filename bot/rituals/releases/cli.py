"""`opsbot export releases --format csv|json [--team T] [--since YYYY-MM-DD]`: needs only the
database (no Slack token), like every export."""

from __future__ import annotations

import argparse
import sys

from bot.config import Settings
from bot.db import make_engine, make_sessions, upgrade_database
from bot.rituals.cli_args import parse_day
from bot.rituals.contract import CliGroups
from bot.rituals.releases.service import export_releases, release_teams


def add_commands(groups: CliGroups) -> None:
    releases = groups.export.add_parser("releases", help="release announcements (CSV or JSON)")
    releases.add_argument("--format", choices=["csv", "json"], default="csv")
    releases.add_argument(
        "--since", type=parse_day, help="only releases created on or after YYYY-MM-DD"
    )
    releases.add_argument("--team", help="Slack team id (T...); optional with one workspace")
    releases.add_argument("--output", "-o", help="write to this file instead of stdout")
    releases.set_defaults(handler=export_command)


def export_command(settings: Settings, args: argparse.Namespace) -> int:
    if settings.auto_migrate:
        upgrade_database(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        sessions = make_sessions(engine)
        team_id = args.team
        if not team_id:
            teams = release_teams(sessions)
            if len(teams) != 1:
                known = ", ".join(teams) or "none yet"
                print(f"opsbot: pass --team (workspaces with releases: {known})", file=sys.stderr)
                return 2
            team_id = teams[0]
        chunks = export_releases(sessions, team_id=team_id, fmt=args.format, since=args.since)
        if args.output:
            with open(args.output, "w", encoding="utf-8", newline="") as out:
                out.writelines(chunks)
        else:
            sys.stdout.writelines(chunks)
    finally:
        engine.dispose()
    return 0
