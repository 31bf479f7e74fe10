"""Never wait on Amazon inside a database transaction (DESIGN §15), on SQLite and
PostgreSQL: the named lease a job commits before its Amazon call, and what a person notices
when Amazon is slow: their other writes go through at once, and nothing they sent while a
batch was on its way to Amazon is lost."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest

from adapters.amazon.sandbox.faults import Fault
from adapters.amazon.sandbox.in_process import InProcessAmazon
from adapters.persistence import SqlDatabase
from application.leases import listings_lease, setup_lease, sync_lease
from application.listing_updates import ListingRow, SubmitListingsCommand
from bootstrap.system import SettableClock
from domain.marketplace import MarketplaceState
from domain.team import Role
from tests.integration.persistence.conftest import world_on
from tests.world import World

US = "ATVPDKIKX0DER"
SLOW = 2.0  # seconds Amazon takes to answer an SP-API call in these tests
T0 = datetime(2026, 12, 5, tzinfo=UTC)


@pytest.fixture
def slow_world(sql_db: SqlDatabase) -> Iterator[World]:
    """The production container on the SQL database, with an Amazon whose latency is real
    time (the sandbox's latency fault is slept, not skipped)."""
    clock = SettableClock()
    with world_on(sql_db, clock=clock, amazon=InProcessAmazon(clock, sleep=time.sleep)) as world:
        yield world


def _slow_amazon(world: World) -> None:
    world.amazon.sandbox.set_faults([Fault("latency", target="sp_api", latency_seconds=SLOW)])


def _holder(db: SqlDatabase, name: str) -> tuple[str, datetime] | None:
    with db.unit_of_work() as uow:
        return uow.leases.holder(name)


def _in_background(work: Callable[[], object]) -> threading.Thread:
    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return thread


def _wait_for_lease(db: SqlDatabase, name: str) -> None:
    deadline = time.monotonic() + 10
    while _holder(db, name) is None:
        assert time.monotonic() < deadline, f"nobody claimed {name}"
        time.sleep(0.01)


def _timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def test_a_lease_has_one_holder_until_it_is_dropped_or_runs_out(sql_db: SqlDatabase) -> None:
    until = T0 + timedelta(seconds=20)

    def claim(claimer: str, now: datetime) -> bool:
        with sql_db.unit_of_work() as uow:
            claimed = uow.leases.claim("setup:c:m", claimer, now=now, until=until)
            uow.commit()
        return claimed

    assert claim("a", T0)
    assert not claim("b", T0 + timedelta(seconds=19))
    assert claim("a", T0 + timedelta(seconds=19))  # the holder renews
    with sql_db.unit_of_work() as uow:
        uow.leases.release("setup:c:m", "b")  # not b's to drop
        uow.commit()
    assert _holder(sql_db, "setup:c:m") == ("a", until)
    assert claim("b", until)  # a was killed: its lease ran out
    with sql_db.unit_of_work() as uow:
        uow.leases.release("setup:c:m", "b")
        uow.commit()
    assert _holder(sql_db, "setup:c:m") is None
    assert claim("c", T0)


def test_a_slow_amazon_during_setup_holds_up_no_other_write(
    slow_world: World, sql_db: SqlDatabase
) -> None:
    world = slow_world
    world.create_team("Acme")
    world.connect_fully("us-seller")
    world.select_marketplace("US")
    assert world.marketplace("US").state == MarketplaceState.SETTING_UP
    _slow_amazon(world)
    setup = _in_background(world.run_setup)
    _wait_for_lease(sql_db, setup_lease(world.connection_id, US))
    # The same connection's listing settings, while setup waits on Amazon.
    took = _timed(lambda: world.set_listing_settings(buffer=2))
    setup.join(30)
    assert took < SLOW / 2
    assert world.marketplace("US").state == MarketplaceState.SYNCING
    assert world.listing_settings().inventory_buffer == 2
    assert _holder(sql_db, setup_lease(world.connection_id, US)) is None


def test_what_a_product_sends_while_a_batch_is_on_its_way_is_kept_for_the_next(
    slow_world: World, sql_db: SqlDatabase
) -> None:
    world = slow_world
    world.create_team("Acme")
    world.connect_fully("us-seller")

    def submit(quantity: int) -> None:
        world.app.submit_listings(
            SubmitListingsCommand(
                world.actor(Role.ADMIN),
                world.connection_id,
                US,
                [ListingRow("W-1", quantity, "9.00", "USD")],
            )
        )

    submit(3)
    patch = Fault(
        "latency", target="sp_api", operation="patchListingsItem", latency_seconds=SLOW, count=1
    )
    world.amazon.sandbox.set_faults([patch])
    flush = _in_background(
        lambda: world.app.flush_listings.connection(world.connection_id, force=True)
    )
    _wait_for_lease(sql_db, listings_lease(world.connection_id))
    # The lease is claimed before the batch is read: 5 goes out with it if it comes first.
    # Wait until the batch is on its way (Amazon is answering the PATCH, slowly).
    deadline = time.monotonic() + 10
    while patch.count != 0:
        assert time.monotonic() < deadline, "the batch never reached Amazon"
        time.sleep(0.01)
    took = _timed(lambda: submit(5))
    flush.join(30)
    assert took < SLOW / 2
    sent = world.amazon.listing("us-seller", "US", "W-1")
    assert sent is not None
    assert sent.quantity == 3
    with sql_db.unit_of_work() as uow:
        listing = uow.listings.get(world.connection_id, US, "W-1")
    assert listing is not None
    assert listing.sent_quantity == 3
    assert listing.waiting  # 5 waits for the next batch
    world.amazon.sandbox.set_faults([])
    world.app.flush_listings.connection(world.connection_id, force=True)
    sent = world.amazon.listing("us-seller", "US", "W-1")
    assert sent is not None
    assert sent.quantity == 5


def test_a_slow_amazon_during_a_sync_window_holds_up_no_other_write(
    slow_world: World, sql_db: SqlDatabase
) -> None:
    """The sync asks Amazon under its lease per (connection, marketplace, dataset) with no
    transaction open: the same connection's settings change at once meanwhile."""
    world = slow_world
    world.create_team("Acme")
    world.connect_fully("us-seller")
    world.select_marketplace("US")
    world.run_setup()
    assert world.marketplace("US").state == MarketplaceState.SYNCING
    world.amazon.sandbox.set_faults(
        [Fault("latency", target="sp_api", operation="getOrders", latency_seconds=1.0, count=1)]
    )
    sync = _in_background(world.run_setup)  # the most recent windows, then Ready
    orders = sync_lease(world.connection_id, US, "orders")
    _wait_for_lease(sql_db, orders)
    took = _timed(lambda: world.set_listing_settings(buffer=2))
    sync.join(30)
    assert took < 0.5
    assert world.listing_settings().inventory_buffer == 2
    assert world.marketplace("US").state == MarketplaceState.READY
    assert _holder(sql_db, orders) is None
