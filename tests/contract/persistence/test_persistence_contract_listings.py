"""Contract: per-SKU listing state for batched updates (seed 003), on every back end."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from domain.listing import ListingSettings, Money, ProductSnapshot
from domain.listing_batch import SendMethod, SkuListing
from tests.contract.persistence.builders import NOW

US, CA = "ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"
SETTINGS = ListingSettings("con_1", inventory_buffer=2, minimum_price=Money(Decimal("5"), "USD"))


def _listing(
    sku: str, marketplace_id: str = US, connection_id: str = "con_1", **kw: Any
) -> SkuListing:
    product = ProductSnapshot(sku, kw.get("available", 10), Money(Decimal("19.99"), "USD"))
    return SkuListing.receive_first(connection_id, marketplace_id, product, SETTINGS, NOW)


def test_a_listing_in_flight_comes_back_equal(stored: Any) -> None:
    listing = _listing("SKU-1")
    listing.submit(SendMethod.FEED, "feed-1", NOW + timedelta(minutes=15))
    with stored.unit_of_work() as uow:
        uow.listings.put_many([listing])
        uow.commit()
    with stored.unit_of_work() as uow:
        assert uow.listings.get("con_1", US, "SKU-1") == listing
        assert uow.listings.get("con_1", CA, "SKU-1") is None


def test_putting_listings_again_replaces_them(stored: Any) -> None:
    listing = _listing("SKU-1")
    with stored.unit_of_work() as uow:
        uow.listings.put_many([listing, _listing("SKU-2")])
        uow.commit()
    listing.submit(SendMethod.PATCH, "req-1", NOW)
    listing.record_answer(accepted=False, message="price too low", at=NOW + timedelta(minutes=1))
    with stored.unit_of_work() as uow:
        uow.listings.put_many([listing])
        uow.commit()
    with stored.unit_of_work() as uow:
        assert uow.listings.get("con_1", US, "SKU-1") == listing
        assert len(uow.listings.list_for_connection("con_1")) == 2


def test_listings_are_found_by_skus_by_sku_and_by_connection(stored: Any) -> None:
    with stored.unit_of_work() as uow:
        uow.listings.put_many(
            [
                _listing("SKU-1"),
                _listing("SKU-2"),
                _listing("SKU-1", CA),
                _listing("SKU-9", US, "con_2"),
            ]
        )
        uow.commit()
    with stored.unit_of_work() as uow:
        found = uow.listings.get_many("con_1", US, ["SKU-1", "SKU-2", "SKU-404"])
        assert sorted(found) == ["SKU-1", "SKU-2"]
        assert found["SKU-2"] == _listing("SKU-2")
        assert sorted(
            lst.marketplace_id for lst in uow.listings.list_for_sku("con_1", "SKU-1")
        ) == [CA, US]
        assert len(uow.listings.list_for_connection("con_1")) == 3
        assert uow.listings.get_many("con_1", US, []) == {}


def test_pending_listings_are_those_waiting_or_in_flight(stored: Any) -> None:
    waiting = _listing("SKU-WAIT")
    in_flight = _listing("SKU-FLIGHT")
    in_flight.submit(SendMethod.PATCH, "req-1", NOW)
    done = _listing("SKU-DONE")
    done.submit(SendMethod.PATCH, "req-2", NOW)
    done.record_answer(accepted=True, message="", at=NOW)
    elsewhere = _listing("SKU-OTHER", US, "con_2")
    elsewhere.submit(SendMethod.PATCH, "req-3", NOW)
    elsewhere.record_answer(accepted=True, message="", at=NOW)
    assert waiting.pending_since is not None
    assert done.pending_since is None
    assert done.in_flight is None
    with stored.unit_of_work() as uow:
        uow.listings.put_many([waiting, in_flight, done, elsewhere])
        uow.commit()
    with stored.unit_of_work() as uow:
        assert sorted(lst.sku for lst in uow.listings.list_pending("con_1")) == [
            "SKU-FLIGHT",
            "SKU-WAIT",
        ]
        assert uow.listings.list_pending("con_2") == []
        assert uow.listings.connections_with_pending() == ["con_1"]
