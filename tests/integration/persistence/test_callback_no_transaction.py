"""DESIGN §15: Amazon's callback never waits on Amazon inside a database
transaction. Amazon here takes its time on every call (the sandbox's latency fault); while
it does, the callback holds no database connection at all, and an unrelated team's write
goes through at once (SQLite has one write lock for everybody: a callback holding it across
a slow Amazon stalled every other tenant)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import QueuePool

from adapters.amazon.sandbox.faults import Fault
from adapters.amazon.sandbox.in_process import InProcessAmazon
from adapters.persistence import SqlDatabase
from bootstrap.system import SettableClock
from domain.grant import Channel
from domain.team import Team, TeamKind
from tests.integration.persistence.conftest import same_database, world_on
from tests.world import World

# An unrelated write must not wait for the callback: far less than any Amazon wait.
WRITE_TIMEOUT = 0.5


class SlowAmazon:
    """Stands in for the seconds Amazon takes: at each call, notes how many database
    connections the process holds and has another team write meanwhile."""

    def __init__(self, database: SqlDatabase) -> None:
        self.database = database
        self.other = same_database(database, lock_timeout=WRITE_TIMEOUT)
        self.held: list[int] = []
        self.writes: list[float] = []

    def __call__(self, seconds: float) -> None:
        pool = self.database.engine.pool
        assert isinstance(pool, QueuePool)
        self.held.append(pool.checkedout())
        began = time.monotonic()
        try:
            with self.other.unit_of_work() as uow:
                n = len(self.writes)
                at = datetime.now(UTC)
                uow.teams.add(Team(f"team_other_{n}", f"Other {n}", TeamKind.BRAND, created_at=at))
                uow.commit()
        except OperationalError:  # locked out for WRITE_TIMEOUT: the callback holds the lock
            self.writes.append(float("inf"))
        else:
            self.writes.append(time.monotonic() - began)


@pytest.fixture
def slow(sql_db: SqlDatabase) -> Iterator[tuple[World, SlowAmazon]]:
    clock = SettableClock()
    amazon = SlowAmazon(sql_db)
    sandbox = InProcessAmazon(clock, sleep=amazon)
    sandbox.sandbox.set_faults([Fault("latency", target="all", latency_seconds=15)])
    with world_on(sql_db, clock=clock, amazon=sandbox) as world:
        yield world, amazon
    amazon.other.dispose()


def test_the_callback_holds_no_transaction_while_amazon_answers(
    slow: tuple[World, SlowAmazon],
) -> None:
    world, amazon = slow
    world.create_team()
    # Ads (code exchange, profiles, campaigns), SP-API on the same named connection (code
    # exchange, participations, seller check), then a reconnect of that connection.
    world.connect_fully("us-seller")
    world.reconnect("us-seller", Channel.ADS)

    assert len(amazon.held) >= 7, "every Amazon call of the callbacks was slow"
    assert amazon.held == [0] * len(amazon.held), "a connection was held across an Amazon call"
    assert float("inf") not in amazon.writes, "another team's write was locked out"
    assert world.view().health.value != "disconnected"
