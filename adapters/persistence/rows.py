"""SQLAlchemy row classes: the shape of sellerlink's tables, kept apart from the attrs domain
classes (DESIGN §7, STYLE "Persistence"). `mappers.py` converts both ways; nothing else
reads a row.

The schema is made only by the Alembic migrations in `migrations/versions`; a test holds
these classes and the migrations to the same schema.

Indexes exist for the sweeps DESIGN §8 runs from the database: connections by team, grants
by authorization expiry, grants by access-token expiry (partial: only grants that can be
refreshed), marketplaces by state, authorization requests by expiry.

Foreign keys are DEFERRABLE INITIALLY DEFERRED, checked at commit, so a use case may add
the parts of an aggregate in any order within one unit of work."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Double,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from adapters.persistence.types import UtcDateTime

# Deterministic constraint names on every back end, so migrations can drop what they made.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID = String(128)
KEY_ID = String(32)
# The grants the refresh sweep can act on; the partial index and the sweep's query share it.
_REFRESHABLE = "refresh_token_ciphertext IS NOT NULL AND revoked_at IS NULL"
_LISTING_PENDING = "pending_since IS NOT NULL OR in_flight_at IS NOT NULL"
# Changes waiting for the batch window: a submission reads only the oldest of them.
_LISTING_WAITING = "pending_since IS NOT NULL AND in_flight_at IS NULL"
_UNPUBLISHED = "published_at IS NULL"


def _fk(target: str) -> ForeignKey:
    return ForeignKey(target, ondelete="CASCADE", deferrable=True, initially="DEFERRED")


def partial_index(name: str, *columns: str, unique: bool = False, where: str) -> Index:
    """An index of only the rows `where` holds, on PostgreSQL and SQLite alike."""
    return Index(
        name, *columns, unique=unique, postgresql_where=text(where), sqlite_where=text(where)
    )


# A log's order: numbered by the database, 64-bit where the back end has both sizes.
LOG_SEQUENCE = BigInteger().with_variant(Integer(), "sqlite")


class Row(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UtcDateTime(), dict[str, Any]: JSON()}


class TeamRow(Row):
    __tablename__ = "teams"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16))
    plan: Mapped[str] = mapped_column(String(16))
    max_connections: Mapped[int | None] = mapped_column(Integer)
    marketplace_retry_limit: Mapped[int] = mapped_column(Integer)
    history_days: Mapped[int] = mapped_column(Integer, server_default=text("90"))
    created_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer)


class TeamStampRow(Row):
    """A team's version of what its list of connections shows, kept by triggers on the
    tables it reads (migration 0014): never written by this code, only read."""

    __tablename__ = "team_stamps"

    team_id: Mapped[str] = mapped_column(ID, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    moved_by: Mapped[int | None] = mapped_column(BigInteger)


class MembershipRow(Row):
    __tablename__ = "memberships"
    __table_args__ = (Index("ix_memberships_user_id", "user_id"),)

    team_id: Mapped[str] = mapped_column(ID, _fk("teams.id"), primary_key=True)
    user_id: Mapped[str] = mapped_column(ID, primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    joined_at: Mapped[datetime]


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
    team_id: Mapped[str] = mapped_column(ID, _fk("teams.id"))
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

    connection_id: Mapped[str] = mapped_column(ID, _fk("connections.id"), primary_key=True)
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

    connection_id: Mapped[str] = mapped_column(ID, _fk("connections.id"), primary_key=True)
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

    connection_id: Mapped[str] = mapped_column(ID, _fk("connections.id"), primary_key=True)
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
    team_id: Mapped[str] = mapped_column(ID, _fk("teams.id"))
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


class ListingSettingsRow(Row):
    __tablename__ = "listing_settings"

    connection_id: Mapped[str] = mapped_column(ID, _fk("connections.id"), primary_key=True)
    inventory_buffer: Mapped[int] = mapped_column(Integer)
    inventory_ceiling: Mapped[int | None] = mapped_column(Integer)
    # Decimal kept as its exact text: no float rounding on SQLite.
    minimum_price_amount: Mapped[str | None] = mapped_column(String(40))
    minimum_price_currency: Mapped[str | None] = mapped_column(String(3))
    pricing_enabled: Mapped[bool] = mapped_column(Boolean)
    batch_window_microseconds: Mapped[int] = mapped_column(BigInteger)


class AuditEventRow(Row):
    """Append-only. `seq` orders events recorded at the same instant. `published_at` is the
    one column written later: when the webhook dispatcher turned the event into deliveries
    (the log is the outbox; the partial index holds only what is still to publish)."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_team_id_at", "team_id", "at"),
        Index("ix_audit_events_connection_id_at", "connection_id", "at"),
        Index("ix_audit_events_at", "at"),
        partial_index(
            "ix_audit_events_unpublished",
            "seq",
            where=_UNPUBLISHED,
        ),
    )

    seq: Mapped[int] = mapped_column(LOG_SEQUENCE, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(ID, unique=True)
    at: Mapped[datetime]
    team_id: Mapped[str] = mapped_column(ID)
    connection_id: Mapped[str | None] = mapped_column(ID)
    kind: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    published_at: Mapped[datetime | None]


class SyncCursorRow(Row):
    """One dataset's coverage in one marketplace (domain/sync.py)."""

    __tablename__ = "sync_cursors"
    __table_args__ = (Index("ix_sync_cursors_backfill_from", "backfill_from"),)

    connection_id: Mapped[str] = mapped_column(ID, _fk("connections.id"), primary_key=True)
    marketplace_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    dataset: Mapped[str] = mapped_column(String(32), primary_key=True)
    synced_until: Mapped[datetime | None]
    covered_from: Mapped[datetime | None]
    backfill_from: Mapped[datetime | None]
    backfill_until: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_error_code: Mapped[str | None] = mapped_column(String(64))
    last_error_detail: Mapped[str | None] = mapped_column(Text)
    pending_report: Mapped[str | None] = mapped_column(String(400))
    pending_kind: Mapped[str | None] = mapped_column(String(16))
    pending_start: Mapped[datetime | None]
    pending_end: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer)


