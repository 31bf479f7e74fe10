"""DESIGN §9: each (marketplace, dataset) syncs fairly. Two marketplaces of one seller share
Amazon's rate bucket for an operation (one per selling partner, region and operation), so
after a stop both have a backlog of windows and one bucket to spend between them: each gets
its turn, and together they never spend more than the bucket holds."""

from __future__ import annotations

from datetime import datetime, timedelta

from adapters.worker import run_pass
from domain.marketplace import MarketplaceState
from domain.records import Dataset
from tests.unit.background.test_records_sync import DE, FR, connected, state
from tests.world import World

DAY = timedelta(days=1)
# getOrders' usage plan (ordersV0.json): a request a minute, a burst of 20.
ORDERS_RATE, ORDERS_BURST = 0.0167, 20


def _orders_until(world: World, connection_id: str, marketplace_id: str) -> datetime:
    with world.app.ports.uow() as uow:
        cursor = uow.sync_cursors.get(connection_id, marketplace_id, Dataset.ORDERS)
    assert cursor is not None
    assert cursor.synced_until is not None
    return cursor.synced_until


def test_two_marketplaces_sharing_a_bucket_take_turns(world: World) -> None:
    connection_id = connected(world, "eu-seller", "DE", "FR", history_days=1)
    for _ in range(3):
        run_pass(world.app)
    assert state(world, connection_id, DE) is state(world, connection_id, FR)
    assert state(world, connection_id, FR) is MarketplaceState.READY
    world.clock.advance(40 * DAY)  # the worker was stopped: 40 days of orders due in each
    started, seen = world.clock.now(), len(world.amazon.exchanges)
    origin = {m: _orders_until(world, connection_id, m) for m in (DE, FR)}
    passed_over = {DE: 0, FR: 0}  # passes in a row the other moved and this one did not
    longest, widest = 0, timedelta(0)
    for _ in range(24):  # twelve minutes of passes: the burst and a dozen refills
        before = {m: _orders_until(world, connection_id, m) for m in (DE, FR)}
        run_pass(world.app)
        world.clock.advance(timedelta(seconds=30))
        after = {m: _orders_until(world, connection_id, m) for m in (DE, FR)}
        moved = {m for m in after if after[m] > before[m]}
        for m, other in ((DE, FR), (FR, DE)):
            passed_over[m] = passed_over[m] + 1 if other in moved and m not in moved else 0
        longest = max(longest, *passed_over.values())
        widest = max(widest, abs((after[DE] - origin[DE]) - (after[FR] - origin[FR])))
    assert all(_orders_until(world, connection_id, m) - origin[m] >= 12 * DAY for m in (DE, FR))
    assert longest <= 2, "one marketplace kept the shared bucket's tokens"
    assert widest <= 4 * DAY  # never more than a turn (and a refill) ahead of the other
    # The shared bucket was never overspent: no 429, and no more getOrders than it holds.
    calls = world.amazon.exchanges[seen:]
    assert all(e.status != 429 for e in calls)
    elapsed = (world.clock.now() - started).total_seconds()
    orders = [e for e in calls if e.operation == "getOrders"]
    assert len(orders) <= ORDERS_BURST + elapsed * ORDERS_RATE + 1
