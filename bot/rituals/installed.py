"""INSTALLED: the one list of rituals. Everything else (composition root, Slack app, CLI,
manifest, `/ops help`, the schedule modal, the model registry, Alembic) reads it.

Adding a ritual is a folder under `bot/rituals/` and one line here. Order is build order: a
ritual may use services provided by the rituals above it (triage files features as feedback).
"""

from __future__ import annotations

from bot.rituals.buddies.ritual import BUDDIES
from bot.rituals.contract import Ritual
from bot.rituals.feedback.ritual import FEEDBACK
from bot.rituals.releases.ritual import RELEASES
from bot.rituals.reporting.ritual import REPORTING
from bot.rituals.triage.ritual import TRIAGE

INSTALLED: tuple[Ritual, ...] = (
    FEEDBACK,
    TRIAGE,
    BUDDIES,
    RELEASES,
    REPORTING,
)
