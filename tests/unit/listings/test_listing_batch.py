"""The per-SKU batching rules (domain/listing_batch.py): latest value wins, unchanged values
are not sent again, one submission at a time, and how a batch is planned (AMAZON.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from domain.errors import ValidationFailed
from domain.listing import ListingSettings, Money, ProductSnapshot
from domain.listing_batch import (
    MAX_FEED_MESSAGES,
    ListingChange,
    ListingStatus,
    SendMethod,
    SkuListing,
    batch_due,
    plan_batch,
)

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
US = "ATVPDKIKX0DER"


def usd(amount: str) -> Money:
    return Money(Decimal(amount), "USD")


def product(available: int, price: str = "20.00", sku: str = "SKU-1") -> ProductSnapshot:
    return ProductSnapshot(sku, available, usd(price))


def first(
    available: int, price: str = "20.00", settings: ListingSettings | None = None
) -> SkuListing:
    return SkuListing.receive_first(
        "con_1", US, product(available, price), settings or ListingSettings("con_1"), T0
    )


def accepted(listing: SkuListing, at: datetime = T0) -> None:
    listing.submit(SendMethod.PATCH, "patch", at)
    listing.record_answer(accepted=True, message="", at=at)


def test_a_new_sku_waits_with_its_quantity_and_price() -> None:
    listing = first(7, "12.50")
    assert listing.change() == ListingChange(US, "SKU-1", 7, usd("12.50"))
    assert listing.waiting
    assert listing.pending_since == T0
    assert listing.status() is ListingStatus.WAITING


def test_the_latest_value_wins_and_the_window_runs_from_the_first_change() -> None:
    settings = ListingSettings("con_1")
    listing = first(7)
    listing.receive(product(3), settings, T0 + timedelta(minutes=5))
    listing.receive(product(9), settings, T0 + timedelta(minutes=10))
    assert listing.change() == ListingChange(US, "SKU-1", 9, usd("20.00"))
    assert listing.pending_since == T0


def test_values_amazon_already_holds_are_not_sent_again() -> None:
    settings = ListingSettings("con_1")
    listing = first(7)
    accepted(listing)
    assert listing.receive(product(7), settings, T0 + timedelta(minutes=1)) is False
    assert listing.change() is None
    assert listing.status() is ListingStatus.UP_TO_DATE


def test_only_the_field_that_changed_is_sent() -> None:
    settings = ListingSettings("con_1")
    listing = first(7)
    accepted(listing)
    listing.receive(product(4), settings, T0)
    assert listing.change() == ListingChange(US, "SKU-1", 4, None)
    listing.receive(product(7, "19.00"), settings, T0)
    assert listing.change() == ListingChange(US, "SKU-1", None, usd("19.00"))


def test_a_change_back_to_what_amazon_holds_cancels_the_wait() -> None:
    settings = ListingSettings("con_1")
    listing = first(7)
    accepted(listing)
    listing.receive(product(4), settings, T0)
    listing.receive(product(7), settings, T0)
    assert not listing.waiting


def test_a_product_under_the_minimum_price_is_not_sent_even_with_pricing_disabled() -> None:
    settings = ListingSettings("con_1", minimum_price=usd("5.00"), pricing_enabled=False)
    listing = first(10, "3.50", settings)
    assert listing.change() is None
    assert listing.status() is ListingStatus.NOT_SENT
    assert listing.decision.explanation == "not sent: price 3.50 is under the minimum 5.00"


def test_with_pricing_disabled_only_the_quantity_is_sent() -> None:
    listing = first(10, "30.00", ListingSettings("con_1", pricing_enabled=False))
    assert listing.change() == ListingChange(US, "SKU-1", 10, None)


def test_raising_the_buffer_takes_a_listing_out_of_stock() -> None:
    listing = first(5, settings=ListingSettings("con_1", inventory_buffer=2))
    accepted(listing)
    assert listing.reevaluate(ListingSettings("con_1", inventory_buffer=6), T0) is True
    assert listing.change() == ListingChange(US, "SKU-1", 0, None)


def test_a_minimum_price_in_another_currency_is_a_decision_not_to_send() -> None:
    listing = first(5)
    listing.reevaluate(ListingSettings("con_1", minimum_price=Money(Decimal(1), "EUR")), T0)
    assert not listing.decision.send
    assert "priced in USD but the minimum price is in EUR" in listing.decision.explanation


def test_a_sku_in_flight_is_not_sent_again_until_amazon_answers() -> None:
    settings = ListingSettings("con_1")
    listing = first(7)
    listing.submit(SendMethod.FEED, "feed-1", T0)
    assert listing.status() is ListingStatus.IN_FLIGHT
    listing.receive(product(7), settings, T0 + timedelta(minutes=1))
    assert listing.change() is None
    listing.receive(product(2), settings, T0 + timedelta(minutes=2))
    assert listing.change() == ListingChange(US, "SKU-1", 2, None)
    assert not listing.waiting
    with pytest.raises(ValidationFailed):
        listing.submit(SendMethod.FEED, "feed-2", T0)
    listing.record_answer(accepted=True, message="", at=T0 + timedelta(minutes=3))
    assert (listing.sent_quantity, listing.sent_price) == (7, usd("20.00"))
    assert listing.waiting
    assert listing.pending_since == T0 + timedelta(minutes=2)


def test_a_refused_change_is_not_retried_but_a_new_value_is() -> None:
    settings = ListingSettings("con_1")
    listing = first(7)
    listing.submit(SendMethod.PATCH, "patch", T0)
    listing.record_answer(accepted=False, message="SKU not found", at=T0)
    assert listing.status() is ListingStatus.REJECTED
    assert listing.change() is None
    assert listing.sent_at is None
    listing.receive(product(7), settings, T0)
    assert not listing.waiting
    listing.receive(product(8), settings, T0)
    assert listing.change() == ListingChange(US, "SKU-1", 8, usd("20.00"))


def test_a_cancelled_submission_waits_again_and_is_due_at_once() -> None:
    listing = first(7)
    listing.submit(SendMethod.FEED, "feed-1", T0 + timedelta(minutes=15))
    listing.record_not_delivered(T0 + timedelta(minutes=40))
    assert listing.waiting
    assert listing.pending_since == T0 + timedelta(minutes=15)
    assert listing.change() == ListingChange(US, "SKU-1", 7, usd("20.00"))


def test_the_batch_is_due_one_window_after_the_oldest_waiting_change() -> None:
    settings = ListingSettings("con_1")
    a = first(1)
    b = SkuListing.receive_first(
        "con_1", US, product(2, sku="B"), settings, T0 + timedelta(hours=1)
    )
    window = timedelta(minutes=15)
    assert batch_due([b, a], window, T0) == T0 + window
    accepted(a)
    assert batch_due([a, b], window, T0) == T0 + timedelta(hours=1) + window
    accepted(b)
    assert batch_due([a, b], window, T0) is None


def changes(n: int) -> list[ListingChange]:
    return [ListingChange(US, f"SKU-{i}", i, None) for i in range(n)]


def test_a_few_changes_go_by_patch_one_sku_per_request() -> None:
    plan = plan_batch(changes(3), patch_limit=50)
    assert plan.method is SendMethod.PATCH
    assert [len(r) for r in plan.requests] == [1, 1, 1]


def test_many_changes_go_as_feeds_of_at_most_25000_messages() -> None:
    plan = plan_batch(changes(100_001), patch_limit=50)
    assert plan.method is SendMethod.FEED
    assert [len(r) for r in plan.requests] == [MAX_FEED_MESSAGES] * 4 + [1]
    assert plan.size == 100_001


def test_100000_changes_need_four_feeds() -> None:
    assert len(plan_batch(changes(100_000)).requests) == 4


def test_a_feed_larger_than_amazon_allows_is_refused() -> None:
    with pytest.raises(ValidationFailed):
        plan_batch(changes(60), patch_limit=1, feed_limit=MAX_FEED_MESSAGES + 1)
