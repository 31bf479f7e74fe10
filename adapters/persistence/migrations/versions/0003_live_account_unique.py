"""One live connection per Amazon account and region: a unique guard under the use case's
ACCOUNT_IN_USE check, for two teams' callbacks racing for the same account.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

LIVE = "disconnected_at IS NULL"


def upgrade() -> None:
    for name, column in (
        ("uq_connections_live_selling_partner", "selling_partner_id"),
        ("uq_connections_live_ads_account", "ads_account_id"),
    ):
        op.create_index(
            name,
            "connections",
            ["region", column],
            unique=True,
            sqlite_where=sa.text(LIVE),
            postgresql_where=sa.text(LIVE),
        )


def downgrade() -> None:
    op.drop_index("uq_connections_live_ads_account", table_name="connections")
    op.drop_index("uq_connections_live_selling_partner", table_name="connections")
