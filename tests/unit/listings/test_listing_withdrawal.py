"""Withdrawing a SKU that falls under the Minimum Price Threshold (seed 003: "Setting a
threshold prevents low-value items from appearing on Amazon at all"): a SKU Amazon shows in
stock gets quantity 0 once, no price; a SKU never sent, or already at 0, is not sent at all.
The rule is `ListingSettings.decide` (domain/listing.py); `SkuListing` tells it what Amazon may
show (domain/listing_batch.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from domain.listing import ListingDecision, ListingSettings, Money, ProductSnapshot
from domain.listing_batch import ListingChange, ListingStatus, SendMethod, SkuListing

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
US = "ATVPDKIKX0DER"
WITHDRAWN = (
    "withdrawn: price 3.50 is under the minimum 5.00; quantity 0 sent so it no longer shows "
    "on Amazon"
)


def usd(amount: str) -> Money:
    return Money(Decimal(amount), "USD")


def product(available: int, price: str) -> ProductSnapshot:
    return ProductSnapshot("SKU-1", available, usd(price))


def minimum(amount: str = "5.00", *, pricing: bool = True) -> ListingSettings:
    return ListingSettings("con_1", minimum_price=usd(amount), pricing_enabled=pricing)


def on_amazon(available: int, price: str, settings: ListingSettings) -> SkuListing:
    """A SKU whose values Amazon accepted."""
    listing = SkuListing.receive_first("con_1", US, product(available, price), settings, T0)
    accept(listing)
    return listing


def accept(listing: SkuListing, at: datetime = T0) -> ListingChange:
    change = listing.submit(SendMethod.PATCH, "patch", at)
    listing.record_answer(accepted=True, message="", at=at)
    return change


@pytest.mark.parametrize("pricing", [True, False])
def test_a_sku_amazon_shows_in_stock_is_withdrawn_under_the_minimum(pricing: bool) -> None:
    decision = minimum(pricing=pricing).decide(product(10, "3.50"), on_amazon=4)
    assert decision == ListingDecision(
        sku="SKU-1", send=True, quantity=0, price=None, explanation=WITHDRAWN, withdrawn=True
    )


@pytest.mark.parametrize("shown", [None, 0])
def test_a_sku_not_in_stock_on_amazon_is_not_sent_under_the_minimum(shown: int | None) -> None:
    decision = minimum().decide(product(10, "3.50"), on_amazon=shown)
    assert (decision.send, decision.quantity, decision.price) == (False, None, None)
    assert decision.explanation == "not sent: price 3.50 is under the minimum 5.00"
    assert not decision.withdrawn


def test_what_amazon_shows_changes_nothing_at_or_above_the_minimum() -> None:
    settings = minimum()
    assert settings.decide(product(10, "5.00"), on_amazon=4) == settings.decide(product(10, "5.00"))


@pytest.mark.parametrize("pricing", [True, False])
def test_a_price_drop_withdraws_a_listed_sku_once(pricing: bool) -> None:
    settings = minimum(pricing=pricing)
    listing = on_amazon(10, "8.00", settings)
    assert listing.receive(product(10, "3.50"), settings, T0) is True
    assert listing.change() == ListingChange(US, "SKU-1", 0, None)
    assert listing.status() is ListingStatus.WAITING
    assert listing.decision.explanation == WITHDRAWN
    accept(listing)
    assert listing.sent_quantity == 0
    assert listing.status() is ListingStatus.UP_TO_DATE
    # Amazon now holds 0: the next snapshot under the minimum is not sent at all.
    assert listing.receive(product(12, "3.50"), settings, T0) is False
    assert listing.change() is None
    assert listing.status() is ListingStatus.NOT_SENT
    assert listing.decision.explanation == "not sent: price 3.50 is under the minimum 5.00"


def test_raising_the_minimum_withdraws_a_listed_sku() -> None:
    listing = on_amazon(10, "3.50", ListingSettings("con_1"))
    assert listing.reevaluate(minimum(), T0) is True
    assert listing.change() == ListingChange(US, "SKU-1", 0, None)


def test_a_sku_already_at_zero_on_amazon_is_not_sent_under_the_minimum() -> None:
    listing = on_amazon(0, "8.00", minimum())
    assert listing.reevaluate(minimum("10.00"), T0) is False
    assert listing.change() is None
    assert listing.status() is ListingStatus.NOT_SENT


def test_a_sku_never_sent_stays_unsent_under_the_minimum() -> None:
    listing = SkuListing.receive_first("con_1", US, product(10, "3.50"), minimum(), T0)
    assert listing.change() is None
    assert listing.reevaluate(minimum("4.00"), T0) is False
    assert listing.status() is ListingStatus.NOT_SENT


def test_a_quantity_still_in_flight_counts_as_shown() -> None:
    """The first values went as a feed whose report is not in: they may yet land, so the SKU
    is withdrawn once Amazon answers."""
    settings = minimum()
    listing = SkuListing.receive_first("con_1", US, product(10, "8.00"), settings, T0)
    listing.submit(SendMethod.FEED, "feed-1", T0)
    assert listing.on_amazon() == 10
    listing.receive(product(10, "3.50"), settings, T0)
    assert listing.decision.withdrawn
    listing.record_answer(accepted=True, message="", at=T0)
    assert listing.change() == ListingChange(US, "SKU-1", 0, None)
    assert listing.waiting


def test_a_refused_out_of_stock_update_does_not_hide_the_stock_amazon_still_shows() -> None:
    """Amazon shows 5; a 0 (from a raised buffer) is in flight when the price falls under the
    minimum. Amazon refuses the 0: the withdrawal still goes."""
    listing = on_amazon(5, "20.00", ListingSettings("con_1"))
    listing.receive(product(5, "19.00"), ListingSettings("con_1", inventory_buffer=6), T0)
    in_flight = listing.submit(SendMethod.FEED, "feed-1", T0)
    assert in_flight == ListingChange(US, "SKU-1", 0, usd("19.00"))
    listing.reevaluate(minimum("25.00"), T0)
    assert listing.on_amazon() == 5
    assert listing.decision.withdrawn
    listing.record_answer(accepted=False, message="refused", at=T0 + timedelta(minutes=1))
    assert listing.change() == ListingChange(US, "SKU-1", 0, None)


def test_a_withdrawn_sku_back_above_the_minimum_is_listed_again() -> None:
    settings = minimum()
    listing = on_amazon(10, "8.00", settings)
    listing.receive(product(10, "3.50"), settings, T0)
    accept(listing)
    listing.receive(product(7, "6.00"), settings, T0)
    assert listing.change() == ListingChange(US, "SKU-1", 7, usd("6.00"))
