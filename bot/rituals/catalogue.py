"""What each ritual is, in the words people see in /ops help, the App Home and the manifest."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class RitualName(StrEnum):
    """Ritual names as used by the CLI, settings, logs and metrics (DESIGN.md contracts)."""

    FEEDBACK_DIGEST = "feedback-digest"
    TRIAGE_THREAD = "triage-thread"
    BUDDY_PAIRING = "buddy-pairing"
    BUDDY_REMINDERS = "buddy-reminders"
    RELEASE_ROLLUP = "release-rollup"


@dataclass(frozen=True)
class SlashCommand:
    command: str
    description: str
    usage_hint: str


@dataclass(frozen=True)
class Ritual:
    title: str
    emoji: str
    summary: str
    commands: tuple[str, ...]


SLASH_COMMANDS: tuple[SlashCommand, ...] = (
    SlashCommand(
        "/feedback",
        "Capture what a customer said",
        "[Account] what they said #area  |  export",
    ),
    SlashCommand("/triage", "Send a support ticket to the weekly triage", "[now]"),
    SlashCommand("/buddy", "PM / sales buddy calls", "join pm|sales  |  call  |  snooze"),
    SlashCommand("/release", "Compose and announce a release", "[import owner/repo@tag]"),
    SlashCommand("/ops", "opsbot help, settings, stats and exports", "help | settings | stats"),
)

RITUALS: tuple[Ritual, ...] = (
    Ritual(
        "Feedback capture",
        ":bulb:",
        "Capture what customers say from anywhere in Slack; similar requests are merged and a "
        "weekly digest shows what matters most.",
        (
            "`/feedback` opens the form",
            "`/feedback [Acme] export to CSV is slow #reporting` captures at once",
            "message menu → *Capture as feedback*",
        ),
    ),
    Ritual(
        "Support triage",
        ":ambulance:",
        "A weekly thread where PMs and support leads clear the ticket queue together, "
        "one click per ticket.",
        (
            "`/triage` files a ticket",
            "message menu → *Send to triage*",
            "`/triage now` re-posts the queue",
        ),
    ),
    Ritual(
        "PM / sales buddies",
        ":handshake:",
        "Every sales rep is paired with a PM; reps share customer calls and their buddy joins.",
        ("`/buddy join pm` or `/buddy join sales`", "`/buddy call` shares an upcoming call"),
    ),
    Ritual(
        "Release announcements",
        ":rocket:",
        "Compose release notes once, preview them and post them to every audience channel; "
        "the feedback they answer is closed for you.",
        ("`/release` opens the composer", "`/release import owner/repo@tag` starts a draft"),
    ),
)

OPS_SUBCOMMANDS: tuple[tuple[str, str], ...] = (
    ("help", "this message"),
    ("settings", "channels, schedules and product areas (admins)"),
    ("stats", "how product ops is doing"),
    ("run <ritual>", "run a ritual now (admins)"),
)
