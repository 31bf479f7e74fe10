"""Listing settings (one row per connection), the append-only audit log, and sync cursors."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select

from adapters.persistence.mappers import (
    event_from_row,
    event_to_row,
    listing_settings_from_row,
    listing_settings_to_row,
    sync_cursor_from_row,
    sync_cursor_to_row,
)
from adapters.persistence.repositories.base import SqlRepository
from adapters.persistence.rows import AuditEventRow, ListingSettingsRow, SyncCursorRow
from domain.events import AuditEvent
from domain.listing import ListingSettings
from domain.records import Dataset
from domain.sync import SyncCursor


class SqlListingSettingsRepository(SqlRepository):
    def get(self, connection_id: str) -> ListingSettings | None:
        row = self._session.scalars(
            select(ListingSettingsRow)
            .where(ListingSettingsRow.connection_id == connection_id)
            .execution_options(populate_existing=True)
        ).one_or_none()
        return listing_settings_from_row(row) if row is not None else None

    def put(self, settings: ListingSettings) -> None:
        self._upsert(listing_settings_to_row(settings), key=("connection_id",))


class SqlEventLog(SqlRepository):
    """Append-only: there is no update or delete here, by design (DESIGN §2)."""

    def append(self, event: AuditEvent) -> None:
        self._insert([event_to_row(event)])

    def list(
        self,
        *,
        team_id: str | None = None,
        connection_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        kinds: Iterable[str] | None = None,
        limit: int = 100,
    ) -> list[AuditEvent]:
        """Newest first; `since` inclusive, `until` exclusive."""
        statement = select(AuditEventRow)
        if team_id is not None:
            statement = statement.where(AuditEventRow.team_id == team_id)
        if connection_id is not None:
            statement = statement.where(AuditEventRow.connection_id == connection_id)
        if since is not None:
            statement = statement.where(AuditEventRow.at >= since)
        if until is not None:
            statement = statement.where(AuditEventRow.at < until)
        if kinds is not None:
            statement = statement.where(AuditEventRow.kind.in_(sorted({str(k) for k in kinds})))
        statement = statement.order_by(AuditEventRow.at.desc(), AuditEventRow.seq.desc()).limit(
            max(0, limit)
        )
        rows = self._session.scalars(statement.execution_options(populate_existing=True))
        return [event_from_row(r) for r in rows]


class SqlSyncCursorRepository(SqlRepository):
    def get(
        self, connection_id: str, marketplace_id: str, dataset: Dataset = Dataset.ORDERS
    ) -> SyncCursor | None:
        row = self._session.scalars(
            select(SyncCursorRow)
            .where(
                SyncCursorRow.connection_id == connection_id,
                SyncCursorRow.marketplace_id == marketplace_id,
                SyncCursorRow.dataset == str(dataset),
            )
            .execution_options(populate_existing=True)
        ).one_or_none()
        return sync_cursor_from_row(row) if row is not None else None

    def put(self, cursor: SyncCursor) -> None:
        self._upsert(sync_cursor_to_row(cursor), key=("connection_id", "marketplace_id", "dataset"))

    def list_for_connection(self, connection_id: str) -> list[SyncCursor]:
        rows = self._session.scalars(
            select(SyncCursorRow)
            .where(SyncCursorRow.connection_id == connection_id)
            .order_by(SyncCursorRow.marketplace_id, SyncCursorRow.dataset)
            .execution_options(populate_existing=True)
        )
        return [sync_cursor_from_row(r) for r in rows]

    def list_with_backfill(self) -> list[SyncCursor]:
        rows = self._session.scalars(
            select(SyncCursorRow)
            .where(SyncCursorRow.backfill_from.is_not(None))
            .order_by(
                SyncCursorRow.connection_id, SyncCursorRow.marketplace_id, SyncCursorRow.dataset
            )
            .execution_options(populate_existing=True)
        )
        return [sync_cursor_from_row(r) for r in rows]
