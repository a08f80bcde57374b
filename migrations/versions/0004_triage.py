"""triage: tickets, their history, sessions and the messages posted for them

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-21 19:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.db

revision = "0004"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "triage_tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("helpdesk", sa.String(length=16), nullable=True),
        sa.Column("external_id", sa.String(length=64), nullable=True),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("account_name", sa.String(length=255), nullable=True),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("link", sa.String(length=512), nullable=True),
        sa.Column("reporter_user_id", sa.String(length=32), nullable=True),
        sa.Column("reporter", sa.String(length=255), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("outcome_reason", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=32), nullable=True),
        sa.Column("decided_at", bot.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("owner_user_id", sa.String(length=32), nullable=True),
        sa.Column("tracker_key", sa.String(length=64), nullable=True),
        sa.Column("tracker_url", sa.String(length=512), nullable=True),
        sa.Column("feedback_id", sa.Integer(), nullable=True),
        sa.Column("created_at", bot.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("received_at", bot.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", bot.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["workspaces.team_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "team_id", "helpdesk", "external_id", name="uq_triage_tickets_external"
        ),
    )
    with op.batch_alter_table("triage_tickets", schema=None) as batch_op:
        batch_op.create_index(
            "ix_triage_tickets_queue", ["team_id", "status", "severity", "created_at"], unique=False
        )
        batch_op.create_index("ix_triage_tickets_owner", ["team_id", "owner_user_id"], unique=False)
        batch_op.create_index(
            "ix_triage_tickets_reporter", ["team_id", "reporter_user_id"], unique=False
        )
        batch_op.create_index("ix_triage_tickets_feedback", ["feedback_id"], unique=False)

    op.create_table(
        "triage_ticket_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("at", bot.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["triage_tickets.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("triage_ticket_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_triage_ticket_events_ticket", ["team_id", "ticket_id"], unique=False
        )

    op.create_table(
        "triage_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("period", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("started_at", bot.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("parent_ts", sa.String(length=32), nullable=True),
        sa.Column("closed_at", bot.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=32), nullable=True),
        sa.Column("superseded_at", bot.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["team_id"], ["workspaces.team_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "channel_id", "period", name="uq_triage_sessions_run"),
    )
    with op.batch_alter_table("triage_sessions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_triage_sessions_channel_state", ["team_id", "channel_id", "state"], unique=False
        )

    op.create_table(
        "triage_session_tickets",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("ts", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["session_id"], ["triage_sessions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["ticket_id"], ["triage_tickets.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("session_id", "ticket_id"),
    )
    with op.batch_alter_table("triage_session_tickets", schema=None) as batch_op:
        batch_op.create_index(
            "ix_triage_session_tickets_ticket", ["team_id", "ticket_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("triage_session_tickets")
    op.drop_table("triage_sessions")
    op.drop_table("triage_ticket_events")
    op.drop_table("triage_tickets")
