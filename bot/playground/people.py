"""Who and what lives in the playground's local workspace: seeded people and channels.

One definition, read by the local workspace (its `users.info`, `conversations.*` answers and the
page's people switch) and by the seed data (who gave feedback, who is paired with whom), so the
two can never disagree about a user id or a channel.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

TEAM_ID = "TPLAYGRND"
TEAM_NAME = "Acme (playground)"
BOT_USER_ID = "UOPSBOT"
BOT_NAME = "opsbot"


class Part(StrEnum):
    """What a person does at Acme: decides who shows up in which ritual."""

    PM = "pm"
    SALES = "sales"
    SUPPORT = "support"
    ADMIN = "admin"


@dataclass(frozen=True)
class Person:
    id: str
    handle: str
    real_name: str
    title: str
    tz: str  # IANA zone, as Slack's users.info gives it
    part: Part

    @property
    def is_admin(self) -> bool:
        return self.part is Part.ADMIN


@dataclass(frozen=True)
class Channel:
    id: str
    name: str
    purpose: str
    members: tuple[str, ...]


PEOPLE: tuple[Person, ...] = (
    Person("UDANA", "dana", "Dana Kim", "Head of product ops", "America/Los_Angeles", Part.ADMIN),
    Person("UPRIYA", "priya", "Priya Raman", "PM, Billing", "Europe/London", Part.PM),
    Person("UMARCO", "marco", "Marco Rossi", "PM, Mobile", "Europe/Rome", Part.PM),
    Person("UJESS", "jess", "Jess Carter", "Account executive", "America/New_York", Part.SALES),
    Person("UKENJI", "kenji", "Kenji Sato", "Solutions engineer", "Asia/Tokyo", Part.SALES),
    Person("UAMARA", "amara", "Amara Okafor", "Support lead", "Africa/Lagos", Part.SUPPORT),
    Person("ULUIS", "luis", "Luis García", "Support engineer", "America/Mexico_City", Part.SUPPORT),
)

EVERYONE = tuple(person.id for person in PEOPLE)


def people_in(part: Part) -> tuple[Person, ...]:
    return tuple(person for person in PEOPLE if person.part is part)


CHANNELS: tuple[Channel, ...] = (
    Channel("CGENERAL", "general", "Company-wide announcements", EVERYONE),
    Channel("CFEEDBACK", "product-feedback", "Customer feedback and its weekly digest", EVERYONE),
    Channel("CTRIAGE", "support-triage", "The weekly support-triage thread", EVERYONE),
    Channel("CBUDDIES", "pm-sales-buddies", "PM/sales buddy pairs and calls", EVERYONE),
    Channel("CRELEASES", "releases", "Release notes as they ship", EVERYONE),
    Channel("COPS", "product-ops", "Product-ops reports and stats", EVERYONE),
)


def person(user_id: str) -> Person:
    for candidate in PEOPLE:
        if candidate.id == user_id:
            return candidate
    raise KeyError(user_id)


def channel_named(name: str) -> Channel:
    for candidate in CHANNELS:
        if candidate.name == name:
            return candidate
    raise KeyError(name)
