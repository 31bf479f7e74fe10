"""The scale-out runtime on PostgreSQL: `sellerlink worker` processes running
procrastinate. Two workers share the reconciler's jobs; each token is refreshed once; a
worker killed with SIGKILL in the middle of a setup is covered by the other."""

from __future__ import annotations

import signal
from collections import Counter
from datetime import timedelta

import psycopg
import pytest

from adapters.worker.procrastinate_runtime import RUN_JOB, libpq_url
from domain.grant import Channel
from domain.marketplace import MarketplaceState
from harness.seeds import US, seed
from harness.stack import reaped, wait_for
from tests.integration.background.conftest import START

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.usefixtures("short_leases")]

CONNECTIONS = 6


@pytest.fixture(params=["postgres"])
def database_url(request, postgres_url):
    from harness.postgres import create_database, drop_database

    url = create_database(postgres_url, prefix="procrastinate")
    yield url
    drop_database(postgres_url, url)


def _all_ready(database, ids):
    with database.unit_of_work() as uow:
        return all(uow.marketplaces.get(cid, US).state is MarketplaceState.READY for cid in ids)


def test_two_procrastinate_workers_do_every_job_once(database, database_url, child, calls):
    ids = seed(
        database,
        CONNECTIONS,
        START,
        marketplace_state=MarketplaceState.SETTING_UP,
        access_token_expires_at=START - timedelta(minutes=1),
    )
    workers = [child("procrastinate") for _ in range(2)]
    with reaped(workers):
        wait_for(lambda: _all_ready(database, ids), 90, "every marketplace to be Ready")
        wait_for(lambda: calls.count("refresh") == CONNECTIONS * 2, 30, "every refresh")
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(30)
    refreshes = Counter((f[2], f[3]) for f in calls.lines() if f[0] == "refresh")
    assert refreshes == {(cid, str(ch)): 1 for cid in ids for ch in Channel}
    assert calls.count("setup") == CONNECTIONS
    # The work went through procrastinate's queue.
    with psycopg.connect(libpq_url(database_url)) as connection:
        done = dict(
            connection.execute(
                "SELECT task_name, count(*) FROM procrastinate_jobs "
                "WHERE status = 'succeeded' GROUP BY task_name"
            ).fetchall()
        )
    assert done.get(RUN_JOB, 0) >= CONNECTIONS * 2 + CONNECTIONS  # refreshes + setup steps


def test_a_procrastinate_worker_killed_mid_setup_is_covered_by_the_other(database, child, calls):
    ids = seed(database, CONNECTIONS, START, marketplace_state=MarketplaceState.SETTING_UP)
    victim = child("procrastinate", "--slow-setup", "60")
    with reaped([victim]):
        wait_for(lambda: calls.count("begin-setup") >= 1, 60, "the victim to start a setup")
        victim.send_signal(signal.SIGKILL)
        victim.wait(10)
    survivor = child("procrastinate")
    with reaped([survivor]):
        wait_for(lambda: _all_ready(database, ids), 90, "every marketplace to be Ready")
        survivor.send_signal(signal.SIGTERM)
        survivor.wait(30)
    with database.unit_of_work() as uow:
        for cid in ids:
            history = uow.marketplaces.get(cid, US).history
            moves = Counter((t.from_state, t.to_state) for t in history)
            assert moves[(MarketplaceState.SETTING_UP, MarketplaceState.SYNCING)] == 1
    assert calls.count("setup") == CONNECTIONS
