"""The append-only audit log, which is also the webhooks' outbox (DESIGN §2, §13)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select, text, update

from adapters.persistence.event_rows import AuditEventRow
from adapters.persistence.mappers import event_from_row, event_to_row
from adapters.persistence.repositories.base import SqlRepository, chunks
from application.repositories import EventLogQuery
from domain.events import APP_TEAM_ID, AuditEvent

# Any constant: the key of the PostgreSQL advisory lock that serializes publishing.
_OUTBOX_LOCK = 0x5E11_0E7B


class SqlEventLog(SqlRepository):
    """Append-only: there is no update or delete here, by design (DESIGN §2); the one later
    write is `published_at`, the webhook outbox's mark (application/webhook_outbox.py).

    Why publishing is serialized: on PostgreSQL `seq` is handed out when a row is inserted,
    not when its transaction commits, so a reader can see seq 7 before seq 6 commits. The
    publisher therefore never keeps a position in the log; it takes what is committed and
    unpublished, under a lock, so deliveries are added in the order events became visible.
    On SQLite writers are serialized anyway and seq order is commit order."""

    def append(self, event: AuditEvent) -> None:
        self._insert([event_to_row(event)])

    def lock_outbox(self) -> None:
        if self._uow.dialect == "postgresql":
            self._session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _OUTBOX_LOCK})
        else:
            self._uow.prepare_write()

    def unpublished(self, limit: int) -> list[AuditEvent]:
        rows = self._current(
            select(AuditEventRow)
            .where(AuditEventRow.published_at.is_(None))
            .order_by(AuditEventRow.seq)
            .limit(max(0, limit))
        )
        return [event_from_row(r) for r in rows]

    def mark_published(self, event_ids: Sequence[str], at: datetime) -> None:
        self._uow.prepare_write()
        for part in chunks(list(event_ids)):
            self._session.execute(
                update(AuditEventRow)
                .where(AuditEventRow.id.in_(part))
                .values(published_at=at)
                .execution_options(synchronize_session=False)
            )

    def published_since(self, team_id: str, since: datetime, limit: int) -> list[AuditEvent]:
        rows = self._current(
            select(AuditEventRow)
            .where(
                or_(AuditEventRow.team_id == team_id, AuditEventRow.team_id == APP_TEAM_ID),
                AuditEventRow.at >= since,
                AuditEventRow.published_at.is_not(None),
            )
            .order_by(AuditEventRow.seq)
            .limit(max(0, limit))
        )
        return [event_from_row(r) for r in rows]

    def list(self, query: EventLogQuery) -> list[AuditEvent]:
        """`EventLogQuery.matches` as a WHERE clause; newest first, `seq` breaking ties."""
        statement = select(AuditEventRow)
        if query.team_id is not None:
            statement = statement.where(AuditEventRow.team_id == query.team_id)
        if query.connection_id is not None:
            statement = statement.where(AuditEventRow.connection_id == query.connection_id)
        if query.since is not None:
            statement = statement.where(AuditEventRow.at >= query.since)
        if query.until is not None:
            statement = statement.where(AuditEventRow.at < query.until)
        if query.kinds is not None:
            statement = statement.where(AuditEventRow.kind.in_(sorted(query.kinds)))
        statement = statement.order_by(AuditEventRow.at.desc(), AuditEventRow.seq.desc()).limit(
            max(0, query.limit)
        )
        rows = self._current(statement)
        return [event_from_row(r) for r in rows]
