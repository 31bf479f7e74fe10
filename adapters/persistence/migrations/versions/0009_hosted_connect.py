"""Hosted connect: authorization requests remember the browser they were bound to (RFC 9700
§4.7), and connect sessions (the product's links to the hosted flow) get a table.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("authorization_requests") as batch:
        batch.add_column(sa.Column("browser_binding", sa.String(64), nullable=True))
    op.create_table(
        "connect_sessions",
        sa.Column("id", sa.String(128), nullable=False),
        sa.Column("team_id", sa.String(128), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("token_digest", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("account_types", sa.String(64), nullable=False),
        sa.Column("regions", sa.String(64), nullable=False),
        sa.Column("end_user_id", sa.String(200), nullable=True),
        sa.Column("end_user_email", sa.String(200), nullable=True),
        sa.Column("connection_id", sa.String(128), nullable=True),
        sa.Column("return_to", sa.Text(), nullable=True),
        sa.Column("browser_binding", sa.String(64), nullable=True),
        sa.Column("pending_state", sa.String(256), nullable=True),
        sa.Column("last_error", sa.String(64), nullable=True),
        sa.Column("vendor_central_skipped", sa.Boolean(), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name="fk_connect_sessions_team_id_teams",
            ondelete="CASCADE",
            deferrable=True,
            initially="DEFERRED",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_connect_sessions"),
    )
    op.create_index(
        "ix_connect_sessions_token_digest", "connect_sessions", ["token_digest"], unique=True
    )
    op.create_index("ix_connect_sessions_expires_at", "connect_sessions", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_connect_sessions_expires_at", table_name="connect_sessions")
    op.drop_index("ix_connect_sessions_token_digest", table_name="connect_sessions")
    op.drop_table("connect_sessions")
    with op.batch_alter_table("authorization_requests") as batch:
        batch.drop_column("browser_binding")
