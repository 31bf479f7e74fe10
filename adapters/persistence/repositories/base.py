"""What every SQL repository shares: the unit of work's session and keyring, how an aggregate
is added, found (locked where asked) and written back against its version, upserts that work
on SQLite and PostgreSQL, and chunked `IN` lists."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Protocol, TypeVar

from sqlalchemy import ScalarResult, Select, Table, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from adapters.persistence.crypto import Keyring
from adapters.persistence.rows import Row, values_of
from domain.errors import ConcurrentUpdate

T = TypeVar("T")
R = TypeVar("R")
# Far under SQLite's and PostgreSQL's bound-parameter limits.
CHUNK = 500


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Transaction(Protocol):
    """What a repository needs of the unit of work that owns it. Declared here, on the
    repositories' side, so that unit_of_work.py imports the repositories and nothing imports
    it back: the unit of work satisfies this protocol without naming it."""

    @property
    def session(self) -> Session: ...

    @property
    def keyring(self) -> Keyring: ...

    @property
    def dialect(self) -> str: ...

    def prepare_write(self) -> None: ...

    def lock_rows(self) -> bool: ...

    def watch(self, value: T) -> T:
        """Every aggregate handed out or taken in, so that its announcements are logged at
        commit (announcements.py)."""
        ...


class Versioned(Protocol):
    version: int


V = TypeVar("V", bound=Versioned)


class SqlRepository:
    def __init__(self, uow: Transaction) -> None:
        self._uow = uow

    @property
    def _session(self) -> Session:
        return self._uow.session

    @property
    def _keyring(self) -> Keyring:
        return self._uow.keyring

    def _current(self, statement: Select[tuple[R]]) -> ScalarResult[R]:
        """The rows as the database holds them now. A row this session loaded earlier in the
        unit of work is refreshed, not handed back as it was (populate_existing): another
        process may have written it since, and a versioned update must see that."""
        return self._session.scalars(statement.execution_options(populate_existing=True))

    def _locked(self, statement: Select[tuple[R]], for_update: bool) -> Select[tuple[R]]:
        """`statement` holding a row lock until commit, where asked and where the database
        locks rows (SQLite serializes writers instead)."""
        if for_update and self._uow.lock_rows():
            return statement.with_for_update()
        return statement

    def _one(
        self, statement: Select[tuple[R]], from_row: Callable[[R], T], *, for_update: bool = False
    ) -> T | None:
        """The one object `statement` finds, watched for its announcements; None when none."""
        row = self._current(self._locked(statement, for_update)).one_or_none()
        return None if row is None else self._uow.watch(from_row(row))

    def _add(self, aggregate: object, *rows: Row) -> None:
        """A new aggregate: watched, so what it announced is logged at commit, and its rows
        inserted."""
        self._uow.watch(aggregate)
        self._insert(rows)

    def _insert(self, rows: Sequence[Row]) -> None:
        if not rows:
            return
        self._uow.prepare_write()
        table: Any = rows[0].__table__
        self._session.execute(table.insert(), [values_of(r) for r in rows])

    def _upsert(self, row: Row, key: Sequence[str]) -> None:
        """INSERT, or UPDATE the row with the same key: one statement, no race between two
        writers of the same key."""
        self._uow.prepare_write()
        table: Table = row.__table__  # type: ignore[assignment]
        values = values_of(row)
        changes = {k: v for k, v in values.items() if k not in key}
        dialect = postgresql if self._uow.dialect == "postgresql" else sqlite
        statement = dialect.insert(table).values(values)
        statement = statement.on_conflict_do_update(index_elements=list(key), set_=changes)
        self._session.execute(statement)

    def _write_back(self, aggregate: V, row: Row, name: str, context: Mapping[str, object]) -> None:
        """An aggregate read, changed and written back under optimistic concurrency: the
        stored row with `row`'s primary key is set to `row`'s values and version + 1 only if
        it is still at the version the aggregate was read at; ConcurrentUpdate, naming it,
        when another writer got there first. The aggregate's version then follows the row's."""
        self._uow.watch(aggregate)
        self._uow.prepare_write()
        table: Table = row.__table__  # type: ignore[assignment]
        values = values_of(row)
        key = [table.c[c.key] == values.pop(c.key) for c in table.primary_key.columns]
        values["version"] = aggregate.version + 1
        result = self._session.execute(
            update(table).where(*key, table.c.version == aggregate.version).values(values)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise ConcurrentUpdate(
                f"{name} was changed by someone else since it was read.", context=context
            )
        aggregate.version += 1
