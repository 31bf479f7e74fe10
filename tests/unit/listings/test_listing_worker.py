"""The worker sends listing batches (application/reconciler.py's FLUSH_LISTINGS job): nothing
before the batch window, the batch once it has passed, nothing while paused."""

from __future__ import annotations

from datetime import timedelta

from adapters.worker.inprocess import run_pass
from application.listing_updates import ListingRow, SubmitListingsCommand
from application.reconciler import JobKind
from domain.team import Role
from tests.world import World

US = "ATVPDKIKX0DER"


def flush_jobs(world: World) -> list[str]:
    return [j.connection_id for j in world.app.reconcile() if j.kind is JobKind.FLUSH_LISTINGS]


def test_the_worker_sends_a_batch_once_its_window_has_passed(world: World) -> None:
    world.create_team()
    world.connect_fully("us-seller")
    world.app.submit_listings(
        SubmitListingsCommand(
            world.actor(Role.ADMIN), world.connection_id, US, [ListingRow("W-1", 3, "9.00", "USD")]
        )
    )
    assert flush_jobs(world) == []
    run_pass(world.app)
    assert world.amazon.listing("us-seller", "US", "W-1") is None
    world.clock.advance(timedelta(minutes=15))
    assert flush_jobs(world) == [world.connection_id]
    run_pass(world.app)
    shown = world.amazon.listing("us-seller", "US", "W-1")
    assert shown is not None
    assert shown.quantity == 3
    assert flush_jobs(world) == []


def test_a_paused_connection_is_no_work_for_the_worker(world: World) -> None:
    world.create_team()
    world.connect_fully("us-seller")
    world.seller_revokes("us-seller")
    world.app.submit_listings(
        SubmitListingsCommand(
            world.actor(Role.ADMIN), world.connection_id, US, [ListingRow("W-1", 3, "9.00", "USD")]
        )
    )
    world.clock.advance(timedelta(minutes=15))
    assert flush_jobs(world) == []
