"""Merge the stats branch (0006s, written off 0005) with main's head (0006b)

One head keeps `alembic revision` working on the stats branch; the lead's merge of the other
0006 heads can list this revision instead of 0006s.

Revision ID: 0006sw
Revises: 0006s, 0006b
"""

from __future__ import annotations

revision = "0006sw"
down_revision = ("0006s", "0006b")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
