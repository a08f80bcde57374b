"""buddies: members, each cycle's pairs, shared calls, declines and takeaways

Written beside 0006r (releases); it follows main's head when it was merged (0006o, OAuth installations).

Revision ID: 0006b
Revises: 0006g
Create Date: 2026-11-23 15:47:43.318181
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.db

revision = "0006b"
down_revision = "0006g"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "buddy_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("request_key", sa.String(length=128), nullable=False),
        sa.Column("rep_user_id", sa.String(length=32), nullable=False),
        sa.Column("buddy_user_id", sa.String(length=32), nullable=True),
        sa.Column("account_name", sa.String(length=255), nullable=False),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=512), nullable=False),
        sa.Column("starts_at", bot.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("owner_user_id", sa.String(length=32), nullable=True),
        sa.Column("offered_at", bot.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("created_at", bot.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", bot.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["workspaces.team_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "request_key", name="uq_buddy_calls_request"),
    )
    with op.batch_alter_table("buddy_calls", schema=None) as batch_op:
        batch_op.create_index(
            "ix_buddy_calls_team_owner", ["team_id", "owner_user_id", "starts_at"], unique=False
        )
        batch_op.create_index("ix_buddy_calls_team_starts", ["team_id", "starts_at"], unique=False)

    op.create_table(
        "buddy_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("group_name", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("snoozed_until", sa.Date(), nullable=True),
        sa.Column("departed_at", bot.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("added_by", sa.String(length=32), nullable=False),
        sa.Column("joined_at", bot.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", bot.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["workspaces.team_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "user_id", name="uq_buddy_members_user"),
    )
    with op.batch_alter_table("buddy_members", schema=None) as batch_op:
        batch_op.create_index(
            "ix_buddy_members_team_group", ["team_id", "group_name", "active"], unique=False
        )

    op.create_table(
        "buddy_pairs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("cycle", sa.String(length=64), nullable=False),
        sa.Column("rep_user_id", sa.String(length=32), nullable=False),
        sa.Column("pm_user_id", sa.String(length=32), nullable=False),
        sa.Column("shared_hours", sa.Float(), nullable=False),
        sa.Column("last_together", sa.String(length=64), nullable=True),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", bot.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["workspaces.team_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "cycle", "rep_user_id", name="uq_buddy_pairs_cycle_rep"),
    )
    with op.batch_alter_table("buddy_pairs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_buddy_pairs_team_created", ["team_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_buddy_pairs_team_rep", ["team_id", "rep_user_id", "created_at"], unique=False
        )

    op.create_table(
        "buddy_declines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("declined_at", bot.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["call_id"], ["buddy_calls.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["team_id"], ["workspaces.team_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "call_id", "user_id", name="uq_buddy_declines_user"),
    )
    op.create_table(
        "buddy_takeaways",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("feedback_item_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", bot.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["call_id"], ["buddy_calls.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["team_id"], ["workspaces.team_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "feedback_item_id", name="uq_buddy_takeaways_item"),
    )
    with op.batch_alter_table("buddy_takeaways", schema=None) as batch_op:
        batch_op.create_index("ix_buddy_takeaways_call", ["team_id", "call_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("buddy_takeaways", schema=None) as batch_op:
        batch_op.drop_index("ix_buddy_takeaways_call")

    op.drop_table("buddy_takeaways")
    op.drop_table("buddy_declines")
    with op.batch_alter_table("buddy_pairs", schema=None) as batch_op:
        batch_op.drop_index("ix_buddy_pairs_team_rep")
        batch_op.drop_index("ix_buddy_pairs_team_created")

    op.drop_table("buddy_pairs")
    with op.batch_alter_table("buddy_members", schema=None) as batch_op:
        batch_op.drop_index("ix_buddy_members_team_group")

    op.drop_table("buddy_members")
    with op.batch_alter_table("buddy_calls", schema=None) as batch_op:
        batch_op.drop_index("ix_buddy_calls_team_starts")
        batch_op.drop_index("ix_buddy_calls_team_owner")

    op.drop_table("buddy_calls")
