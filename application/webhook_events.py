"""Which audit events a product hears about, and what it is told (DESIGN §13).

The event log is the outbox: every change is already recorded there in the transaction that
made it, so a webhook is the log event seen through this table. `data` carries what the
product needs to act without calling back (connection, health before and after,
marketplace, counts, the error's code with its fix); a key the event did not record is
simply absent.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from attrs import frozen

from domain.errors import CATALOGUE, ErrorCode
from domain.events import APP_TEAM_ID, AuditEvent, EventKind
from domain.webhooks import WebhookEventType as T

# Recorded as text in the log; sent as numbers.
_NUMBERS = frozenset(
    {
        "records",
        "windows",
        "count",
        "rejected",
        "accepted",
        "sent",
        "days_left",
        "retries_used",
        "retry_limit",
    }
)


@frozen
class WebhookMessage:
    type: T
    data: Mapping[str, Any]
    ordering_key: str


def _error(code: str | None) -> dict[str, Any] | None:
    if not code:
        return None
    try:
        spec = CATALOGUE[ErrorCode(code)]
    except ValueError:
        return {"code": code}
    return {"code": code, "message": spec.message, "remediation": list(spec.remediation)}


def _plain(event: AuditEvent) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in event.data.items():
        if key in _NUMBERS and value.lstrip("-").isdigit():
            data[key] = int(value)
        elif key == "skus":
            data[key] = [sku for sku in value.split(",") if sku]
        else:
            data[key] = value
    if event.connection_id:
        data["connection_id"] = event.connection_id
    data["summary"] = event.summary
    error = _error(event.data.get("error_code"))
    if error is not None:
        data["error"] = error
    return data


def _always(kind: T) -> Callable[[AuditEvent], T | None]:
    return lambda _event: kind


def _expiring(event: AuditEvent) -> T | None:
    # Only the warnings that cross one of the thresholds (30, 7, 1 days, then hours) carry
    # `notify`; the daily ones in between stay in the timeline.
    return T.CONNECTION_EXPIRING if event.data.get("notify") else None


def _revoked(event: AuditEvent) -> T | None:
    # Announced once per connection: a second channel refused afterwards changes nothing
    # the product has not been told.
    already = event.data.get("health_before") == "reconnect_required"
    return None if already else T.CONNECTION_REVOKED


def _marketplace(event: AuditEvent) -> T | None:
    before, after = event.data.get("from_state"), event.data.get("to_state")
    return T.MARKETPLACE_STATE_CHANGED if after and before != after else None


_MAPPING: Mapping[EventKind, Callable[[AuditEvent], T | None]] = {
    EventKind.CONNECTION_CREATED: _always(T.CONNECTION_CONNECTED),
    EventKind.CONNECTION_RECONNECTED: _always(T.CONNECTION_RECONNECTED),
    EventKind.CONNECTION_HEALTH_CHANGED: _always(T.CONNECTION_HEALTH_CHANGED),
    EventKind.TOKEN_EXPIRING: _expiring,
    EventKind.TOKEN_REVOKED: _revoked,
    EventKind.CONNECTION_DISCONNECTED: _always(T.CONNECTION_DISCONNECTED),
    EventKind.MARKETPLACE_CHANGED: _marketplace,
    EventKind.MARKETPLACE_ESCALATED: _marketplace,
    EventKind.RECORDS_UPDATED: _always(T.RECORDS_UPDATED),
    EventKind.BACKFILL_COMPLETED: _always(T.BACKFILL_COMPLETED),
    EventKind.LISTING_REJECTED: _always(T.LISTING_REJECTED),
    EventKind.APP_CREDENTIALS_EXPIRING: _always(T.APP_CREDENTIALS_EXPIRING),
    EventKind.APP_CREDENTIALS_REJECTED: _always(T.APP_CREDENTIALS_REJECTED),
}


def webhook_message(event: AuditEvent) -> WebhookMessage | None:
    """The webhook an audit event becomes, or None for the timeline-only ones."""
    mapper = _MAPPING.get(event.kind)
    kind = mapper(event) if mapper is not None else None
    if kind is None:
        return None
    if event.connection_id:
        key = f"connection:{event.connection_id}"
    elif event.team_id == APP_TEAM_ID:
        key = "app"
    else:
        key = "team"
    return WebhookMessage(kind, _plain(event), key)


def webhook_body(
    *, message_id: str, kind: str, created_at: str, team_id: str, data: Mapping[str, Any]
) -> str:
    """The body every delivery of this message sends, byte for byte (it is signed)."""
    body = {"id": message_id, "type": kind, "created_at": created_at, "team_id": team_id}
    return json.dumps({**body, "data": dict(data)}, separators=(",", ":"), sort_keys=False)
