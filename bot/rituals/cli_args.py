"""Argument types shared by the rituals' CLI subcommands."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime


def parse_day(value: str) -> datetime:
    """`--since 2026-11-01`: midnight UTC of that day."""
    try:
        return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2026-11-01") from None
