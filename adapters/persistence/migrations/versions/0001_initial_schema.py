"""Initial schema: teams, memberships, connections with grants and profiles, marketplaces
with transition history, authorization requests, listing settings, audit events, sync
cursors.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 11:32:10.288293
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("team_id", sa.String(length=128), nullable=False),
        sa.Column("connection_id", sa.String(length=128), nullable=True),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_events")),
        sa.UniqueConstraint("id", name=op.f("uq_audit_events_id")),
    )
    op.create_index("ix_audit_events_at", "audit_events", ["at"], unique=False)
    op.create_index(
        "ix_audit_events_connection_id_at", "audit_events", ["connection_id", "at"], unique=False
    )
    op.create_index("ix_audit_events_team_id_at", "audit_events", ["team_id", "at"], unique=False)

    op.create_table(
        "authorization_requests",
        sa.Column("state", sa.String(length=256), nullable=False),
        sa.Column("team_id", sa.String(length=128), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("region", sa.String(length=4), nullable=False),
        sa.Column("account_type", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("marketplace_id", sa.String(length=32), nullable=True),
        sa.Column("return_to", sa.Text(), nullable=True),
        sa.Column("connection_id", sa.String(length=128), nullable=True),
        sa.Column("code_verifier_ciphertext", sa.LargeBinary(), nullable=True),
        sa.Column("code_verifier_key_id", sa.String(length=32), nullable=True),
        sa.Column("consumed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error_code", sa.String(length=64), nullable=True),
        sa.Column("result_connection_id", sa.String(length=128), nullable=True),
        sa.PrimaryKeyConstraint("state", name=op.f("pk_authorization_requests")),
    )
    op.create_index(
        "ix_authorization_requests_expires_at",
        "authorization_requests",
        ["expires_at"],
        unique=False,
    )

    op.create_table(
        "teams",
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("plan", sa.String(length=16), nullable=False),
        sa.Column("max_connections", sa.Integer(), nullable=True),
        sa.Column("marketplace_retry_limit", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams")),
    )
    op.create_table(
        "connections",
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("team_id", sa.String(length=128), nullable=False),
        sa.Column("account_type", sa.String(length=16), nullable=False),
        sa.Column("region", sa.String(length=4), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("selling_partner_id", sa.String(length=128), nullable=True),
        sa.Column("ads_account_id", sa.String(length=128), nullable=True),
        sa.Column("required_channels", sa.String(length=64), nullable=False),
        sa.Column("selected_profile_id", sa.String(length=128), nullable=True),
        sa.Column("profile_auto_selected", sa.Boolean(), nullable=False),
        sa.Column("disconnected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("unusable_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_connections_team_id_teams"),
            ondelete="CASCADE",
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_connections")),
    )
    op.create_index(
        "ix_connections_ads_account_id", "connections", ["ads_account_id"], unique=False
    )
    op.create_index(
        "ix_connections_selling_partner_id", "connections", ["selling_partner_id"], unique=False
    )
    op.create_index("ix_connections_team_id", "connections", ["team_id"], unique=False)

    op.create_table(
        "memberships",
        sa.Column("team_id", sa.String(length=128), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_memberships_team_id_teams"),
            ondelete="CASCADE",
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("team_id", "user_id", name=op.f("pk_memberships")),
    )
    op.create_index("ix_memberships_user_id", "memberships", ["user_id"], unique=False)

    op.create_table(
        "grants",
        sa.Column("connection_id", sa.String(length=128), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("refresh_token_ciphertext", sa.LargeBinary(), nullable=True),
        sa.Column("refresh_token_key_id", sa.String(length=32), nullable=True),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("authorized_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("account_id", sa.String(length=128), nullable=True),
        sa.Column("access_token_ciphertext", sa.LargeBinary(), nullable=True),
        sa.Column("access_token_key_id", sa.String(length=32), nullable=True),
        sa.Column("access_token_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_refresh_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_refresh_error", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connections.id"],
            name=op.f("fk_grants_connection_id_connections"),
            ondelete="CASCADE",
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("connection_id", "channel", name=op.f("pk_grants")),
    )
    op.create_index(
        "ix_grants_access_token_due",
        "grants",
        ["access_token_expires_at"],
        unique=False,
        postgresql_where=sa.text("refresh_token_ciphertext IS NOT NULL AND revoked_at IS NULL"),
        sqlite_where=sa.text("refresh_token_ciphertext IS NOT NULL AND revoked_at IS NULL"),
    )
    op.create_index("ix_grants_expires_at", "grants", ["expires_at"], unique=False)

    op.create_table(
        "listing_settings",
        sa.Column("connection_id", sa.String(length=128), nullable=False),
        sa.Column("inventory_buffer", sa.Integer(), nullable=False),
        sa.Column("inventory_ceiling", sa.Integer(), nullable=True),
        sa.Column("minimum_price_amount", sa.String(length=40), nullable=True),
        sa.Column("minimum_price_currency", sa.String(length=3), nullable=True),
        sa.Column("pricing_enabled", sa.Boolean(), nullable=False),
        sa.Column("batch_window_microseconds", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connections.id"],
            name=op.f("fk_listing_settings_connection_id_connections"),
            ondelete="CASCADE",
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("connection_id", name=op.f("pk_listing_settings")),
    )
    op.create_table(
        "marketplaces",
        sa.Column("connection_id", sa.String(length=128), nullable=False),
        sa.Column("marketplace_id", sa.String(length=32), nullable=False),
        sa.Column("country_code", sa.String(length=8), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("retry_limit", sa.Integer(), nullable=False),
        sa.Column("selected", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("retries_used", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connections.id"],
            name=op.f("fk_marketplaces_connection_id_connections"),
            ondelete="CASCADE",
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("connection_id", "marketplace_id", name=op.f("pk_marketplaces")),
    )
    op.create_index("ix_marketplaces_state", "marketplaces", ["state"], unique=False)

    op.create_table(
        "profiles",
        sa.Column("connection_id", sa.String(length=128), nullable=False),
        sa.Column("profile_id", sa.String(length=128), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("country_code", sa.String(length=8), nullable=False),
        sa.Column("currency_code", sa.String(length=8), nullable=False),
        sa.Column("marketplace_id", sa.String(length=32), nullable=False),
        sa.Column("account_type", sa.String(length=16), nullable=False),
        sa.Column("account_name", sa.Text(), nullable=False),
        sa.Column("account_id", sa.String(length=128), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connections.id"],
            name=op.f("fk_profiles_connection_id_connections"),
            ondelete="CASCADE",
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("connection_id", "profile_id", name=op.f("pk_profiles")),
    )
    op.create_table(
        "sync_cursors",
        sa.Column("connection_id", sa.String(length=128), nullable=False),
        sa.Column("marketplace_id", sa.String(length=32), nullable=False),
        sa.Column("synced_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("backfill_from", sa.DateTime(timezone=True), nullable=True),
        sa.Column("backfill_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connections.id"],
            name=op.f("fk_sync_cursors_connection_id_connections"),
            ondelete="CASCADE",
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("connection_id", "marketplace_id", name=op.f("pk_sync_cursors")),
    )
    op.create_index(
        "ix_sync_cursors_backfill_from", "sync_cursors", ["backfill_from"], unique=False
    )

    op.create_table(
        "marketplace_transitions",
        sa.Column("connection_id", sa.String(length=128), nullable=False),
        sa.Column("marketplace_id", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("from_state", sa.String(length=32), nullable=True),
        sa.Column("to_state", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id", "marketplace_id"],
            ["marketplaces.connection_id", "marketplaces.marketplace_id"],
            name=op.f("fk_marketplace_transitions_connection_id_marketplaces"),
            ondelete="CASCADE",
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint(
            "connection_id", "marketplace_id", "seq", name=op.f("pk_marketplace_transitions")
        ),
    )


def downgrade() -> None:
    op.drop_table("marketplace_transitions")
    op.drop_table("sync_cursors")
    op.drop_table("profiles")
    op.drop_table("marketplaces")
    op.drop_table("listing_settings")
    op.drop_table("grants")
    op.drop_table("memberships")
    op.drop_table("connections")
    op.drop_table("teams")
    op.drop_table("authorization_requests")
    op.drop_table("audit_events")
