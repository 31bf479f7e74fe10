"""The in-memory sync cursors and seller records (memory.py's unit of work binds them);
same contracts as repositories/sync_cursors.py and seller_records.py."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from attrs import evolve

from adapters.persistence import by_name
from adapters.persistence.memory_state import MemoryRepository, stored_copy
from domain.records import Dataset, IncomingRecord, Record, RecordQuery, RecordScope, WriteCounts
from domain.sync import SyncCursor


class MemorySyncCursors(MemoryRepository):
    def get(
        self, connection_id: str, marketplace_id: str, dataset: Dataset = Dataset.ORDERS
    ) -> SyncCursor | None:
        return stored_copy(self._s.sync_cursors.get((connection_id, marketplace_id, str(dataset))))

    def put(self, cursor: SyncCursor) -> None:
        key = (cursor.connection_id, cursor.marketplace_id, str(cursor.dataset))
        self._s.sync_cursors[key] = stored_copy(cursor)

    def list_for_connection(self, connection_id: str) -> list[SyncCursor]:
        return [
            stored_copy(c) for k, c in sorted(self._s.sync_cursors.items()) if k[0] == connection_id
        ]

    def list_with_backfill(self) -> list[SyncCursor]:
        return [
            stored_copy(c)
            for _, c in sorted(self._s.sync_cursors.items())
            if c.backfill_from is not None
        ]

    def list_all(self) -> list[SyncCursor]:
        return [stored_copy(c) for _, c in sorted(self._s.sync_cursors.items())]


class MemoryRecords(MemoryRepository):
    def write(
        self, scope: RecordScope, records: Sequence[IncomingRecord], *, at: datetime
    ) -> WriteCounts:
        store = self._s.records
        latest = {r.key: r for r in records}
        last = store.sequences.get(scope.team_id, 0)
        created = changed = unchanged = 0
        for key, incoming in latest.items():
            row_key = _record_key(scope, key)
            before = store.rows.get(row_key)
            if before is not None and before.payload_hash == incoming.hash and not before.deleted:
                unchanged += 1
                continue
            last += 1
            store.rows[row_key] = by_name.instance(
                Record,
                scope,
                key=key,
                payload=incoming.payload,
                payload_hash=incoming.hash,
                updated_at=at,
                deleted=False,
                sequence=last,
                as_of=incoming.as_of,
            )
            created += before is None
            changed += before is not None
        store.sequences[scope.team_id] = last
        return WriteCounts(created=created, changed=changed, unchanged=unchanged)

    def delete_missing(
        self, scope: RecordScope, present: Iterable[str], *, at: datetime
    ) -> WriteCounts:
        store = self._s.records
        keep = set(present)
        last = store.sequences.get(scope.team_id, 0)
        gone = sorted(
            record.key
            for row_key, record in store.rows.items()
            if row_key[:3] == _record_key(scope, "")[:3]
            and not record.deleted
            and record.key not in keep
        )
        for key in gone:
            last += 1
            row_key = _record_key(scope, key)
            store.rows[row_key] = evolve(
                store.rows[row_key], deleted=True, updated_at=at, sequence=last
            )
        store.sequences[scope.team_id] = last
        return WriteCounts(deleted=len(gone))

    def page(self, query: RecordQuery) -> list[Record]:
        found = [
            r
            for r in self._s.records.rows.values()
            if r.team_id == query.team_id
            and r.sequence > query.after
            and (query.dataset is None or r.dataset == query.dataset)
            and (query.connection_id is None or r.connection_id == query.connection_id)
            and (query.marketplace_id is None or r.marketplace_id == query.marketplace_id)
        ]
        return sorted(found, key=lambda r: r.sequence)[: query.limit]

    def purge(self, team_id: str, *, before: datetime) -> int:
        rows = self._s.records.rows
        gone = [
            k
            for k, r in rows.items()
            if r.team_id == team_id
            and (
                (r.as_of is not None and r.as_of < before) or (r.deleted and r.updated_at < before)
            )
        ]
        for k in gone:
            del rows[k]
        return len(gone)


def _record_key(scope: RecordScope, key: str) -> tuple[str, str, str, str]:
    return (scope.connection_id, scope.marketplace_id, str(scope.dataset), key)
