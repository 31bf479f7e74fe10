"""The audit log: every event of a team, its connections' timeline and the webhooks'
outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from adapters.persistence.rows import ID, LogEntryRow, partial_index

_UNPUBLISHED = "published_at IS NULL"


class AuditEventRow(LogEntryRow):
    """Append-only. `seq` orders events recorded at the same instant. `published_at` is the
    one column written later: when the webhook dispatcher turned the event into deliveries
    (the log is the outbox; the partial index holds only what is still to publish)."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_team_id_at", "team_id", "at"),
        Index("ix_audit_events_connection_id_at", "connection_id", "at"),
        Index("ix_audit_events_at", "at"),
        partial_index(
            "ix_audit_events_unpublished",
            "seq",
            where=_UNPUBLISHED,
        ),
    )

    at: Mapped[datetime]
    team_id: Mapped[str] = mapped_column(ID)
    connection_id: Mapped[str | None] = mapped_column(ID)
    kind: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    published_at: Mapped[datetime | None]
