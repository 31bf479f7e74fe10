"""Webhook endpoints and deliveries (DESIGN §13). Signing secrets are stored only as
AES-256-GCM ciphertexts bound to their team, endpoint and slot (crypto.py), like tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from adapters.persistence.rows import ID, KEY_ID, LogEntryRow, Row, owned_by, partial_index

_PENDING = "status = 'pending'"


class WebhookEndpointRow(Row):
    __tablename__ = "webhook_endpoints"
    __table_args__ = (Index("ix_webhook_endpoints_team_id", "team_id"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    team_id: Mapped[str] = mapped_column(ID, owned_by("teams.id"))
    url: Mapped[str] = mapped_column(Text)
    event_types: Mapped[list[str]] = mapped_column(JSON)
    description: Mapped[str] = mapped_column(Text)
    enabled: Mapped[bool] = mapped_column(Boolean)
    secret_ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    secret_key_id: Mapped[str] = mapped_column(KEY_ID)
    previous_secret_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    previous_secret_key_id: Mapped[str | None] = mapped_column(KEY_ID)
    previous_secret_expires_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    failing_since: Mapped[datetime | None]
    disabled_reason: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)


class WebhookDeliveryRow(LogEntryRow):
    """`seq` is log order: the publisher adds deliveries one batch at a time under the outbox
    lock, so a later event's delivery always has a higher `seq`. `claimed_by` and
    `claimed_until` are a dispatcher's committed lease."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_endpoint_id_seq", "endpoint_id", "seq"),
        # The claim's queries: heads of ordering groups, and what is due.
        partial_index(
            "ix_webhook_deliveries_pending_group",
            "endpoint_id",
            "ordering_key",
            "seq",
            where=_PENDING,
        ),
        partial_index(
            "ix_webhook_deliveries_pending_due",
            "next_attempt_at",
            where=_PENDING,
        ),
    )

    endpoint_id: Mapped[str] = mapped_column(ID, owned_by("webhook_endpoints.id"))
    team_id: Mapped[str] = mapped_column(ID)
    message_id: Mapped[str] = mapped_column(ID)
    event_type: Mapped[str] = mapped_column(String(64))
    ordering_key: Mapped[str] = mapped_column(String(200))
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer)
    failures: Mapped[int] = mapped_column(Integer)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str] = mapped_column(Text)
    last_response: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    last_attempt_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    claimed_until: Mapped[datetime | None]
