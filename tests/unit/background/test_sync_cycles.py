"""Sync cycles of the orders dataset with a cursor; the backfill after a reconnect (seed 004).
getOrders windows end 2 minutes behind now (LAG)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from application.leases import sync_lease
from application.reconciler import Job, JobKind, JobStatus
from domain.grant import Channel
from domain.records import Dataset

HOUR = timedelta(hours=1)
LAG = timedelta(minutes=2)


def _windows(amazon):
    return [(start, end) for _, _, start, end in amazon.sync_windows]


def _cursor(seller):
    with seller.app.ports.uow() as uow:
        return uow.sync_cursors.get(seller.connection_id, seller.marketplace_id)


def assert_contiguous(windows):
    for (_, end), (start, _) in itertools.pairwise(windows):
        assert start == end, f"gap or overlap between {end} and {start}"


def test_a_cycle_runs_once_an_interval_has_passed(seller, amazon):
    seller.clock.advance(HOUR - LAG - timedelta(minutes=1))
    assert JobKind.SYNC_CYCLE not in {j.kind for j in seller.app.reconcile()}
    seller.clock.advance(timedelta(minutes=1))
    assert Job(JobKind.SYNC_CYCLE, seller.connection_id, seller.marketplace_id) in (
        seller.app.reconcile()
    )


def test_cycles_cover_time_without_gaps_or_overlaps(seller, amazon):
    start = _cursor(seller).synced_until
    seller.live(timedelta(hours=12), step=timedelta(minutes=20))
    windows = _windows(amazon)
    assert windows[0][0] == start
    assert_contiguous(windows)
    assert _cursor(seller).synced_until == windows[-1][1]
    assert seller.clock.now() - windows[-1][1] < HOUR + LAG


def test_running_the_same_cycle_twice_fetches_once(seller, amazon):
    seller.clock.advance(2 * HOUR)
    job = Job(JobKind.SYNC_CYCLE, seller.connection_id, seller.marketplace_id)
    assert seller.app.run_job(job).status is JobStatus.DONE
    assert seller.app.run_job(job).status is JobStatus.NOTHING_TO_DO
    assert len(amazon.sync_windows) == 1


def test_a_long_stop_is_caught_up_in_bounded_windows(seller, amazon):
    seller.clock.advance(timedelta(days=3, hours=5))
    seller.pass_()
    windows = _windows(amazon)
    assert len(windows) == 4
    assert all(end - start <= timedelta(days=1) for start, end in windows)
    assert_contiguous(windows)


def test_throttling_leaves_the_cursor_and_the_next_pass_catches_up(seller, amazon):
    before = _cursor(seller).synced_until
    amazon.throttled = True
    seller.clock.advance(3 * HOUR)
    result = seller.app.run_job(
        Job(JobKind.SYNC_CYCLE, seller.connection_id, seller.marketplace_id)
    )
    assert result.status is JobStatus.RETRY_LATER
    assert _cursor(seller).synced_until == before
    amazon.throttled = False
    seller.clock.advance(timedelta(minutes=1))  # Amazon refills getOrders at 0.0167 req/s
    seller.pass_()
    assert _cursor(seller).synced_until == seller.clock.now() - LAG


def test_no_cycle_while_reconnect_is_required(seller, amazon):
    amazon.revoke("us-seller")
    seller.clock.advance(2 * HOUR)
    seller.pass_()  # the refresh learns of the revocation
    fetched = len(amazon.sync_windows)
    seller.clock.advance(5 * HOUR)
    seller.pass_()
    assert len(amazon.sync_windows) == fetched
    assert JobKind.SYNC_CYCLE not in {j.kind for j in seller.app.reconcile()}


def test_a_reconnect_backfills_the_gap_and_cycles_resume(seller, amazon, world):
    seller.live(timedelta(hours=3), step=timedelta(minutes=30))
    amazon.revoke("us-seller")
    seller.live(timedelta(days=4), step=timedelta(hours=2))
    gap_start = _cursor(seller).synced_until
    world.connect("us-seller", Channel.ADS, connection_id=seller.connection_id)
    world.connect("us-seller", Channel.SP_API, connection_id=seller.connection_id)
    reconnected = seller.clock.now()
    cursor = _cursor(seller)
    assert cursor.backfill_from == gap_start
    assert cursor.backfill_until == reconnected
    seller.live(timedelta(hours=3), step=timedelta(minutes=30))
    assert not _cursor(seller).backfill_pending
    windows = sorted(_windows(amazon))
    assert_contiguous(windows)
    assert windows[-1][1] > reconnected
    completed = [
        e for e in seller.events("sync.backfill_completed") if e.data["dataset"] == "orders"
    ]
    assert len(completed) == 1
    assert completed[0].data["reason"] == "reconnect"
    assert "missed data" in completed[0].summary


def test_a_window_another_worker_is_fetching_is_left_to_it(seller, amazon):
    """DESIGN §15: each dataset's window is fetched under a lease. While another worker
    holds it (waiting on Amazon), this one leaves the window alone; once that lease runs
    out (its holder was killed), the window is fetched."""
    seller.clock.advance(2 * HOUR)
    job = Job(JobKind.SYNC_CYCLE, seller.connection_id, seller.marketplace_id)
    names = [sync_lease(seller.connection_id, seller.marketplace_id, str(d)) for d in Dataset]

    def held_by_another_until(until: datetime) -> None:
        with seller.app.ports.uow() as uow:
            for name in names:
                uow.leases.claim(name, "another-worker", now=until, until=until)
            uow.commit()

    now = datetime.now(UTC)
    held_by_another_until(now + timedelta(minutes=1))
    assert seller.app.run_job(job).status is JobStatus.NOTHING_TO_DO
    assert amazon.sync_windows == []
    held_by_another_until(now - timedelta(seconds=1))  # its holder stopped renewing it
    assert seller.app.run_job(job).status is JobStatus.DONE
    assert len(amazon.sync_windows) == 1
