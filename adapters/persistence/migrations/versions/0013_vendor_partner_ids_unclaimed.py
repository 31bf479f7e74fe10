"""A vendor's selling partner id no longer claims its account: it arrives unconfirmed
through the person's browser (no SP-API call confirms it for a vendor), so the unique guard
on live selling partner ids covers sellers only. See domain Connection.account_ids.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

NAME = "uq_connections_live_selling_partner"
LIVE = "disconnected_at IS NULL"
LIVE_SELLER = "disconnected_at IS NULL AND account_type = 'seller'"


def _guard(where: str) -> None:
    op.drop_index(NAME, table_name="connections")
    op.create_index(
        NAME,
        "connections",
        ["region", "selling_partner_id"],
        unique=True,
        sqlite_where=sa.text(where),
        postgresql_where=sa.text(where),
    )


def upgrade() -> None:
    _guard(LIVE_SELLER)


def downgrade() -> None:
    _guard(LIVE)
