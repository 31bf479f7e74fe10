"""A connection's tables (the Connection aggregate: its grants, profiles, marketplaces and
their history) and the connect flow that makes one (authorization requests, hosted connect
sessions).

Indexes exist for the sweeps DESIGN §8 runs from the database: connections by team, grants
by authorization expiry, grants by access-token expiry (partial: only grants that can be
refreshed), marketplaces by state, authorization requests by expiry."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from adapters.persistence.rows import ID, KEY_ID, Row, owned_by, partial_index

# The grants the refresh sweep can act on; the partial index and the sweep's query share it.
_REFRESHABLE = "refresh_token_ciphertext IS NOT NULL AND revoked_at IS NULL"
LIVE = "disconnected_at IS NULL"
LIVE_SELLER = "disconnected_at IS NULL AND account_type = 'seller'"


class ConnectionRow(Row):
    __tablename__ = "connections"
    __table_args__ = (
        Index("ix_connections_team_id", "team_id"),
        # "Is this Amazon account connected anywhere?" (ACCOUNT_IN_USE, reconnect).
        Index("ix_connections_selling_partner_id", "selling_partner_id"),
        Index("ix_connections_ads_account_id", "ads_account_id"),
        # The backstop of domain/rules.py's OneLiveConnectionPerAccount, for the race
        # the rule cannot see (two teams' callbacks at the same instant). A violation
        # names one of these indexes (PostgreSQL) or its columns (SQLite):
        # repositories/connections.py reads them from here.
        # A vendor's selling partner id is unconfirmed (Connection.account_ids): only a
        # seller's claims the account.
        partial_index(
            "uq_connections_live_selling_partner",
            "region",
            "selling_partner_id",
            unique=True,
            where=LIVE_SELLER,
        ),
        partial_index(
            "uq_connections_live_ads_account",
            "region",
            "ads_account_id",
            unique=True,
            where=LIVE,
        ),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    team_id: Mapped[str] = mapped_column(ID, owned_by("teams.id"))
    account_type: Mapped[str] = mapped_column(String(16))
    region: Mapped[str] = mapped_column(String(4))
    created_at: Mapped[datetime]
    display_name: Mapped[str] = mapped_column(String(200))
    selling_partner_id: Mapped[str | None] = mapped_column(ID)
    ads_account_id: Mapped[str | None] = mapped_column(ID)
    # Sorted channel names joined by commas, e.g. "ads,sp_api".
    required_channels: Mapped[str] = mapped_column(String(64))
    selected_profile_id: Mapped[str | None] = mapped_column(ID)
    profile_auto_selected: Mapped[bool] = mapped_column(Boolean)
    disconnected_at: Mapped[datetime | None]
    unusable_since: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer)


class GrantRow(Row):
    """One channel's authorization. Tokens are stored only as AES-256-GCM ciphertexts with
    the id of the key that sealed them (`crypto.py`)."""

    __tablename__ = "grants"
    __table_args__ = (
        Index("ix_grants_expires_at", "expires_at"),
        # The refresh sweep: grants that can be refreshed, by access-token expiry.
        partial_index(
            "ix_grants_access_token_due",
            "access_token_expires_at",
            where=_REFRESHABLE,
        ),
    )

    connection_id: Mapped[str] = mapped_column(ID, owned_by("connections.id"), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    refresh_token_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    refresh_token_key_id: Mapped[str | None] = mapped_column(KEY_ID)
    scopes: Mapped[list[str]] = mapped_column(JSON)
    authorized_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    account_id: Mapped[str | None] = mapped_column(ID)
    access_token_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    access_token_key_id: Mapped[str | None] = mapped_column(KEY_ID)
    access_token_expires_at: Mapped[datetime | None]
    last_refresh_at: Mapped[datetime | None]
    last_refresh_error: Mapped[str | None] = mapped_column(String(64))


class ProfileRow(Row):
    __tablename__ = "profiles"

    connection_id: Mapped[str] = mapped_column(ID, owned_by("connections.id"), primary_key=True)
    profile_id: Mapped[str] = mapped_column(ID, primary_key=True)
    # The order Amazon returned them in.
    position: Mapped[int] = mapped_column(Integer)
    country_code: Mapped[str] = mapped_column(String(8))
    currency_code: Mapped[str] = mapped_column(String(8))
    marketplace_id: Mapped[str] = mapped_column(String(32))
    account_type: Mapped[str] = mapped_column(String(16))
    account_name: Mapped[str] = mapped_column(Text)
    account_id: Mapped[str] = mapped_column(ID)
    timezone: Mapped[str] = mapped_column(String(64))


class MarketplaceRow(Row):
    __tablename__ = "marketplaces"
    __table_args__ = (Index("ix_marketplaces_state", "state"),)

    connection_id: Mapped[str] = mapped_column(ID, owned_by("connections.id"), primary_key=True)
    marketplace_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    country_code: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(32))
    retry_limit: Mapped[int] = mapped_column(Integer)
    selected: Mapped[bool] = mapped_column(Boolean)
    active: Mapped[bool] = mapped_column(Boolean)
    retries_used: Mapped[int] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    waiting_code: Mapped[str | None] = mapped_column(String(64))
    retry_at: Mapped[datetime | None]


class MarketplaceTransitionRow(Row):
    """Append-only: a marketplace's history (seed 000's retry history). `seq` is the
    transition's position in the history."""

    __tablename__ = "marketplace_transitions"
    __table_args__ = (
        ForeignKeyConstraint(
            ["connection_id", "marketplace_id"],
            ["marketplaces.connection_id", "marketplaces.marketplace_id"],
            ondelete="CASCADE",
            deferrable=True,
            initially="DEFERRED",
        ),
    )

    connection_id: Mapped[str] = mapped_column(ID, primary_key=True)
    marketplace_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime]
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(200))


