"""releases: release notes, their posts, acknowledgements and the feedback loops they closed

Revision ID: 0006r
Revises: 0006b (main's head when this was merged; first branched from 0005)
Create Date: 2026-11-23 16:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.db

revision = "0006r"
down_revision = "0006b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "releases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("author_id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.Column("whats_new", sa.Text(), nullable=False),
        sa.Column("why_it_matters", sa.Text(), nullable=False),
        sa.Column("who_it_is_for", sa.Text(), nullable=False),
        sa.Column("docs_url", sa.String(length=2000), nullable=False),
        sa.Column("feedback_ids", sa.JSON(), nullable=False),
        sa.Column("channel_ids", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("publish_at", bot.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("review_comment", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=32), nullable=True),
        sa.Column("decided_at", bot.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("published_at", bot.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("status_channel", sa.String(length=32), nullable=True),
        sa.Column("status_ts", sa.String(length=32), nullable=True),
        sa.Column("followed_up_at", bot.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", bot.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", bot.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["workspaces.team_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_releases_team_state_publish", "releases", ["team_id", "state", "publish_at"]
    )
    op.create_index("ix_releases_team_author", "releases", ["team_id", "author_id", "updated_at"])
    op.create_index("ix_releases_team_published", "releases", ["team_id", "published_at"])

    op.create_table(
        "release_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("part", sa.String(length=64), nullable=False),
        sa.Column("ts", sa.String(length=32), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("posted_at", bot.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["release_id"], ["releases.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "release_id", "channel_id", "part", name="uq_release_posts"),
    )
    op.create_index("ix_release_posts_release_id", "release_posts", ["release_id"])

    op.create_table(
        "release_acks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("acknowledged_at", bot.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", bot.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", bot.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["release_id"], ["releases.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "release_id", "user_id", name="uq_release_acks"),
    )
    op.create_index("ix_release_acks_release_id", "release_acks", ["release_id"])
    op.create_index(
        "ix_release_acks_team_pending",
        "release_acks",
        ["team_id", "acknowledged_at", "reminded_at"],
    )

    op.create_table(
        "release_loops",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("account_name", sa.String(length=255), nullable=True),
        sa.Column("people_told", sa.Integer(), nullable=False),
        sa.Column("closed_at", bot.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["release_id"], ["releases.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "release_id", "item_id", name="uq_release_loops"),
    )
    op.create_index("ix_release_loops_release_id", "release_loops", ["release_id"])


def downgrade() -> None:
    op.drop_table("release_loops")
    op.drop_table("release_acks")
    op.drop_table("release_posts")
    op.drop_table("releases")
