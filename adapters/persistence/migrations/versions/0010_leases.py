"""Leases around Amazon calls (DESIGN §15: refresh, setup, sync and listings claim a named
lease they commit instead of holding a lock across the call), and the index that finds a
connection's oldest waiting listing change without reading the others.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_WAITING = "pending_since IS NOT NULL AND in_flight_at IS NULL"


def upgrade() -> None:
    op.create_table(
        "leases",
        sa.Column("name", sa.String(length=256), nullable=False),
        sa.Column("claimed_by", sa.String(length=128), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_leases")),
    )
    op.create_index(
        "ix_listings_waiting",
        "listings",
        ["connection_id", "pending_since"],
        postgresql_where=sa.text(_WAITING),
        sqlite_where=sa.text(_WAITING),
    )


def downgrade() -> None:
    op.drop_index("ix_listings_waiting", table_name="listings")
    op.drop_table("leases")
