"""Listings: per-SKU pending state for batched inventory and price updates (seed 003).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 11:45:08.533647
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

PENDING = "pending_since IS NOT NULL OR in_flight_at IS NOT NULL"


def upgrade() -> None:
    op.create_table(
        "listings",
        sa.Column("connection_id", sa.String(length=128), nullable=False),
        sa.Column("marketplace_id", sa.String(length=32), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("pending_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("in_flight_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connections.id"],
            name=op.f("fk_listings_connection_id_connections"),
            ondelete="CASCADE",
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("connection_id", "marketplace_id", "sku", name=op.f("pk_listings")),
    )
    op.create_index("ix_listings_connection_id_sku", "listings", ["connection_id", "sku"])
    op.create_index(
        "ix_listings_pending",
        "listings",
        ["connection_id"],
        postgresql_where=sa.text(PENDING),
        sqlite_where=sa.text(PENDING),
    )


def downgrade() -> None:
    op.drop_table("listings")
