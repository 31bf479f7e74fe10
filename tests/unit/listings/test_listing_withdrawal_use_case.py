"""Withdrawal under the minimum price through the use cases (application/listing_updates.py)
and the fake Amazon: a price drop or a raised threshold takes a listed SKU out of stock after
the next batch, once, with no price; and a property over any sequence of snapshots, settings
changes and flushes (seed 003: "Setting a threshold prevents low-value items from appearing
on Amazon at all")."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from attrs import evolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from application.listing_updates import ListingRow, SubmitListingsCommand
from bootstrap.container import in_memory_container
from bootstrap.system import SettableClock
from domain.listing_batch import ListingStatus
from tests.world import World

US = "ATVPDKIKX0DER"
WINDOW = timedelta(minutes=15)


def send(world: World, sku: str, available: int, price: str) -> None:
    world.app.submit_listings(
        SubmitListingsCommand(
            world.actor(), world.connection_id, US, [ListingRow(sku, available, price, "USD")]
        )
    )


def next_batch(world: World) -> None:
    world.clock.advance(WINDOW)
    world.app.flush_listings()


def shown(world: World, sku: str) -> tuple[int | None, str | None] | None:
    listing = world.amazon.listing("us-seller", "US", sku)
    return None if listing is None else (listing.quantity, listing.price_amount)


@pytest.mark.parametrize("pricing", [True, False])
def test_a_price_drop_under_the_minimum_takes_the_sku_out_of_stock_once(
    connected: World, pricing: bool
) -> None:
    connected.set_listing_settings(minimum_price=Decimal("5.00"), pricing_enabled=pricing)
    send(connected, "CHEAP-1", 10, "8.00")
    next_batch(connected)
    price = "8.00" if pricing else None
    assert shown(connected, "CHEAP-1") == (10, price)
    send(connected, "CHEAP-1", 10, "3.50")
    next_batch(connected)
    assert shown(connected, "CHEAP-1") == (0, price)
    last = connected.amazon.sent_listings[-1]
    assert (last.sku, last.quantity, last.price_amount) == ("CHEAP-1", 0, None)
    [explained] = connected.app.explain_sku(connected.actor(), connected.connection_id, "CHEAP-1")
    assert explained.status is ListingStatus.UP_TO_DATE
    assert explained.status_text == (
        "withdrawn: price 3.50 is under the minimum 5.00; quantity 0 sent so it no longer "
        "shows on Amazon"
    )
    assert explained.status_text == explained.decision
    send(connected, "CHEAP-1", 20, "3.00")
    next_batch(connected)
    assert [u.sku for u in connected.amazon.sent_listings].count("CHEAP-1") == 2


def test_raising_the_minimum_withdraws_what_is_now_under_it(connected: World) -> None:
    send(connected, "A", 4, "9.00")
    send(connected, "B", 0, "9.00")
    send(connected, "C", 4, "12.00")
    next_batch(connected)
    sent_before = len(connected.amazon.sent_listings)
    connected.set_listing_settings(minimum_price=Decimal("10.00"), pricing_enabled=False)
    next_batch(connected)
    assert [shown(connected, sku) for sku in "ABC"] == [(0, "9.00"), (0, "9.00"), (4, "12.00")]
    # Only A went: B was already at 0 on Amazon, C is above the minimum.
    assert [u.sku for u in connected.amazon.sent_listings[sent_before:]] == ["A"]


# --------------------------------------------------------------------------- the property

SKUS = ("A", "B", "C")
PRICES = ("3.00", "5.00", "7.50", "12.00")
MINIMUMS = (None, Decimal("4.00"), Decimal("6.00"), Decimal("10.00"))

snapshot = st.tuples(
    st.just("snapshot"), st.sampled_from(SKUS), st.integers(0, 6), st.sampled_from(PRICES)
)
settings_change = st.tuples(
    st.just("settings"), st.sampled_from(MINIMUMS), st.booleans(), st.integers(0, 3)
)
time_passes = st.tuples(st.just("advance"), st.sampled_from((1, 5, 15, 31)))
flush = st.tuples(st.just("flush"))
next_batch_goes = st.tuples(st.just("batch"))
steps = st.lists(
    st.one_of(snapshot, settings_change, time_passes, flush, next_batch_goes), max_size=25
)


def fresh_world() -> World:
    container = in_memory_container()
    clock = container.clock()
    assert isinstance(clock, SettableClock)
    world = World(app=container.application(), clock=clock, amazon=container.amazon())
    world.create_team()
    world.connect_fully("us-seller")
    return world


@settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(steps=steps, by_feed=st.booleans())
def test_a_sku_under_the_minimum_never_stays_in_stock_on_amazon(
    steps: list[tuple[object, ...]], by_feed: bool
) -> None:
    """Whatever happened before, once the batches have gone a SKU whose latest price is under
    the minimum shows no stock on Amazon, and one that was never at or above it was never
    sent. By feed (processed minutes later) submissions are in flight while snapshots and
    settings changes arrive."""
    world = fresh_world()
    flusher = world.app.flush_listings
    if by_feed:
        flusher = evolve(flusher, patch_limit=0)
        world.amazon.feed_processing = timedelta(minutes=3)
    latest: dict[str, Decimal] = {}
    ever_listable: set[str] = set()
    minimum: Decimal | None = None
    for step in steps:
        match step:
            case ("snapshot", str(sku), int(available), str(price)):
                send(world, sku, available, price)
                latest[sku] = Decimal(price)
                if minimum is None or Decimal(price) >= minimum:
                    ever_listable.add(sku)
            case ("settings", floor, bool(pricing), int(buffer)):
                assert floor is None or isinstance(floor, Decimal)
                world.set_listing_settings(
                    buffer=buffer, minimum_price=floor, pricing_enabled=pricing
                )
                minimum = floor
                ever_listable.update(s for s, p in latest.items() if floor is None or p >= floor)
            case ("advance", int(minutes)):
                world.clock.advance(timedelta(minutes=minutes))
            case ("flush",):
                flusher.connection(world.connection_id)
            case ("batch",):
                world.clock.advance(WINDOW)
                flusher.connection(world.connection_id)
    for _ in range(20):  # let every batch and feed report go
        world.clock.advance(timedelta(minutes=31))
        flusher.connection(world.connection_id)
    with world.app.ports.uow() as uow:
        assert uow.listings.list_pending(world.connection_id) == []
    for sku, price in latest.items():
        on_amazon = world.amazon.listing("us-seller", "US", sku)
        if minimum is not None and price < minimum:
            assert on_amazon is None or not on_amazon.quantity, (sku, on_amazon)
        if sku not in ever_listable:
            assert on_amazon is None, (sku, on_amazon)
