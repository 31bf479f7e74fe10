"""Records: the seller's data the product reads (DESIGN §12), each team's record sequence, and
the team's `history_days`.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("teams") as batch:
        batch.add_column(
            sa.Column("history_days", sa.Integer(), server_default=sa.text("90"), nullable=False)
        )
    op.create_table(
        "records",
        sa.Column("connection_id", sa.String(length=128), nullable=False),
        sa.Column("marketplace_id", sa.String(length=32), nullable=False),
        sa.Column("dataset", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("team_id", sa.String(length=128), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("payload_hash", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connections.id"],
            name=op.f("fk_records_connection_id_connections"),
            ondelete="CASCADE",
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint(
            "connection_id", "marketplace_id", "dataset", "key", name=op.f("pk_records")
        ),
    )
    op.create_index("uq_records_team_id_seq", "records", ["team_id", "seq"], unique=True)
    op.create_index("ix_records_team_id_dataset_seq", "records", ["team_id", "dataset", "seq"])
    op.create_index("ix_records_connection_id_seq", "records", ["connection_id", "seq"])
    op.create_table(
        "record_sequences",
        sa.Column("team_id", sa.String(length=128), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_record_sequences")),
    )


def downgrade() -> None:
    op.drop_table("record_sequences")
    op.drop_table("records")
    with op.batch_alter_table("teams") as batch:
        batch.drop_column("history_days")
