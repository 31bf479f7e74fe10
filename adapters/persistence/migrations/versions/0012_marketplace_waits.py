"""What a marketplace's setup or sync waits for (issue 18, DESIGN §9): the catalogue code of
the reason it shows, and when sellerlink asks Amazon again after a refusal a person must fix.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("marketplaces") as batch:
        batch.add_column(sa.Column("waiting_code", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("retry_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("marketplaces") as batch:
        batch.drop_column("retry_at")
        batch.drop_column("waiting_code")
