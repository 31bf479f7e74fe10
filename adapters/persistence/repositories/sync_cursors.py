"""Sync cursors: per connection, marketplace and dataset, how far the sync has read
(domain/sync.py)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select

from adapters.persistence.mappers import sync_cursor_from_row, sync_cursor_to_row
from adapters.persistence.repositories.base import SqlRepository
from adapters.persistence.seller_data_rows import SyncCursorRow
from domain.records import Dataset
from domain.sync import SyncCursor


class SqlSyncCursorRepository(SqlRepository):
    def get(
        self, connection_id: str, marketplace_id: str, dataset: Dataset = Dataset.ORDERS
    ) -> SyncCursor | None:
        return self._one(
            select(SyncCursorRow).where(
                SyncCursorRow.connection_id == connection_id,
                SyncCursorRow.marketplace_id == marketplace_id,
                SyncCursorRow.dataset == str(dataset),
            ),
            sync_cursor_from_row,
        )

    def put(self, cursor: SyncCursor) -> None:
        self._upsert(sync_cursor_to_row(cursor), key=("connection_id", "marketplace_id", "dataset"))

    def list_for_connection(self, connection_id: str) -> list[SyncCursor]:
        return self._list(SyncCursorRow.connection_id == connection_id)

    def list_with_backfill(self) -> list[SyncCursor]:
        return self._list(SyncCursorRow.backfill_from.is_not(None))

    def list_all(self) -> list[SyncCursor]:
        return self._list()

    def _list(self, *where: ColumnElement[bool]) -> list[SyncCursor]:
        rows = self._current(
            select(SyncCursorRow)
            .where(*where)
            .order_by(
                SyncCursorRow.connection_id, SyncCursorRow.marketplace_id, SyncCursorRow.dataset
            )
        )
        return [sync_cursor_from_row(r) for r in rows]
