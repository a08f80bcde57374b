"""`opsbot export feedback` and `opsbot import accounts`: the feedback ritual's CLI commands.

`bot/cli.py` owns the `export` and `import` groups; each ritual adds its own subcommands here.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.db import upgrade_database, utcnow
from bot.rituals.cli_args import parse_day
from bot.rituals.contract import CliGroups
from bot.rituals.feedback.domain import AccountsFileInvalid, parse_accounts_csv
from bot.rituals.feedback.service import FeedbackService


def add_commands(groups: CliGroups) -> None:
    feedback = groups.export.add_parser("feedback", help="feedback items (CSV or JSON)")
    feedback.add_argument("--format", choices=["csv", "json"], default="csv")
    feedback.add_argument(
        "--since", type=parse_day, help="only items captured on or after YYYY-MM-DD"
    )
    feedback.add_argument("--team", help="Slack team id (T...); optional with one workspace")
    feedback.add_argument("--output", "-o", help="write to this file instead of stdout")
    feedback.set_defaults(handler=export_feedback)

    accounts = groups.import_.add_parser(
        "accounts",
        help="customer accounts from a CSV file with a header: name,external_id,segment,arr,owner",
    )
    accounts.add_argument("file", type=Path)
    accounts.add_argument("--team", help="Slack team id (T...); optional with one workspace")
    accounts.set_defaults(handler=import_accounts)


def _team(container: Any, wanted: str | None) -> str | None:
    if wanted:
        return wanted
    teams = container.service(FeedbackService).known_teams()
    if len(teams) == 1:
        return str(teams[0])
    known = ", ".join(teams) or "none yet"
    print(f"opsbot: pass --team (workspaces: {known})", file=sys.stderr)
    return None


def export_feedback(settings: Settings, args: argparse.Namespace) -> int:
    from bot.wiring import build_container

    if settings.auto_migrate:
        upgrade_database(settings.database_url)
    container = build_container(settings)
    try:
        team_id = _team(container, args.team)
        if team_id is None:
            return 2
        chunks = container.service(FeedbackService).export(
            team_id=team_id, fmt=args.format, since=args.since
        )
        if args.output:
            with open(args.output, "w", encoding="utf-8", newline="") as out:
                out.writelines(chunks)
        else:
            sys.stdout.writelines(chunks)
    finally:
        container.close()
    return 0


def import_accounts(settings: Settings, args: argparse.Namespace) -> int:
    from bot.wiring import build_container

    try:
        records = parse_accounts_csv(args.file.read_text(encoding="utf-8-sig"))
    except (OSError, AccountsFileInvalid) as error:
        print(f"opsbot: cannot import {args.file}: {error}", file=sys.stderr)
        return 2
    if settings.auto_migrate:
        upgrade_database(settings.database_url)
    container = build_container(settings)
    try:
        team_id = _team(container, args.team)
        if team_id is None:
            return 2
        created, updated = container.service(FeedbackService).import_accounts(
            team_id=team_id, records=records, now=utcnow()
        )
    finally:
        container.close()
    print(f"accounts: {created} created, {updated} updated")
    return 0
