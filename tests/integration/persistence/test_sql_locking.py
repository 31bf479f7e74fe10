"""Locks and races on real databases: the row lock the single-flight token refresh relies
on (DESIGN §8), authorization states consumed once under concurrent callbacks, and lost
updates reported as ConcurrentUpdate between units of work that really overlap."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from adapters.persistence import SqlDatabase
from domain.errors import ConcurrentUpdate
from tests.contract.persistence.builders import NOW, authorization, connection, marketplace, state
from tests.contract.persistence.builders import team as make_team
from tests.integration.persistence.conftest import same_database

T = TypeVar("T")
DEADLINE = 20.0


def _store_connection(db: SqlDatabase) -> None:
    made = connection()
    made.display_name = "0"
    with db.unit_of_work() as uow:
        uow.teams.add(make_team())
        uow.connections.add(made)
        uow.marketplaces.add(marketplace())
        uow.commit()


def _together(count: int, work: Callable[[], T]) -> list[T]:
    """Runs `work` in `count` threads released at the same instant; returns the results or
    re-raises the first failure."""
    barrier = threading.Barrier(count, timeout=DEADLINE)

    def run() -> T:
        barrier.wait()
        return work()

    with ThreadPoolExecutor(max_workers=count) as pool:
        futures = [pool.submit(run) for _ in range(count)]
        return [f.result(timeout=DEADLINE) for f in futures]


def _poll(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


@pytest.mark.parametrize("aggregate", ["connection", "marketplace"])
def test_a_row_read_for_update_keeps_a_second_locker_waiting_until_commit(
    sql_db: SqlDatabase, aggregate: str
) -> None:
    _store_connection(sql_db)
    impatient = same_database(sql_db, lock_timeout=0.2)

    def lock(uow: Any) -> Any:
        if aggregate == "connection":
            return uow.connections.get("con_1", for_update=True)
        return uow.marketplaces.get("con_1", "ATVPDKIKX0DER", for_update=True)

    try:
        with sql_db.unit_of_work() as holder:
            assert lock(holder) is not None
            with impatient.unit_of_work() as other, pytest.raises(OperationalError):
                lock(other)
            with impatient.unit_of_work() as reader:  # plain reads are not blocked
                assert reader.connections.get("con_1") is not None
            holder.commit()
        with impatient.unit_of_work() as other:
            assert lock(other) is not None
    finally:
        impatient.dispose()


def test_the_waiting_locker_reads_what_the_holder_wrote(sql_db: SqlDatabase) -> None:
    _store_connection(sql_db)
    with sql_db.unit_of_work() as holder:
        held = holder.connections.get("con_1", for_update=True)
        with ThreadPoolExecutor(max_workers=1) as pool:

            def wait_for_lock() -> Any:
                with sql_db.unit_of_work() as uow:
                    return uow.connections.get("con_1", for_update=True)

            waiting = pool.submit(wait_for_lock)
            if sql_db.dialect == "postgresql":
                _poll(lambda: _lock_waiters(sql_db) == 1, "the second locker to wait")
            assert not waiting.done()
            held.display_name = "written by the holder"
            holder.connections.update(held)
            holder.commit()
            seen = waiting.result(timeout=DEADLINE)
    assert (seen.display_name, seen.version) == ("written by the holder", 1)


def _lock_waiters(db: SqlDatabase) -> int:
    with db.engine.connect() as connection:
        return int(
            connection.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
            )
            or 0
        )


def test_concurrent_refreshers_holding_the_lock_never_lose_an_update(sql_db: SqlDatabase) -> None:
    """Each worker reads, changes and writes under the lock: all of them succeed, in turn."""
    _store_connection(sql_db)

    def refresh() -> int:
        with sql_db.unit_of_work() as uow:
            loaded = uow.connections.get("con_1", for_update=True)
            loaded.display_name = str(int(loaded.display_name) + 1)
            uow.connections.update(loaded)
            uow.commit()
            return loaded.version

    versions = _together(6, refresh)
    assert sorted(versions) == [1, 2, 3, 4, 5, 6]
    with sql_db.unit_of_work() as uow:
        assert uow.connections.get("con_1").display_name == "6"


def test_of_concurrent_callbacks_with_one_state_exactly_one_consumes_it(
    sql_db: SqlDatabase,
) -> None:
    with sql_db.unit_of_work() as uow:
        uow.authorizations.add(authorization(1))
        uow.commit()

    def callback() -> bool:
        with sql_db.unit_of_work() as uow:
            request = uow.authorizations.get(state(1))
            assert request is not None
            if request.consumed_at is not None:
                return False
            consumed = uow.authorizations.consume(state(1), NOW)
            uow.commit()
            return consumed

    outcomes = _together(8, callback)
    assert outcomes.count(True) == 1


@pytest.mark.postgres
def test_two_postgres_connections_racing_for_one_state_one_wins(postgres_sql_db: Any) -> None:
    """Two concurrent callbacks, two connections; the loser waits on the winner's
    row lock, then sees the state consumed."""
    from harness.databases import empty_database

    empty_database(postgres_sql_db)
    with postgres_sql_db.unit_of_work() as uow:
        uow.authorizations.add(authorization(1))
        uow.commit()
    with postgres_sql_db.unit_of_work() as first:
        assert first.authorizations.consume(state(1), NOW) is True
        with ThreadPoolExecutor(max_workers=1) as pool:

            def second_callback() -> bool:
                with postgres_sql_db.unit_of_work() as second:
                    consumed = second.authorizations.consume(state(1), NOW)
                    second.commit()
                    return consumed

            racing = pool.submit(second_callback)
            _poll(lambda: _lock_waiters(postgres_sql_db) == 1, "the second callback to wait")
            first.commit()
            assert racing.result(timeout=DEADLINE) is False


def test_overlapping_units_of_work_report_the_lost_update(sql_db: SqlDatabase) -> None:
    """Both read version 0 while both transactions are open; the second writer is told."""
    _store_connection(sql_db)
    with sql_db.unit_of_work() as slow, sql_db.unit_of_work() as fast:
        slow_copy = slow.connections.get("con_1")
        fast_copy = fast.connections.get("con_1")
        fast_copy.display_name = "fast"
        fast.connections.update(fast_copy)
        fast.commit()
        slow_copy.display_name = "slow"
        with pytest.raises(ConcurrentUpdate):
            slow.connections.update(slow_copy)
    with sql_db.unit_of_work() as uow:
        assert uow.connections.get("con_1").display_name == "fast"
