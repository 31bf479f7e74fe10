"""Fault tests: a worker process killed with SIGKILL in the middle of a marketplace
setup or of a token refresh. After a fresh worker starts, every connection reaches the state
it would have reached without the kill, and nothing is duplicated or lost: the database
state is the queue, the row lock dies with the killed process's connection, and every job
re-reads its state before acting."""

from __future__ import annotations

import signal
from collections import Counter
from datetime import timedelta

import pytest

from adapters.worker import run_pass
from application.repositories import EventLogQuery
from domain.events import EventKind
from domain.grant import Channel
from domain.marketplace import MarketplaceState
from harness.seeds import US, seed
from harness.stack import CountingAmazon, build_app, reaped, wait_for
from tests.integration.background.conftest import START

pytestmark = pytest.mark.usefixtures("short_leases")

CONNECTIONS = 6


def _kill_nine(process):
    process.send_signal(signal.SIGKILL)
    assert process.wait(10) == -signal.SIGKILL


def _marketplaces(database, ids):
    with database.unit_of_work() as uow:
        return {cid: uow.marketplaces.get(cid, US) for cid in ids}


def _stop(work_dir, process):
    (work_dir / "stop").touch()
    assert process.wait(60) == 0
    (work_dir / "stop").unlink()


@pytest.mark.slow
def test_a_worker_killed_in_the_middle_of_setup_loses_and_repeats_nothing(
    database, child, calls, work_dir
):
    ids = seed(database, CONNECTIONS, START, marketplace_state=MarketplaceState.SETTING_UP)
    victim = child("worker", "--slow-setup", "30")
    with reaped([victim]):
        wait_for(lambda: calls.count("begin-setup") == 1, 60, "the victim to start a setup")
        _kill_nine(victim)
    assert calls.count("setup") == 0  # killed inside Amazon's call, before it answered
    survivor = child("worker")
    with reaped([survivor]):
        wait_for(
            lambda: all(
                m.state is MarketplaceState.READY for m in _marketplaces(database, ids).values()
            ),
            60,
            "every marketplace to be Ready",
        )
        _stop(work_dir, survivor)
    for marketplace in _marketplaces(database, ids).values():
        moves = Counter((t.from_state, t.to_state) for t in marketplace.history)
        assert moves[(MarketplaceState.SETTING_UP, MarketplaceState.SYNCING)] == 1
        assert moves[(MarketplaceState.SYNCING, MarketplaceState.READY)] == 1
        assert marketplace.last_error is None
    # One completed setup call per marketplace: the killed one was not counted as done.
    assert Counter(f[3] for f in calls.lines() if f[0] == "setup") == {US: CONNECTIONS}
    assert len([f for f in calls.lines() if f[0] == "setup"]) == CONNECTIONS


@pytest.mark.slow
def test_a_worker_killed_in_the_middle_of_a_refresh_loses_and_repeats_nothing(
    database, child, calls, work_dir
):
    ids = seed(database, CONNECTIONS, START, access_token_expires_at=START - timedelta(minutes=1))
    victim = child("worker", "--slow-refresh", "30")
    with reaped([victim]):
        wait_for(lambda: calls.count("begin-refresh") == 1, 60, "the victim to start a refresh")
        _kill_nine(victim)
    survivor = child("worker")
    with reaped([survivor]):

        def all_fresh() -> bool:
            with database.unit_of_work() as uow:
                return all(
                    g.cached_access_token(START) is not None
                    for cid in ids
                    for g in uow.connections.get(cid).grants.values()
                )

        wait_for(all_fresh, 60, "every token to be refreshed")
        _stop(work_dir, survivor)
    completed = Counter((f[2], f[3]) for f in calls.lines() if f[0] == "refresh")
    assert completed == {(cid, str(ch)): 1 for cid in ids for ch in Channel}
    with database.unit_of_work() as uow:
        for cid in ids:
            connection = uow.connections.get(cid)
            assert connection.unusable_since is None
            assert all(g.revoked_at is None for g in connection.grants.values())
        assert uow.events.list(EventLogQuery(kinds=[str(EventKind.TOKEN_REVOKED)])) == []


@pytest.mark.slow
def test_amazon_down_during_a_run_delays_work_and_corrupts_nothing(
    database, child, clock, calls, work_dir
):
    """A 5xx storm: every refresh fails for a while; nothing is marked revoked, and when
    Amazon answers again one refresh per token brings everything back."""
    ids = seed(database, CONNECTIONS, START, access_token_expires_at=START - timedelta(minutes=1))
    down = CountingAmazon(clock, calls, down=True)
    app = build_app(database, down, clock)
    for _ in range(3):
        run_pass(app)
        clock.advance(timedelta(minutes=1))
    assert calls.count("refresh-failed") == 3 * CONNECTIONS * 2
    with database.unit_of_work() as uow:
        for cid in ids:
            connection = uow.connections.get(cid)
            assert connection.unusable_since is None
            assert all(g.revoked_at is None for g in connection.grants.values())
            assert all(
                g.last_refresh_error == "AMAZON_UNAVAILABLE" for g in connection.grants.values()
            )
    survivor = child("worker")
    with reaped([survivor]):
        wait_for(lambda: calls.count("refresh") == CONNECTIONS * 2, 60, "the refreshes")
        _stop(work_dir, survivor)
    assert calls.count("refresh") == CONNECTIONS * 2
