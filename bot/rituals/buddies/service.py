"""Buddy use cases on people: enrolment, the monthly target, pairing a cycle and introducing it,
who left Slack, the status behind `/buddy` and App Home, the digest and export. Calls live in
`calls.py`; each sub-flow lives in `bot.rituals.buddies.flows` (`people`, `pairing`,
`reporting`, over the shared `base`).

Each public method is one unit of work (or none), takes `now` (aware UTC) and raises
`BuddyError` (shown privately) with nothing written when the request cannot be honoured.
Slack reads (users.info, group members) happen before the transaction, never inside it; the
methods that make them (`join`, `add`, the admin-only ones for a person opsbot never saw) are
called by listeners after the ack only (bot/slack/listen.py).
"""

from __future__ import annotations

from bot.rituals.buddies.flows.pairing import PairingFlow
from bot.rituals.buddies.flows.people import PeopleFlow
from bot.rituals.buddies.flows.reporting import ReportingFlow


class BuddyService(PeopleFlow, PairingFlow, ReportingFlow):
    """Built with `sessions`, `workspaces`, `permissions`, `people` (Slack reads), `metrics` and
    the ritual's `options`."""


__all__ = ["BuddyService"]
