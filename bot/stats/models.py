"""Indexes the stats need on the rituals' tables, owned here so the rituals' models stay theirs.

Each one lets an aggregation read a range of one index instead of every row of a workspace:
items that became planned or shipped in a window, tickets created in a window, tickets decided
in a window (the last two also carry the columns the percentiles read, so no row is visited).
"""

from __future__ import annotations

from sqlalchemy import Index

from bot.rituals.feedback.models import FeedbackItem
from bot.rituals.triage.models import Ticket

FEEDBACK_STATUS_CHANGED = Index(
    "ix_stats_feedback_status_changed",
    FeedbackItem.team_id,
    FeedbackItem.status,
    FeedbackItem.status_changed_at,
    FeedbackItem.merged_into_id,
    FeedbackItem.captured_at,
)
TICKETS_CREATED = Index(
    "ix_stats_tickets_created", Ticket.team_id, Ticket.created_at, Ticket.status
)
TICKETS_DECIDED = Index(
    "ix_stats_tickets_decided", Ticket.team_id, Ticket.decided_at, Ticket.status, Ticket.created_at
)
