"""`opsbot export feedback` and `opsbot import accounts`: the feedback ritual's CLI commands.

`bot/cli.py` owns the `export` and `import` groups; each ritual adds its own subcommands here.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.db import upgrade_database, utcnow
from bot.rituals.feedback.domain import AccountsFileInvalid, parse_accounts_csv


def add_commands(*, export_commands: Any, import_commands: Any) -> None:
    feedback = export_commands.add_parser("feedback", help="feedback items (CSV or JSON)")
    feedback.add_argument("--format", choices=["csv", "json"], default="csv")
    feedback.add_argument("--since", type=_day, help="only items captured on or after YYYY-MM-DD")
    feedback.add_argument("--team", help="Slack team id (T...); optional with one workspace")
    feedback.add_argument("--output", "-o", help="write to this file instead of stdout")
    feedback.set_defaults(handler=export_feedback)

    accounts = import_commands.add_parser(
        "accounts",
        help="customer accounts from a CSV file with a header: name,external_id,segment,arr,owner",
    )
    accounts.add_argument("file", type=Path)
    accounts.add_argument("--team", help="Slack team id (T...); optional with one workspace")
    accounts.set_defaults(handler=import_accounts)


def _day(value: str) -> datetime:
    try:
        return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2026-11-01") from None


def _team(container: Any, wanted: str | None) -> str | None:
    if wanted:
        return wanted
    teams = container.services.feedback.known_teams()
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
        chunks = container.services.feedback.export(
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
        created, updated = container.services.feedback.import_accounts(
            team_id=team_id, records=records, now=utcnow()
        )
    finally:
        container.close()
    print(f"accounts: {created} created, {updated} updated")
    return 0
