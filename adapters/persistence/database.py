"""The SQL database sellerlink keeps its state in: engine set-up per back end, migrations,
and the unit-of-work factory.

SQLite (a file under the data dir) is the embedded default; PostgreSQL (psycopg 3, URL
`postgresql+psycopg://user:password@host:port/db`) is for scale-out (DESIGN §7, §8).

SQLite needs care to behave like a real transactional database:
- pysqlite's own transaction handling is switched off and sellerlink emits BEGIN itself
  (SQLAlchemy's documented recipe), so reads are part of the transaction too;
- WAL journal (readers never block the writer), foreign keys on, a busy timeout;
- a unit of work's first write restarts its (read-only so far) transaction as
  `BEGIN IMMEDIATE`, which takes SQLite's single write lock up front. Without it, a
  transaction that read and then writes fails with "database is locked" when another
  writer committed in between; with it, writers queue, and a stale read shows up as the
  ConcurrentUpdate the version columns are there to report (see unit_of_work.py).

PostgreSQL runs READ COMMITTED, where every statement reads its own snapshot whether or not
a transaction is open. So a unit of work's connection starts in autocommit and opens its
transaction (BEGIN) just before its first statement that writes or locks
(`_begin_before_writes`): a read-only unit of work, most API requests, costs its SELECTs
and nothing else, instead of BEGIN, the SELECTs and ROLLBACK. A connection is pinged only
when it comes out of the pool after resting (`_ping_if_rested`), not on every checkout: a
busy server's connections are known to be alive, and a database restart is noticed on the
first checkout after the rest."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import StaticPool

from adapters.persistence.announcements import EventIds
from adapters.persistence.crypto import Keyring
from adapters.persistence.unit_of_work import SQLITE_BEGIN_OPTION, SqlUnitOfWork

MIGRATIONS = Path(__file__).parent / "migrations"
# An arbitrary constant: PostgreSQL advisory lock key serializing concurrent upgrades.
_MIGRATION_LOCK_KEY = 0x5E11E511
# PostgreSQL connections kept open for the API's threads and the worker's; more are opened
# under a burst and closed again (each one a backend process started on the server).
POOL_SIZE = 10
POOL_OVERFLOW = 20
# A pooled PostgreSQL connection unused this long is pinged before it is handed out. The
# pool hands out the connection returned last (LIFO): the busy ones stay warm and are not
# pinged, the spare ones rest, and only a rested one costs a ping.
PING_AFTER_SECONDS = 10.0
# A statement that only reads, outside a transaction: a SELECT that locks nothing.
_READ_ONLY = re.compile(
    r"\s*SELECT\b(?!.*\bFOR\s+(?:NO\s+KEY\s+)?(?:KEY\s+)?(?:UPDATE|SHARE)\b)(?!.*_xact_lock)",
    re.IGNORECASE | re.DOTALL,
)


def default_sqlite_url(data_dir: str | Path) -> str:
    """The embedded default: `<data dir>/sellerlink.db`."""
    return f"sqlite:///{Path(data_dir).resolve() / 'sellerlink.db'}"


class SqlDatabase:
    """One database: `unit_of_work()` for the use cases, `upgrade()`/`downgrade()` for the
    schema, `dispose()` at shutdown.

    `lock_timeout` (seconds) bounds how long a statement waits for a lock: SQLite's busy
    timeout (default 30 s) and PostgreSQL's `lock_timeout` (default: wait). `ids` names the
    audit events the units of work log (the application's id generator; random otherwise)."""

    def __init__(
        self,
        url: str,
        keyring: Keyring,
        *,
        echo: bool = False,
        lock_timeout: float | None = None,
        ids: EventIds | None = None,
    ) -> None:
        self.ids = ids
        self.url: URL = make_url(url)
        self.keyring = keyring
        self.engine: Engine = _create_engine(self.url, echo=echo, lock_timeout=lock_timeout)
        self._uow_engine = _unit_of_work_engine(self.engine)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def unit_of_work(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._uow_engine, self.keyring, self.ids)

    # -- schema ------------------------------------------------------------------------

    def upgrade(self, revision: str = "head") -> None:
        """`alembic upgrade`, programmatically: the migrations ship inside the package, so
        an installed sellerlink can migrate its own database."""
        self._run_alembic("upgrade", revision)

    def downgrade(self, revision: str) -> None:
        self._run_alembic("downgrade", revision)

    def current_revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def head_revision(self) -> str:
        from alembic.script import ScriptDirectory

        head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
        assert head is not None
        return head

    def _run_alembic(self, command_name: str, revision: str) -> None:
        from alembic import command

        config = _alembic_config()
        with self.engine.begin() as connection:
            if self.dialect == "postgresql":
                # Replicas starting together migrate one at a time.
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY}
                )
            config.attributes["connection"] = connection
            getattr(command, command_name)(config, revision)

    def dispose(self) -> None:
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"SqlDatabase({self.url.render_as_string(hide_password=True)!r})"


def _alembic_config() -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _create_engine(url: URL, *, echo: bool, lock_timeout: float | None) -> Engine:
    # hide_parameters: bound values (ciphertexts, states) never reach logs or exceptions.
    common: dict[str, Any] = {"echo": echo, "hide_parameters": True}
    backend = url.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(url, common, 30.0 if lock_timeout is None else lock_timeout)
    if backend == "postgresql":
        options = "-c timezone=UTC"
        if lock_timeout is not None:
            options += f" -c lock_timeout={int(lock_timeout * 1000)}"
        engine = create_engine(
            url,
            pool_size=POOL_SIZE,
            max_overflow=POOL_OVERFLOW,
            pool_use_lifo=True,
            connect_args={"options": options},
            **common,
        )
        _ping_if_rested(engine)
        return engine
    raise ValueError(f"unsupported database back end {backend!r}: use sqlite or postgresql")


def _unit_of_work_engine(engine: Engine) -> Engine:
    """The engine units of work use: on PostgreSQL the same pool, in autocommit until the
    first statement that writes or locks (see the module docstring)."""
    if engine.dialect.name != "postgresql":
        return engine
    autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
    event.listen(autocommit, "before_cursor_execute", _begin_before_writes)
    return autocommit


def _begin_before_writes(
    _conn: Any, cursor: Any, statement: str, _params: Any, _context: Any, _many: bool
) -> None:
    from psycopg.pq import TransactionStatus

    connection = cursor.connection
    if connection.info.transaction_status is TransactionStatus.IDLE and not _READ_ONLY.match(
        statement
    ):
        connection.execute("BEGIN", prepare=False)


def _ping_if_rested(engine: Engine) -> None:
    """SQLAlchemy's pessimistic disconnect handling, only for connections that rested:
    raising DisconnectionError makes the pool throw the connection away and hand out
    another (a restarted database's connections are all stale)."""

    @event.listens_for(engine, "connect")
    def _fresh(_dbapi_connection: Any, record: Any) -> None:
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get("returned_at", 0.0) < PING_AFTER_SECONDS:
            return
        try:
            dbapi_connection.execute("SELECT 1")
            dbapi_connection.rollback()
        except Exception as gone:
            raise exc.DisconnectionError() from gone


def _sqlite_engine(url: URL, common: dict[str, Any], busy_timeout: float) -> Engine:
    database = url.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
    if not in_memory:
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    extra: dict[str, Any] = {}
    if in_memory:
        extra["poolclass"] = StaticPool
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": busy_timeout},
        **extra,
        **common,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # sellerlink emits BEGIN itself
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(
            connection.get_execution_options().get(SQLITE_BEGIN_OPTION, "BEGIN")
        )

    return engine
