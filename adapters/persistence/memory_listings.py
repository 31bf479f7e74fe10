"""The in-memory listings and listing settings (memory.py's unit of work binds them); same
contracts as repositories/listings.py."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from adapters.persistence.memory_state import MemoryRepository, stored_copy
from domain.listing import ListingSettings
from domain.listing_batch import SkuListing


class MemoryListingSettings(MemoryRepository):
    def get(self, connection_id: str) -> ListingSettings | None:
        return stored_copy(self._s.listing_settings.get(connection_id))

    def put(self, settings: ListingSettings) -> None:
        self._s.listing_settings[settings.connection_id] = stored_copy(settings)


class MemoryListings(MemoryRepository):
    def get(self, connection_id: str, marketplace_id: str, sku: str) -> SkuListing | None:
        return stored_copy(self._s.listings.get((connection_id, marketplace_id, sku)))

    def get_many(
        self, connection_id: str, marketplace_id: str, skus: Iterable[str]
    ) -> dict[str, SkuListing]:
        found = {}
        for sku in skus:
            listing = self._s.listings.get((connection_id, marketplace_id, sku))
            if listing is not None:
                found[sku] = stored_copy(listing)
        return found

    def put_many(self, listings: Iterable[SkuListing]) -> None:
        for listing in listings:
            key = (listing.connection_id, listing.marketplace_id, listing.sku)
            self._s.listings[key] = stored_copy(listing)

    def list_for_connection(self, connection_id: str) -> list[SkuListing]:
        return [
            stored_copy(v)
            for (c, _, _), v in sorted(self._s.listings.items())
            if c == connection_id
        ]

    def list_for_sku(self, connection_id: str, sku: str) -> list[SkuListing]:
        return [
            stored_copy(v)
            for (c, _, s), v in sorted(self._s.listings.items())
            if c == connection_id and s == sku
        ]

    def list_pending(self, connection_id: str) -> list[SkuListing]:
        return [
            stored_copy(v)
            for (c, _, _), v in sorted(self._s.listings.items())
            if c == connection_id and (v.pending_since is not None or v.in_flight is not None)
        ]

    def oldest_waiting(self, connection_id: str) -> datetime | None:
        waiting = [
            v.pending_since
            for (c, _, _), v in self._s.listings.items()
            if c == connection_id and v.waiting and v.pending_since is not None
        ]
        return min(waiting) if waiting else None

    def connections_with_pending(self) -> list[str]:
        return sorted(
            {
                c
                for (c, _, _), v in self._s.listings.items()
                if v.pending_since is not None or v.in_flight is not None
            }
        )
