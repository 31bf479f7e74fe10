"""What a unit of work costs in round trips to PostgreSQL, read from libpq's own trace of
the messages sent: a read-only one (most API requests) sends its SELECTs and nothing else,
no BEGIN, ROLLBACK or ping; one that writes or locks is one transaction from its first
write or lock to its COMMIT. And a connection the database dropped while it rested in the
pool is replaced before it is handed out: the next request after a restart works."""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text

from adapters.persistence import SqlDatabase, database
from domain.team import Team, TeamKind
from harness.databases import empty_database
from tests.integration.persistence.conftest import same_database

pytestmark = pytest.mark.postgres

NOW = datetime(2026, 12, 5, 9, tzinfo=UTC)


@contextmanager
def traced(db: SqlDatabase) -> Iterator[list[str]]:
    """The frontend's messages to the server while in the block: 'Query BEGIN', 'Parse
    SELECT ...', 'Sync' (a Sync or a simple Query each wait for the server's answer)."""
    sent: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "libpq.trace"
        with log.open("w") as sink:

            def checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
                dbapi_connection.pgconn.trace(sink.fileno())

            def checkin(dbapi_connection: Any, _record: Any) -> None:
                dbapi_connection.pgconn.untrace()

            # First, so that a ping on checkout is traced too.
            event.listen(db.engine, "checkout", checkout, insert=True)
            event.listen(db.engine, "checkin", checkin)
            try:
                yield sent
            finally:
                event.remove(db.engine, "checkout", checkout)
                event.remove(db.engine, "checkin", checkin)
        # One message per entry; an entry starts with its timestamp (SQL spans lines).
        for entry in re.split(r"\n(?=\d{4}-\d\d-\d\d )", log.read_text()):
            fields = entry.split("\t")
            if len(fields) >= 4 and fields[1] == "F":
                sent.append(" ".join(" ".join(fields[3:]).split()))


def round_trips(sent: list[str]) -> int:
    return sum(1 for message in sent if message == "Sync" or message.startswith("Query"))


def test_a_read_only_unit_of_work_sends_its_selects_and_nothing_else(
    postgres_sql_db: SqlDatabase,
) -> None:
    db = postgres_sql_db
    with db.unit_of_work() as uow:  # the pool has a connection that is not resting
        uow.teams.get("team_1")
    with traced(db) as sent, db.unit_of_work() as uow:
        uow.teams.get("team_1")
        uow.connections.get("con_1")
    assert round_trips(sent) == 2, sent
    assert not [m for m in sent if "BEGIN" in m or "ROLLBACK" in m or "SELECT 1" in m], sent


def test_a_unit_of_work_takes_the_connection_used_last_not_one_that_rested(
    postgres_sql_db: SqlDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database, "PING_AFTER_SECONDS", 1.0)
    db = same_database(postgres_sql_db)  # a pool of its own, holding exactly two connections
    try:
        with db.engine.connect() as busy:
            with db.engine.connect() as spare:
                spare_pid = spare.scalar(text("SELECT pg_backend_pid()"))
            time.sleep(1.2)  # the spare rests past PING_AFTER_SECONDS while the other works
            busy_pid = busy.scalar(text("SELECT pg_backend_pid()"))
        with traced(db) as sent, db.unit_of_work() as uow:
            pid = uow.session.scalar(text("SELECT pg_backend_pid()"))
        assert pid == busy_pid != spare_pid
        assert not [m for m in sent if "SELECT 1" in m], sent
    finally:
        db.dispose()


def test_a_unit_of_work_that_locks_or_writes_is_one_transaction_from_there_to_commit(
    postgres_sql_db: SqlDatabase,
) -> None:
    db = postgres_sql_db
    empty_database(db)
    with traced(db) as sent, db.unit_of_work() as uow:
        uow.teams.get("team_1")
        uow.connections.get("con_1", for_update=True)
        uow.teams.add(Team(id="team_1", name="Acme", kind=TeamKind.BRAND, created_at=NOW))
        uow.commit()
    queries = [m for m in sent if m.startswith(("Query", "Parse"))]
    begin = next(i for i, m in enumerate(queries) if m.startswith('Query "BEGIN"'))
    assert "FROM teams" in queries[begin - 1], queries  # the plain read came before
    assert "FOR UPDATE" in queries[begin + 1], queries
    assert queries[-1] == 'Query "COMMIT"', queries
    assert sum(m.startswith('Query "BEGIN"') for m in queries) == 1


def test_what_a_failed_unit_of_work_wrote_is_gone(postgres_sql_db: SqlDatabase) -> None:
    db = postgres_sql_db
    empty_database(db)

    def fails_after_its_first_write() -> None:
        with db.unit_of_work() as uow:
            uow.teams.add(Team(id="team_1", name="Acme", kind=TeamKind.BRAND, created_at=NOW))
            uow.session.flush()
            raise RuntimeError("the use case failed after its first write")

    with pytest.raises(RuntimeError):
        fails_after_its_first_write()
    with db.unit_of_work() as uow:
        assert uow.teams.get("team_1") is None


def test_a_connection_dropped_while_resting_is_replaced_before_it_is_used(
    postgres_sql_db: SqlDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty_database(postgres_sql_db)  # no team_1 left by a module run before on this worker
    db = same_database(postgres_sql_db)  # a pool of its own: the others' stay untouched
    try:
        with db.unit_of_work() as uow:
            pid = uow.session.scalar(text("SELECT pg_backend_pid()"))
        with postgres_sql_db.engine.begin() as admin:
            # What a database restart does to a connection resting in the pool.
            assert admin.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        monkeypatch.setattr(database, "PING_AFTER_SECONDS", 0.0)
        with db.unit_of_work() as uow:
            assert uow.session.scalar(text("SELECT pg_backend_pid()")) != pid
            assert uow.teams.get("team_1") is None
    finally:
        db.dispose()
