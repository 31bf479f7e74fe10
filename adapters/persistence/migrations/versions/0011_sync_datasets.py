"""Sync cursors per dataset (DESIGN §12): each (marketplace, dataset) keeps its own coverage,
last success, last error and the report it is waiting for; the cursors there were are the
orders cursors they always were.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_ADDED = (
    "covered_from",
    "last_success_at",
    "pending_start",
    "pending_end",
    "last_error_code",
    "last_error_detail",
    "pending_report",
    "pending_kind",
)


def upgrade() -> None:
    with op.batch_alter_table("sync_cursors", recreate="always") as batch:
        batch.add_column(
            sa.Column("dataset", sa.String(length=32), nullable=False, server_default="orders")
        )
        batch.drop_constraint("pk_sync_cursors", type_="primary")
        batch.create_primary_key("pk_sync_cursors", ["connection_id", "marketplace_id", "dataset"])
        for name in ("covered_from", "last_success_at", "pending_start", "pending_end"):
            batch.add_column(sa.Column(name, sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("last_error_code", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("last_error_detail", sa.Text(), nullable=True))
        batch.add_column(sa.Column("pending_report", sa.String(length=400), nullable=True))
        batch.add_column(sa.Column("pending_kind", sa.String(length=16), nullable=True))
    with op.batch_alter_table("sync_cursors", recreate="always") as batch:
        batch.alter_column("dataset", server_default=None)


def downgrade() -> None:
    op.execute("DELETE FROM sync_cursors WHERE dataset <> 'orders'")
    with op.batch_alter_table("sync_cursors", recreate="always") as batch:
        batch.drop_constraint("pk_sync_cursors", type_="primary")
        batch.create_primary_key("pk_sync_cursors", ["connection_id", "marketplace_id"])
        for name in ("dataset", *_ADDED):
            batch.drop_column(name)
