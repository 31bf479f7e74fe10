"""The reads a kept page is checked against on every request (application.queries.
QuickReads): the caller's API key and the team stamp, each one indexed single-row statement,
without a unit of work (no ORM session, no transaction object, no pool checkout on SQLite).

On a SQLite file, each thread reads through a connection of its own, opened read-only, in
autocommit (a single SELECT is its own consistent snapshot). In WAL mode a reader never
waits for a writer, the statement reads two b-tree pages, and there is no pool to wait
for: it answers in microseconds, so the web adapter may ask it on its event loop (`quick`).
Elsewhere (PostgreSQL: a network round trip and a pool; an in-memory SQLite that only
the engine's own connection sees) it runs the same statement on a pooled Core connection,
and `quick` is False: callers ask it from a worker thread."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, bindparam, select

from adapters.persistence.repositories.api_keys import api_key_from_row
from adapters.persistence.repositories.reads import STAMP_SQL, read_team_stamp
from adapters.persistence.team_rows import ApiKeyRow
from application.queries import Access
from domain.api_key import ApiKey
from domain.team import Membership, Role

_KEY = select(ApiKeyRow.__table__).where(ApiKeyRow.__table__.c.id == bindparam("key_id"))
_COLUMNS = [c.name for c in ApiKeyRow.__table__.columns]
_RAW_KEY = f"SELECT {', '.join(_COLUMNS)} FROM api_keys WHERE id = ?"  # noqa: S608 (constants)


class _RawKey:
    """An api_keys row as sqlite3 returns it, its times made aware (as UtcDateTime does)."""

    def __init__(self, *values: Any) -> None:
        for name, value in zip(_COLUMNS, values, strict=True):
            if name.endswith("_at") and isinstance(value, str):
                value = datetime.fromisoformat(value).replace(tzinfo=UTC)
            setattr(self, name, value)


# How long a read waits out SQLite's rare short locks (WAL index recovery, a checkpoint
# resetting the log) before it fails: far under what would stall the event loop for long.
_BUSY_MS = 250


class SqlQuickReads:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        url = engine.url
        database = url.database or ""
        in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
        self._path = None if url.get_backend_name() != "sqlite" or in_memory else database
        self._local = threading.local()
        self._member = STAMP_SQL["member"].format(team_id="?", viewer="?")
        self._team = STAMP_SQL["team"].format(team_id="?")

    @property
    def quick(self) -> bool:
        return self._path is not None

    def team_stamp(self, *, team_id: str, viewer: str | None) -> tuple[Access, tuple[int, ...]]:
        if self._path is None:
            return self._pooled(team_id, viewer)
        try:
            return self._quick_stamp(team_id, viewer)
        except sqlite3.OperationalError:
            # Still locked after _BUSY_MS: read as every other request does, on the engine
            # and its own busy timeout, rather than answer with an error this read alone
            # would give.
            return self._pooled(team_id, viewer)

    def _quick_stamp(self, team_id: str, viewer: str | None) -> tuple[Access, tuple[int, ...]]:
        sql = self._connection()
        # fetchall steps each statement to its end, which ends its read transaction: the
        # next read sees everything committed meanwhile.
        if viewer is None:
            ((_, _, version),) = sql.execute(self._team, (team_id,)).fetchall()
            return Access(None), (int(version),)
        found = sql.execute(self._member, (team_id, viewer)).fetchall()
        if not found:
            return Access(None), ()
        ((role, joined_at, version),) = found
        joined = datetime.fromisoformat(joined_at).replace(tzinfo=UTC)
        return Access(Membership(team_id, viewer, Role(role), joined)), (int(version),)

    def api_key(self, key_id: str) -> ApiKey | None:
        row: Any = None
        if self._path is not None:
            try:
                found = self._connection().execute(_RAW_KEY, (key_id,)).fetchall()
            except sqlite3.OperationalError:
                pass  # still locked: read it on the engine, below, as team_stamp does
            else:
                row = _RawKey(*found[0]) if found else None
                return None if row is None else api_key_from_row(row)
        with self._engine.connect() as sql:
            row = sql.execute(_KEY, {"key_id": key_id}).first()
        return None if row is None else api_key_from_row(row)

    def _connection(self) -> sqlite3.Connection:
        found: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if found is None:
            found = sqlite3.connect(
                f"file:{self._path}?mode=ro",
                uri=True,
                isolation_level=None,
                check_same_thread=False,
                timeout=_BUSY_MS / 1000,
            )
            self._local.connection = found
        return found

    def _pooled(self, team_id: str, viewer: str | None) -> tuple[Access, tuple[int, ...]]:
        with self._engine.connect() as sql:
            return read_team_stamp(sql, team_id, viewer)
