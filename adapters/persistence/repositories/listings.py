"""Listings: per (connection, marketplace, SKU), what waits to be sent to Amazon
(domain/listing_batch.py), and each connection's listing settings. `put_many` is one
multi-row upsert, so a batch of 25,000 SKUs is one statement per chunk, not 25,000 round
trips."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Select, or_, select, text
from sqlalchemy.dialects import postgresql, sqlite

from adapters.persistence.mappers import (
    listing_from_row,
    listing_settings_from_row,
    listing_settings_to_row,
    listing_to_row,
)
from adapters.persistence.repositories.base import SqlRepository, chunks
from adapters.persistence.rows import values_of
from adapters.persistence.seller_data_rows import ListingRow, ListingSettingsRow
from domain.listing import ListingSettings
from domain.listing_batch import SkuListing

L = ListingRow
_PENDING = or_(L.pending_since.is_not(None), L.in_flight_at.is_not(None))


class SqlListingRepository(SqlRepository):
    def get(self, connection_id: str, marketplace_id: str, sku: str) -> SkuListing | None:
        found = self._load(
            select(L).where(
                L.connection_id == connection_id, L.marketplace_id == marketplace_id, L.sku == sku
            )
        )
        return found[0] if found else None

    def get_many(
        self, connection_id: str, marketplace_id: str, skus: Iterable[str]
    ) -> dict[str, SkuListing]:
        wanted = sorted(set(skus))
        found: dict[str, SkuListing] = {}
        for chunk in chunks(wanted):
            for listing in self._load(
                select(L).where(
                    L.connection_id == connection_id,
                    L.marketplace_id == marketplace_id,
                    L.sku.in_(chunk),
                )
            ):
                found[listing.sku] = listing
        return found

    def put_many(self, listings: Iterable[SkuListing]) -> None:
        rows = [values_of(listing_to_row(listing)) for listing in listings]
        if not rows:
            return
        self._uow.prepare_write()
        dialect = postgresql if self._uow.dialect == "postgresql" else sqlite
        statement = dialect.insert(L)
        statement = statement.on_conflict_do_update(
            index_elements=["connection_id", "marketplace_id", "sku"],
            set_={
                name: statement.excluded[name]
                for name in ("received_at", "pending_since", "in_flight_at", "document")
            },
        )
        for chunk in chunks(rows, 1000):
            self._session.execute(statement, list(chunk))

    def list_for_connection(self, connection_id: str) -> list[SkuListing]:
        return self._load(select(L).where(L.connection_id == connection_id))

    def list_for_sku(self, connection_id: str, sku: str) -> list[SkuListing]:
        return self._load(select(L).where(L.connection_id == connection_id, L.sku == sku))

    def list_pending(self, connection_id: str) -> list[SkuListing]:
        return self._load(select(L).where(L.connection_id == connection_id, _PENDING))

    def oldest_waiting(self, connection_id: str) -> datetime | None:
        """One entry of ix_listings_waiting, however many SKUs wait.

        Right after a catalogue import PostgreSQL's statistics still say the connection has
        a handful of rows. With them, min() was answered by reading every waiting row (22 ms
        with 50,000 waiting), and ORDER BY ... LIMIT 1 by sorting the connection's rows
        read through another index. With sorts switched off for this one statement, the
        only plan left is the index that is already in that order: its first entry."""
        statement = (
            select(L.pending_since)
            .where(
                L.connection_id == connection_id,
                L.pending_since.is_not(None),
                L.in_flight_at.is_(None),
            )
            .order_by(L.pending_since)
            .limit(1)
        )
        if self._uow.dialect != "postgresql":
            return self._session.scalar(statement)
        self._session.execute(text("SET LOCAL enable_sort = off"))
        try:
            return self._session.scalar(statement)
        finally:
            self._session.execute(text("RESET enable_sort"))

    def connections_with_pending(self) -> list[str]:
        return list(
            self._session.scalars(
                select(L.connection_id).where(_PENDING).distinct().order_by(L.connection_id)
            )
        )

    def _load(self, statement: Select[Any]) -> list[SkuListing]:
        statement = statement.order_by(L.connection_id, L.marketplace_id, L.sku)
        rows = self._session.scalars(statement.execution_options(populate_existing=True))
        return [listing_from_row(row) for row in rows]


class SqlListingSettingsRepository(SqlRepository):
    def get(self, connection_id: str) -> ListingSettings | None:
        row = self._session.scalars(
            select(ListingSettingsRow)
            .where(ListingSettingsRow.connection_id == connection_id)
            .execution_options(populate_existing=True)
        ).one_or_none()
        return listing_settings_from_row(row) if row is not None else None

    def put(self, settings: ListingSettings) -> None:
        self._upsert(listing_settings_to_row(settings), key=("connection_id",))
