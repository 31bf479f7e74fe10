"""A worker process killed with SIGKILL in the middle of writing a large window of records
(DESIGN §12): the batches it committed stay, the window's cursor has not moved, and the next
worker fetches the window again. Nothing is lost, nothing is there twice, and the records
written again unchanged keep their sequence numbers (none is handed out twice or wasted)."""

from __future__ import annotations

import signal
from datetime import timedelta

import pytest

from application.sync_window import BATCH
from domain.records import Dataset, RecordQuery
from domain.sync import AMAZON_SETTLE_TIME
from harness.seeds import US, seed
from harness.stack import INGEST_PAUSE_AT, INGEST_ROWS, reaped, wait_for
from tests.integration.background.conftest import START


def _records(database, team_id):
    found, after = [], 0
    while True:
        with database.unit_of_work() as uow:
            page = uow.records.page(RecordQuery(team_id=team_id, after=after, limit=1000))
        if not page:
            return found
        found += page
        after = page[-1].sequence


def _window(records):
    """The records of the regular cycle's orders window starting at START."""
    prefix = f"{Dataset.ORDERS}/{US}/{START.isoformat()}/"
    return [r for r in records if r.dataset is Dataset.ORDERS and r.key.startswith(prefix)]


def _orders_cursor(database, connection_id):
    with database.unit_of_work() as uow:
        return uow.sync_cursors.get(connection_id, US, Dataset.ORDERS)


@pytest.mark.slow
def test_a_worker_killed_while_writing_a_window_loses_and_duplicates_nothing(
    database, child, clock, calls, work_dir
):
    assert BATCH < INGEST_PAUSE_AT - BATCH  # the pause comes after one committed batch
    (connection_id,) = seed(database, 1, START)
    clock.advance(timedelta(hours=1))  # the next hour of orders is due
    window_end = START + timedelta(hours=1) - AMAZON_SETTLE_TIME
    victim = child("worker", "--slow-ingest", "60")
    with reaped([victim]):
        wait_for(
            lambda: calls.count("ingesting") == 1 and _window(_records(database, "team_0")),
            60,
            "the victim to be mid-window with a batch committed",
        )
        victim.send_signal(signal.SIGKILL)
        assert victim.wait(10) == -signal.SIGKILL
    orders = _window(_records(database, "team_0"))
    assert 0 < len(orders) < INGEST_ROWS  # some batches committed, not the window
    assert _orders_cursor(database, connection_id).synced_until == START
    committed = {r.key: r.sequence for r in orders}

    survivor = child("worker", "--slow-ingest", "0.01")
    with reaped([survivor]):
        wait_for(
            lambda: _orders_cursor(database, connection_id).synced_until == window_end,
            60,
            "the window to be delivered",
        )
        (work_dir / "stop").touch()
        assert survivor.wait(60) == 0

    everything = _records(database, "team_0")
    orders = _window(everything)
    assert len(orders) == INGEST_ROWS  # nothing lost
    assert len({r.key for r in orders}) == INGEST_ROWS  # nothing twice
    # What the killed worker had committed was written again unchanged: same sequence.
    assert all(committed[r.key] == r.sequence for r in orders if r.key in committed)
    sequences = [r.sequence for r in everything]
    assert len(set(sequences)) == len(sequences)
    assert sequences == list(range(1, len(everything) + 1))  # none wasted either
