"""feedback: accounts, items, requesters

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-21 19:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.db

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feedback_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("name_key", sa.String(length=255), nullable=False),
        sa.Column("external_id", sa.String(length=128), nullable=True),
        sa.Column("segment", sa.String(length=64), nullable=True),
        sa.Column("arr", sa.BigInteger(), nullable=True),
        sa.Column("owner_user_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", bot.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["workspaces.team_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "name_key", name="uq_feedback_accounts_name"),
    )
    op.create_table(
        "feedback_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("area", sa.String(length=64), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("importance", sa.String(length=16), nullable=False),
        sa.Column("link", sa.String(length=2000), nullable=True),
        sa.Column("submitted_by", sa.String(length=32), nullable=False),
        sa.Column("on_behalf_of", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_link", sa.String(length=2000), nullable=True),
        sa.Column("decline_reason", sa.String(length=2000), nullable=True),
        sa.Column("request_count", sa.Integer(), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("message_channel", sa.String(length=32), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.Column("permalink", sa.String(length=2000), nullable=True),
        sa.Column("capture_key", sa.String(length=255), nullable=True),
        sa.Column("captured_at", bot.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reviewed_at", bot.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("status_changed_at", bot.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["workspaces.team_id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["account_id"], ["feedback_accounts.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["merged_into_id"], ["feedback_items.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "capture_key", name="uq_feedback_items_capture_key"),
    )
    with op.batch_alter_table("feedback_items", schema=None) as batch_op:
        batch_op.create_index("ix_feedback_items_account_id", ["account_id"], unique=False)
        batch_op.create_index(
            "ix_feedback_items_team_captured", ["team_id", "captured_at"], unique=False
        )
        batch_op.create_index(
            "ix_feedback_items_team_status_captured",
            ["team_id", "status", "merged_into_id", "captured_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_feedback_items_team_area_captured", ["team_id", "area", "captured_at"], unique=False
        )
        batch_op.create_index(
            "ix_feedback_items_team_reviewed",
            ["team_id", "reviewed_at", "merged_into_id", "captured_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_feedback_items_team_requests", ["team_id", "request_count"], unique=False
        )
        batch_op.create_index(
            "ix_feedback_items_team_submitter",
            ["team_id", "submitted_by", "captured_at"],
            unique=False,
        )
    op.create_table(
        "feedback_requesters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("requester_key", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("added_at", bot.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["feedback_items.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["account_id"], ["feedback_accounts.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("item_id", "requester_key", name="uq_feedback_requesters_item_key"),
    )
    with op.batch_alter_table("feedback_requesters", schema=None) as batch_op:
        batch_op.create_index("ix_feedback_requesters_item_id", ["item_id"], unique=False)
        batch_op.create_index("ix_feedback_requesters_team_id", ["team_id"], unique=False)


def downgrade() -> None:
    op.drop_table("feedback_requesters")
    op.drop_table("feedback_items")
    op.drop_table("feedback_accounts")