class AuthorizationRequestRow(Row):
    __tablename__ = "authorization_requests"
    __table_args__ = (Index("ix_authorization_requests_expires_at", "expires_at"),)

    state: Mapped[str] = mapped_column(String(256), primary_key=True)
    team_id: Mapped[str] = mapped_column(ID)
    user_id: Mapped[str] = mapped_column(ID)
    channel: Mapped[str] = mapped_column(String(16))
    region: Mapped[str] = mapped_column(String(4))
    account_type: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    marketplace_id: Mapped[str | None] = mapped_column(String(32))
    return_to: Mapped[str | None] = mapped_column(Text)
    connection_id: Mapped[str | None] = mapped_column(ID)
    code_verifier_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    code_verifier_key_id: Mapped[str | None] = mapped_column(KEY_ID)
    consumed_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16))
    error_code: Mapped[str | None] = mapped_column(String(64))
    result_connection_id: Mapped[str | None] = mapped_column(ID)
    # SHA-256 (hex) of the browser binding cookie; never the cookie itself.
    browser_binding: Mapped[str | None] = mapped_column(String(64))


class ConnectSessionRow(Row):
    """A hosted connect link. Only digests of the link's token and of the browser cookie are
    stored: a database dump opens no session."""

    __tablename__ = "connect_sessions"
    __table_args__ = (
        Index("ix_connect_sessions_token_digest", "token_digest", unique=True),
        Index("ix_connect_sessions_expires_at", "expires_at"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    team_id: Mapped[str] = mapped_column(ID, owned_by("teams.id"))
    created_by: Mapped[str] = mapped_column(ID)
    token_digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    account_types: Mapped[str] = mapped_column(String(64))
    regions: Mapped[str] = mapped_column(String(64))
    end_user_id: Mapped[str | None] = mapped_column(String(200))
    end_user_email: Mapped[str | None] = mapped_column(String(200))
    connection_id: Mapped[str | None] = mapped_column(ID)
    return_to: Mapped[str | None] = mapped_column(Text)
    browser_binding: Mapped[str | None] = mapped_column(String(64))
    pending_state: Mapped[str | None] = mapped_column(String(256))
    last_error: Mapped[str | None] = mapped_column(String(64))
    vendor_central_skipped: Mapped[bool] = mapped_column(Boolean)
    finished_at: Mapped[datetime | None]
