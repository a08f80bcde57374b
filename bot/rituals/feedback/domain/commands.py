"""How `/feedback <text>` is read: a subcommand, or feedback to capture."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class CommandKind(StrEnum):
    FORM = "form"  # `/feedback`
    HELP = "help"  # `/feedback help`
    EXPORT = "export"  # `/feedback export`
    EDIT_ACCOUNT = "edit-account"  # `/feedback edit account Acme`
    CAPTURE = "capture"  # `/feedback <what they said>`


@dataclass(frozen=True)
class FeedbackCommand:
    kind: CommandKind
    argument: str = ""


_EDIT_ACCOUNT = re.compile(r"^edit\s+account\b\s*(.*)$", re.IGNORECASE | re.DOTALL)


def parse_feedback_command(text: str) -> FeedbackCommand:
    """Subcommands are whole words on their own, so feedback that merely starts with "export"
    ("export to CSV is slow") is captured, not mistaken for an export."""
    stripped = text.strip()
    if not stripped:
        return FeedbackCommand(CommandKind.FORM)
    if stripped.lower() in {"help", "export"}:
        return FeedbackCommand(CommandKind(stripped.lower()))
    edit = _EDIT_ACCOUNT.match(stripped)
    if edit:
        return FeedbackCommand(CommandKind.EDIT_ACCOUNT, " ".join(edit.group(1).split()))
    return FeedbackCommand(CommandKind.CAPTURE, stripped)
