"""The embedded default's worker thread: runs passes by itself, stops cleanly, loses nothing
when stopped."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from adapters.worker import InProcessWorker
from application.marketplaces import UpdateMarketplaceCommand
from application.reconciler import JobKind
from domain.marketplace import MarketplaceState
from tests.unit.background.support import US


def wait_until(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met before the deadline")
        time.sleep(0.01)


def test_the_worker_thread_runs_passes_and_stops(seller, amazon):
    seller.clock.advance(timedelta(hours=2))
    worker = InProcessWorker(seller.app, interval=0.01)
    with worker:
        wait_until(lambda: worker.passes >= 3)
        assert worker.running
    assert not worker.running
    assert amazon.sync_windows  # the due cycle ran
    assert JobKind.SYNC_CYCLE not in {j.kind for j in seller.app.reconcile()}


def test_stop_returns_promptly_with_a_long_interval(seller):
    worker = InProcessWorker(seller.app, interval=3600).start()
    wait_until(lambda: worker.passes >= 1)
    started = time.monotonic()
    worker.stop()
    assert time.monotonic() - started < 2
    assert not worker.running


def test_work_left_when_stopped_is_found_by_the_next_worker(world):
    world.create_team("Acme")
    connection = world.connect_fully("us-seller").connection
    world.app.update_marketplace(
        UpdateMarketplaceCommand(world.actor(), connection.id, US, selected=True)
    )
    jobs = world.app.reconcile()  # a pass whose jobs were lost with their worker
    assert [j.kind for j in jobs].count(JobKind.ADVANCE_SETUP) == 1
    worker = InProcessWorker(world.app, interval=0.01).start()
    try:
        wait_until(lambda: _state(world, connection.id) is MarketplaceState.READY)
    finally:
        worker.stop()


def test_an_interval_must_be_positive(seller):
    with pytest.raises(ValueError, match="positive"):
        InProcessWorker(seller.app, interval=0)


def _state(world, connection_id):
    with world.app.ports.uow() as uow:
        return uow.marketplaces.get(connection_id, US).state
