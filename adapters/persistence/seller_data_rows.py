"""What sellerlink keeps of a seller's data: listings and their settings, each dataset's
sync coverage, and Amazon's records with each team's sequence."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from adapters.persistence.rows import ID, Row, owned_by, partial_index

_LISTING_PENDING = "pending_since IS NOT NULL OR in_flight_at IS NOT NULL"
# Changes waiting for the batch window: a submission reads only the oldest of them.
_LISTING_WAITING = "pending_since IS NOT NULL AND in_flight_at IS NULL"


class ListingSettingsRow(Row):
    __tablename__ = "listing_settings"

    connection_id: Mapped[str] = mapped_column(ID, owned_by("connections.id"), primary_key=True)
    inventory_buffer: Mapped[int] = mapped_column(Integer)
    inventory_ceiling: Mapped[int | None] = mapped_column(Integer)
    # Decimal kept as its exact text: no float rounding on SQLite.
    minimum_price_amount: Mapped[str | None] = mapped_column(String(40))
    minimum_price_currency: Mapped[str | None] = mapped_column(String(3))
    pricing_enabled: Mapped[bool] = mapped_column(Boolean)
    batch_window_microseconds: Mapped[int] = mapped_column(BigInteger)


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

    connection_id: Mapped[str] = mapped_column(ID, owned_by("connections.id"), primary_key=True)
    marketplace_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime]
    pending_since: Mapped[datetime | None]
    in_flight_at: Mapped[datetime | None]
    document: Mapped[dict[str, Any]] = mapped_column(JSON)


class SyncCursorRow(Row):
    """One dataset's coverage in one marketplace (domain/sync.py)."""

    __tablename__ = "sync_cursors"
    __table_args__ = (Index("ix_sync_cursors_backfill_from", "backfill_from"),)

    connection_id: Mapped[str] = mapped_column(ID, owned_by("connections.id"), primary_key=True)
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

    connection_id: Mapped[str] = mapped_column(ID, owned_by("connections.id"), primary_key=True)
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
