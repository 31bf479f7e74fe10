"""The app credentials' shared state (DESIGN §15): the rejected-credentials alarm, its
backoff and the rotate-by warnings given, one row per app.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "app_credential_states",
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("rejected_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("warned", sa.String(400), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("channel", name="pk_app_credential_states"),
    )


def downgrade() -> None:
    op.drop_table("app_credential_states")
