"""A reconciler pass runs every few seconds beside the API, so what it reads must not grow
with the number of marketplaces: each table is read a fixed number of times a pass (it
was two statements per ready marketplace, most of a pass's work)."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event

from adapters.persistence import SqlDatabase
from application.reconciler import JobKind
from harness.databases import empty_database
from harness.seeds import seed
from harness.stack import CallLog, CountingAmazon, FileClock, build_app

NOW = datetime(2026, 12, 5, 9, tzinfo=UTC)


def _statements_of_a_pass(db: SqlDatabase, connections: int) -> int:
    empty_database(db)
    seed(db, connections, NOW)
    sent: list[str] = []

    def seen(_conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
        sent.append(sql)

    with tempfile.TemporaryDirectory() as tmp:
        clock = FileClock(Path(tmp) / "clock")
        clock.set(NOW)
        app = build_app(db, CountingAmazon(clock, CallLog(Path(tmp) / "calls")), clock)
        event.listen(db.engine, "before_cursor_execute", seen)
        try:
            jobs = app.reconcile()
        finally:
            event.remove(db.engine, "before_cursor_execute", seen)
    # Every seeded marketplace was looked at (each has a dataset the seed left unsynced).
    assert sum(job.kind is JobKind.SYNC_CYCLE for job in jobs) == connections
    return len(sent)


def test_a_reconciler_pass_reads_as_much_for_eight_marketplaces_as_for_two(
    sql_db: SqlDatabase,
) -> None:
    two = _statements_of_a_pass(sql_db, 2)
    eight = _statements_of_a_pass(sql_db, 8)
    assert eight == two, (two, eight)