class ListingRow(Row):
    """One SKU in one marketplace of one connection (domain/listing_batch.py). The nested
    value objects (snapshot, decision, submission in flight, last answer) are kept as one
    JSON document written by cattrs; the columns the sweeps query are real columns."""

    __tablename__ = "listings"
    __table_args__ = (
        Index("ix_listings_connection_id_sku", "connection_id", "sku"),
        # The listing worker's sweep: connections with something waiting or in flight.
        partial_index(
            "ix_listings_pending",
            "connection_id",
            where=_LISTING_PENDING,
        ),
        # When the next batch goes (the oldest waiting change): one index probe, however
        # many SKUs wait.
        partial_index(
            "ix_listings_waiting",
            "connection_id",
            "pending_since",
            where=_LISTING_WAITING,
        ),
    )

    connection_id: Mapped[str] = mapped_column(ID, _fk("connections.id"), primary_key=True)
    marketplace_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime]
    pending_since: Mapped[datetime | None]
    in_flight_at: Mapped[datetime | None]
    document: Mapped[dict[str, Any]] = mapped_column(JSON)


class ApiKeyRow(Row):
    """Only the SHA-256 of a key's secret is kept (DESIGN §10): a dump authenticates nobody."""

    __tablename__ = "api_keys"
    __table_args__ = (Index("ix_api_keys_team_id", "team_id"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    team_id: Mapped[str] = mapped_column(ID, _fk("teams.id"))
    name: Mapped[str] = mapped_column(String(120))
    scopes: Mapped[str] = mapped_column(Text)  # space-separated, sorted
    secret_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(200))
    last_used_at: Mapped[datetime | None]


class RateBucketRow(Row):
    """One token bucket of the shared rate budget (adapters/persistence/rate_budget.py);
    `key` is app|partner|region|operation, times are seconds on the budget's clock."""

    __tablename__ = "rate_buckets"

    key: Mapped[str] = mapped_column(String(512), primary_key=True)
    rate: Mapped[float] = mapped_column(Double)
    burst: Mapped[int] = mapped_column(Integer)
    tokens: Mapped[float] = mapped_column(Double)
    updated: Mapped[float] = mapped_column(Double)
    anchor_pending: Mapped[bool] = mapped_column(Boolean)


class RecordRow(Row):
    """One of Amazon's objects (domain/records.py). `payload` is Amazon's JSON text exactly
    as received; `seq` is the team's change counter, so (team_id, seq) is unique and is the
    order the product pages in. The other two indexes serve the filtered pages."""

    __tablename__ = "records"
    __table_args__ = (
        Index("uq_records_team_id_seq", "team_id", "seq", unique=True),
        Index("ix_records_team_id_dataset_seq", "team_id", "dataset", "seq"),
        Index("ix_records_connection_id_seq", "connection_id", "seq"),
    )

    connection_id: Mapped[str] = mapped_column(ID, _fk("connections.id"), primary_key=True)
    marketplace_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    dataset: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    team_id: Mapped[str] = mapped_column(ID)
    seq: Mapped[int] = mapped_column(BigInteger)
    payload: Mapped[str] = mapped_column(Text)
    payload_hash: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[datetime]
    as_of: Mapped[datetime | None]
    deleted: Mapped[bool] = mapped_column(Boolean)


class RecordSequenceRow(Row):
    """Each team's last record sequence number. Writers of a team's records take this row's
    lock first, so sequence numbers are handed out in commit order and a reader paging by
    sequence never skips a record committed after it passed."""

    __tablename__ = "record_sequences"

    team_id: Mapped[str] = mapped_column(ID, primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger)


# The webhook tables live in their own module; importing it registers them here.
from adapters.persistence import webhook_rows as _webhook_rows  # noqa: E402, F401


def values_of(row: Row) -> dict[str, Any]:
    """A row's column values by column name, for Core INSERT and UPDATE statements (the
    repositories write with Core so the session's identity map never holds stale rows)."""
    table: Any = row.__table__
    values = {column.key: getattr(row, column.key) for column in table.columns}
    for column in table.primary_key.columns:
        if column.autoincrement is True and values[column.key] is None:
            del values[column.key]  # the database numbers it
    return values


class AppCredentialStateRow(Row):
    """One row per app (channel): the rejected-credentials alarm and its backoff, shared by
    every process (domain/app_credentials.py)."""

    __tablename__ = "app_credential_states"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    rejected_since: Mapped[datetime | None]
    next_attempt_at: Mapped[datetime | None]
    failures: Mapped[int] = mapped_column(Integer)
    fingerprint: Mapped[str] = mapped_column(String(64))
    warned: Mapped[str] = mapped_column(String(400))
    version: Mapped[int] = mapped_column(Integer)


class LeaseRow(Row):
    """A named lease around an Amazon call (application/leases.py): who holds it and until
    when, committed before the call so no transaction stays open across it."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(256), primary_key=True)
    claimed_by: Mapped[str] = mapped_column(String(128))
    claimed_until: Mapped[datetime]
