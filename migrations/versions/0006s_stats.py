"""stats: indexes for the stats, App Home visits, the ops report's upload guard and the pulse survey

Revision ID: 0006s
Revises: 0006r
Create Date: 2026-11-23 16:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.db

revision = "0006s"
down_revision = "0006r"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # indexes owned by bot/stats/models.py on the rituals' tables
    with op.batch_alter_table("feedback_items", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stats_feedback_status_changed",
            ["team_id", "status", "status_changed_at", "merged_into_id", "captured_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_stats_feedback_captured_by",
            ["team_id", "captured_at", "submitted_by", "account_id"],
            unique=False,
        )
    with op.batch_alter_table("triage_tickets", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stats_tickets_created",
            ["team_id", "created_at", "status", "decided_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_stats_tickets_decided",
            ["team_id", "decided_at", "status", "created_at"],
            unique=False,
        )
    op.create_table(
        "home_visits",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["workspaces.team_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("team_id", "day", "user_id"),
    )
    op.create_table(
        "ops_report_uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("period", sa.String(length=64), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("stats_period", sa.String(length=16), nullable=False),
        sa.Column("as_of", bot.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", bot.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("uploaded_at", bot.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("file_ids", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["workspaces.team_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "period", "channel_id", name="uq_ops_report_uploads_key"),
    )
    op.create_table(
        "pulse_surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("period", sa.String(length=64), nullable=False),
        sa.Column("opened_at", bot.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closes_at", bot.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["workspaces.team_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "period", name="uq_pulse_surveys_period"),
    )
    with op.batch_alter_table("pulse_surveys", schema=None) as batch_op:
        batch_op.create_index(
            "ix_pulse_surveys_team_opened", ["team_id", "opened_at"], unique=False
        )
    op.create_table(
        "pulse_invitees",
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["survey_id"], ["pulse_surveys.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("survey_id", "user_id"),
    )
    with op.batch_alter_table("pulse_invitees", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pulse_invitees_team_id"), ["team_id"], unique=False)
    op.create_table(
        "pulse_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("relevance", sa.Integer(), nullable=True),
        sa.Column("support", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("answered_at", bot.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", bot.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["survey_id"], ["pulse_surveys.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("survey_id", "user_id", name="uq_pulse_answers_person"),
    )
    with op.batch_alter_table("pulse_answers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_pulse_answers_team_survey", ["team_id", "survey_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("pulse_answers", schema=None) as batch_op:
        batch_op.drop_index("ix_pulse_answers_team_survey")
    op.drop_table("pulse_answers")
    with op.batch_alter_table("pulse_invitees", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pulse_invitees_team_id"))
    op.drop_table("pulse_invitees")
    with op.batch_alter_table("pulse_surveys", schema=None) as batch_op:
        batch_op.drop_index("ix_pulse_surveys_team_opened")
    op.drop_table("pulse_surveys")
    op.drop_table("ops_report_uploads")
    op.drop_table("home_visits")
    with op.batch_alter_table("triage_tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_stats_tickets_decided")
        batch_op.drop_index("ix_stats_tickets_created")
    with op.batch_alter_table("feedback_items", schema=None) as batch_op:
        batch_op.drop_index("ix_stats_feedback_captured_by")
        batch_op.drop_index("ix_stats_feedback_status_changed")
