"""Single-flight access-token refresh across processes (DESIGN §8): K processes ask
for the same lapsed tokens at the same moment and Amazon sees one refresh per token. The
lock is the connection's row (PostgreSQL: SELECT ... FOR UPDATE; SQLite: the database write
lock), the expiry is re-read after taking it, and the new token is shared, encrypted,
through the database."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.grant import Channel
from harness.seeds import seed
from harness.stack import reaped, spawn, wait_for
from tests.integration.background.conftest import START

PROCESSES = 4
CONNECTIONS = 20


@pytest.mark.slow
def test_processes_racing_for_lapsed_tokens_refresh_each_once(
    database, database_url, keyring, clock, calls, work_dir
):
    ids = seed(database, CONNECTIONS, START - timedelta(hours=2))  # every token lapsed
    children = [
        spawn(
            "race",
            database_url=database_url,
            keyring=keyring,
            clock_file=clock.path,
            log_file=calls.path,
            work_dir=work_dir,
        )
        for _ in range(PROCESSES)
    ]
    with reaped(children):
        wait_for(lambda: len(list(work_dir.glob("ready-*"))) == PROCESSES, 60, "children")
        (work_dir / "go").touch()
        for child in children:
            assert child.wait(120) == 0, (work_dir / "..").resolve()
    refreshes = calls.per_connection("refresh")
    assert sum(refreshes.values()) == CONNECTIONS
    assert set(refreshes) == set(ids)
    # The token is in the database, encrypted, for every process to reuse.
    with database.unit_of_work() as uow:
        for connection_id in ids:
            grant = uow.connections.get(connection_id).grants[Channel.SP_API]
            assert grant.cached_access_token(START) is not None
