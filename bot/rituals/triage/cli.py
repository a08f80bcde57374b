"""`opsbot export tickets`: the triage ritual's CLI command (needs only the database)."""

from __future__ import annotations

import argparse
import sys

from bot.config import Settings
from bot.db import upgrade_database
from bot.rituals.cli_args import parse_day
from bot.rituals.contract import CliGroups
from bot.rituals.triage.export import render
from bot.rituals.triage.service import TriageService


def add_commands(groups: CliGroups) -> None:
    tickets = groups.export.add_parser("tickets", help="support-triage tickets and outcomes")
    tickets.add_argument("--format", choices=["csv", "json"], default="csv")
    tickets.add_argument("--team", help="Slack team id (T...); default: every workspace")
    tickets.add_argument(
        "--since", type=parse_day, help="only tickets created on or after YYYY-MM-DD"
    )
    tickets.add_argument("--output", "-o", help="write to this file instead of standard output")
    tickets.set_defaults(handler=export_tickets)


def export_tickets(settings: Settings, args: argparse.Namespace) -> int:
    from bot.wiring import build_container

    if settings.auto_migrate:
        upgrade_database(settings.database_url)
    container = build_container(settings)
    try:
        records = container.service(TriageService).export_records(
            team_id=args.team, since=args.since
        )
    finally:
        container.close()
    chunks = render(records, args.format)
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as out:
            out.writelines(chunks)
    else:
        sys.stdout.writelines(chunks)
    return 0
