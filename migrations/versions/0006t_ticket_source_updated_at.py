"""triage tickets remember when the helpdesk signed the last applied update (replays ignored)

Revision ID: 0006t
Revises: 0006o
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.db

revision = "0006t"
down_revision = "0006o"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("triage_tickets", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("source_updated_at", bot.db.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("triage_tickets", schema=None) as batch_op:
        batch_op.drop_column("source_updated_at")
