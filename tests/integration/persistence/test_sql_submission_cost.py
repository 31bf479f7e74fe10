"""A one-row listing submission costs the row submitted, not the SKUs already waiting: a
seller who has just imported a whole catalogue still sees a price change accepted at once.

Measured as work the database does, not time: on PostgreSQL the rows each of the
submission's SELECTs reads (EXPLAIN ANALYZE of the statement it sent, with its values), on
SQLite the virtual machine's steps. PostgreSQL's statistics are taken while the connection
has one SKU, as on a quiet database just before an import: with them, the planner answered
"the oldest waiting change" by reading every waiting SKU."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event, text

from adapters.persistence import SqlDatabase
from application.app import Application
from application.context import Actor
from application.listing_updates import ListingRow, SubmitListingsCommand
from domain.team import Membership, Role
from harness.seeds import seed
from harness.stack import CallLog, CountingAmazon, FileClock, build_app

US = "ATVPDKIKX0DER"
WAITING = 2_000
NOW = datetime(2026, 12, 5, 9, tzinfo=UTC)
ACTOR = Actor("owner@example.com", "team_0")


@contextmanager
def submitting(db: SqlDatabase) -> Iterator[tuple[Application, str]]:
    (cid,) = seed(db, 1, NOW)
    with db.unit_of_work() as uow:
        uow.memberships.put(Membership("team_0", ACTOR.user_id, Role.OWNER, NOW))
        uow.commit()
    with tempfile.TemporaryDirectory() as tmp:
        clock = FileClock(Path(tmp) / "clock")
        clock.set(NOW)
        yield build_app(db, CountingAmazon(clock, CallLog(Path(tmp) / "calls")), clock), cid


def _submit(app: Application, cid: str, skus: list[str]) -> None:
    rows = [ListingRow(sku, 3, "9.99", "USD") for sku in skus]
    app.submit_listings(SubmitListingsCommand(ACTOR, cid, US, rows))


def _rows_read(plan: dict[str, Any]) -> int:
    """Rows a plan node and those under it produced or threw away, over all its loops."""
    own = (plan["Actual Rows"] + plan.get("Rows Removed by Filter", 0)) * plan["Actual Loops"]
    return int(own) + sum(_rows_read(child) for child in plan.get("Plans", []))


def _work(db: SqlDatabase, submit: Any) -> int:
    """What one submission costs the database: rows its SELECTs read (PostgreSQL) or
    hundreds of virtual machine steps (SQLite)."""
    sent: list[tuple[str, Any]] = []
    steps: list[None] = []
    counted: list[Any] = []

    def step() -> int:
        steps.append(None)
        return 0  # go on

    def seen(_conn: Any, cursor: Any, sql: str, params: Any, _ctx: Any, _many: bool) -> None:
        sent.append((sql, params))
        if db.dialect == "sqlite" and cursor.connection not in counted:
            cursor.connection.set_progress_handler(step, 100)
            counted.append(cursor.connection)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        submit()
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
        for connection in counted:
            connection.set_progress_handler(None, 0)
    if db.dialect == "sqlite":
        return len(steps)
    read = 0
    with db.engine.connect() as connection:
        # Replayed in order in one transaction, with the settings the submission made.
        for sql, params in sent:
            verb = sql.lstrip().split(None, 1)[0].upper()
            if verb in ("SET", "RESET"):
                connection.exec_driver_sql(sql, params)
            elif verb == "SELECT":
                found = connection.exec_driver_sql(
                    "EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params
                ).scalar_one()
                plan = json.loads(found) if isinstance(found, str) else found
                read += _rows_read(plan[0]["Plan"])
        connection.rollback()
    assert read
    return read


def test_a_one_row_submission_reads_as_much_with_thousands_of_skus_waiting(
    sql_db: SqlDatabase,
) -> None:
    with submitting(sql_db) as (app, cid):
        _submit(app, cid, ["FIRST"])
        if sql_db.dialect == "postgresql":
            with sql_db.engine.begin() as connection:
                connection.execute(text("ANALYZE listings"))
        alone = _work(sql_db, lambda: _submit(app, cid, ["ONE-1"]))
        _submit(app, cid, [f"BULK-{n:05d}" for n in range(WAITING)])
        among_many = _work(sql_db, lambda: _submit(app, cid, ["ONE-2"]))
    assert among_many <= 2 * alone, (alone, among_many)
