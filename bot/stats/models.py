"""Indexes the stats need on the rituals' tables, owned here so the rituals' models stay theirs.

Each one lets an aggregation read a range of one index instead of every row of a workspace,
and carries the columns that aggregation reads, so no table row is visited: items that became
planned or shipped in a window, who captured feedback for which accounts in a window, tickets
created in a window (and when they were decided: the SLA), tickets decided in a window.
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
FEEDBACK_CAPTURED_BY = Index(
    "ix_stats_feedback_captured_by",
    FeedbackItem.team_id,
    FeedbackItem.captured_at,
    FeedbackItem.submitted_by,
    FeedbackItem.account_id,
)
TICKETS_CREATED = Index(
    "ix_stats_tickets_created",
    Ticket.team_id,
    Ticket.created_at,
    Ticket.status,
    Ticket.decided_at,
)
TICKETS_DECIDED = Index(
    "ix_stats_tickets_decided", Ticket.team_id, Ticket.decided_at, Ticket.status, Ticket.created_at
)
