"""The seller's data (domain/records.py): bulk writes that hand out a new sequence only to
what changed, and keyset pages by sequence.

A write takes the team's `record_sequences` row first (a row lock on PostgreSQL, the
database write lock on SQLite) and keeps it to commit: sequence numbers are then given out
in commit order, so a reader that has passed sequence N never finds a record committed
later below N. Then it reads the stored hashes of the batch's keys (after one probe of the
key range, which settles a batch of only new keys at once), and writes only new and changed
records with executemany: re-fetching unchanged data costs reads only and burns no sequence
numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, and_, bindparam, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from adapters.persistence import by_name
from adapters.persistence.repositories.base import SqlRepository, chunks
from adapters.persistence.seller_data_rows import RecordRow, RecordSequenceRow
from domain.records import (
    IncomingRecord,
    Record,
    RecordQuery,
    RecordScope,
    WriteCounts,
)

_RECORDS: Table = RecordRow.__table__  # type: ignore[assignment]
_SEQUENCES: Table = RecordSequenceRow.__table__  # type: ignore[assignment]
_C = _RECORDS.c
# The order of _insert_many's tuples (the records benchmark's yardstick writes the same).
INSERT_ORDER = (
    "connection_id",
    "marketplace_id",
    "dataset",
    "key",
    "team_id",
    "seq",
    "payload",
    "payload_hash",
    "updated_at",
    "as_of",
    "deleted",
)
# What writing a record again changes (its key and team stay).
_REWRITTEN = ("seq", "payload", "payload_hash", "updated_at", "as_of", "deleted")
_MISSING = object()

# A record by its key, bound as k_* (the new values bind under the columns' own names).
_BY_KEY = (
    _C.connection_id == bindparam("k_connection_id"),
    _C.marketplace_id == bindparam("k_marketplace_id"),
    _C.dataset == bindparam("k_dataset"),
    _C.key == bindparam("k_key"),
)
_REPLACE = update(_RECORDS).where(*_BY_KEY).values({c: bindparam(c) for c in _REWRITTEN})
_MARK_DELETED = (
    update(_RECORDS)
    .where(*_BY_KEY)
    .values(seq=bindparam("seq"), updated_at=bindparam("updated_at"), deleted=True)
)


def _in_scope(scope: RecordScope) -> Any:
    return and_(
        _C.connection_id == scope.connection_id,
        _C.marketplace_id == scope.marketplace_id,
        _C.dataset == str(scope.dataset),
    )


class SqlRecordRepository(SqlRepository):
    def write(
        self, scope: RecordScope, records: Sequence[IncomingRecord], *, at: datetime
    ) -> WriteCounts:
        latest = {r.key: r for r in records}  # the last one of a key wins
        if not latest:
            return WriteCounts()
        last = self._lock_sequence(scope.team_id)
        stored = self._stored(scope, latest)
        if not stored:  # every key is new (a day of history, a first sync): no comparison
            self._insert_many(scope, list(latest.values()), first=last + 1, at=at)
            self._set_sequence(scope.team_id, last + len(latest))
            return WriteCounts(created=len(latest))
        new: list[IncomingRecord] = []
        changed: list[dict[str, Any]] = []
        unchanged = 0
        for key, record in latest.items():
            before = stored.get(key)
            if before is None:
                new.append(record)
            elif before == (record.hash, False):
                unchanged += 1
            else:
                last += 1
                changed.append(
                    {
                        **_key_params(scope, key),
                        "seq": last,
                        "payload": record.payload,
                        "payload_hash": record.hash,
                        "updated_at": at,
                        "as_of": record.as_of,
                        "deleted": False,
                    }
                )
        if changed:
            self._session.execute(_REPLACE, changed)
        if new:
            self._insert_many(scope, new, first=last + 1, at=at)
            last += len(new)
        self._set_sequence(scope.team_id, last)
        return WriteCounts(created=len(new), changed=len(changed), unchanged=unchanged)

    def delete_missing(
        self, scope: RecordScope, present: Iterable[str], *, at: datetime
    ) -> WriteCounts:
        keep = set(present)
        last = self._lock_sequence(scope.team_id)
        live = self._session.execute(
            select(_C.key).where(_in_scope(scope), _C.deleted.is_(False))
        ).scalars()
        gone = sorted(k for k in live if k not in keep)
        params = []
        for key in gone:
            last += 1
            params.append({**_key_params(scope, key), "seq": last, "updated_at": at})
        if params:
            self._session.execute(_MARK_DELETED, params)
            self._set_sequence(scope.team_id, last)
        return WriteCounts(deleted=len(params))

    def page(self, query: RecordQuery) -> list[Record]:
        statement = select(_RECORDS).where(_C.team_id == query.team_id, _C.seq > query.after)
        if query.dataset is not None:
            statement = statement.where(_C.dataset == str(query.dataset))
        if query.connection_id is not None:
            statement = statement.where(_C.connection_id == query.connection_id)
        if query.marketplace_id is not None:
            statement = statement.where(_C.marketplace_id == query.marketplace_id)
        rows = self._session.execute(statement.order_by(_C.seq).limit(query.limit))
        return [by_name.instance(Record, row, sequence=row.seq) for row in rows]

    def purge(self, team_id: str, *, before: datetime) -> int:
        self._uow.prepare_write()
        result: Any = self._session.execute(
            delete(_RECORDS).where(
                _C.team_id == team_id,
                or_(
                    and_(_C.as_of.is_not(None), _C.as_of < before),
                    and_(_C.deleted.is_(True), _C.updated_at < before),
                ),
            )
        )
        return int(result.rowcount or 0)

    def _insert_many(
        self, scope: RecordScope, records: Sequence[IncomingRecord], *, first: int, at: datetime
    ) -> None:
        """New records straight to the driver's executemany, one tuple per record: what a
        batch shares (its scope, the write's instant, `deleted`) is bound once, and only
        the key, sequence, payload, hash and `as_of` vary (a report's rows share their
        `as_of` too, so its bound value is cached). The statement compiler would otherwise
        process every value of every row, where a 100,000-row report spent most of its
        time."""
        connection = self._session.connection()
        dialect = connection.dialect

        def binder(name: str) -> Any:
            # The dialect's own processing (on SQLite: the same text Core statements write).
            process = _C[name].type.dialect_impl(dialect).bind_processor(dialect)
            return process if process is not None else (lambda value: value)

        shared = {
            "connection_id": scope.connection_id,
            "marketplace_id": scope.marketplace_id,
            "dataset": str(scope.dataset),
            "team_id": scope.team_id,
            "updated_at": binder("updated_at")(at),
            "deleted": binder("deleted")(False),
        }
        as_of = binder("as_of")
        bound: dict[datetime | None, Any] = {None: None}

        def when(value: datetime | None) -> Any:
            found = bound.get(value, _MISSING)
            if found is _MISSING:
                found = bound[value] = as_of(value)
            return found

        c, m, d, t, u, x = (
            shared[k]
            for k in (
                "connection_id",
                "marketplace_id",
                "dataset",
                "team_id",
                "updated_at",
                "deleted",
            )
        )
        values = [
            (c, m, d, r.key, t, seq, r.payload, r.hash, u, when(r.as_of), x)
            for seq, r in enumerate(records, start=first)
        ]
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        marks = ", ".join([mark] * len(INSERT_ORDER))
        statement = f"INSERT INTO records ({', '.join(INSERT_ORDER)}) VALUES ({marks})"  # noqa: S608
        connection.exec_driver_sql(statement, values)

    # -- the team's sequence -----------------------------------------------------------

    def _lock_sequence(self, team_id: str) -> int:
        """Create the team's counter if needed and lock it until commit; its value."""
        self._uow.prepare_write()
        dialect = postgresql if self._uow.dialect == "postgresql" else sqlite
        self._session.execute(
            dialect.insert(_SEQUENCES)
            .values(team_id=team_id, last_seq=0)
            .on_conflict_do_nothing(index_elements=["team_id"])
        )
        statement = select(_SEQUENCES.c.last_seq).where(_SEQUENCES.c.team_id == team_id)
        if self._uow.dialect == "postgresql":
            statement = statement.with_for_update()
        return int(self._session.execute(statement).scalar_one())

    def _set_sequence(self, team_id: str, last: int) -> None:
        self._session.execute(
            update(_SEQUENCES).where(_SEQUENCES.c.team_id == team_id).values(last_seq=last)
        )

    def _stored(
        self, scope: RecordScope, records: Mapping[str, IncomingRecord]
    ) -> dict[str, tuple[str, bool]]:
        """The stored hash and deletion flag of the batch's keys that exist. One probe of
        the primary key's range first: a batch whose keys all fall where nothing is stored
        (a new day of a report: its keys start with the day) needs no lookup at all."""
        found: dict[str, tuple[str, bool]] = {}
        low, high = min(records), max(records)
        probe = select(_C.key).where(_in_scope(scope), _C.key >= low, _C.key <= high).limit(1)
        if self._session.execute(probe).first() is None:
            return found
        for part in chunks(list(records)):
            rows = self._session.execute(
                select(_C.key, _C.payload_hash, _C.deleted).where(
                    _in_scope(scope), _C.key.in_(part)
                )
            )
            found.update({row.key: (row.payload_hash, bool(row.deleted)) for row in rows})
        return found


def _key_params(scope: RecordScope, key: str) -> dict[str, Any]:
    return {
        "k_connection_id": scope.connection_id,
        "k_marketplace_id": scope.marketplace_id,
        "k_dataset": str(scope.dataset),
        "k_key": key,
    }
