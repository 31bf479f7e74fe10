"""Webhook endpoints and deliveries: how a team's product is told about every change
(DESIGN §13, API.md "Webhooks").

The wire format is Standard Webhooks (standardwebhooks.com): headers `webhook-id`,
`webhook-timestamp` and `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`,
keyed with the base64 bytes after the secret's `whsec_` prefix. During a rotation both the
new and the old secret sign, space-separated, so a receiver holding either verifies.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit

from attrs import define, field, fields, frozen

from domain.errors import ValidationFailed, WebhookTargetForbidden
from domain.events import SYSTEM_ACTOR, EventKind, EventScope, EventSource
from domain.secret import Secret

SECRET_PREFIX = "whsec_"
ALL_EVENTS = "*"
# The old secret keeps signing this long after a rotation (DESIGN §13).
ROTATION_OVERLAP = timedelta(hours=24)
# An endpoint that has not accepted a delivery for this long is disabled (DESIGN §13).
DISABLE_AFTER = timedelta(days=5)
# Seconds, then minutes, then hours: 11 attempts over about 23 hours, then `failed`.
RETRY_SCHEDULE: tuple[timedelta, ...] = (
    timedelta(seconds=5),
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(minutes=30),
    timedelta(hours=1),
    timedelta(hours=2),
    timedelta(hours=4),
    timedelta(hours=8),
    timedelta(hours=8),
)
MAX_URL_LENGTH = 2000
MAX_DESCRIPTION = 500
# A response body is kept only this far (enough to show the receiver's error).
RESPONSE_KEPT_BYTES = 1024


class WebhookEventType(StrEnum):
    """The events a product can subscribe to (DESIGN §13)."""

    CONNECTION_CONNECTED = "connection.connected"
    CONNECTION_RECONNECTED = "connection.reconnected"
    CONNECTION_HEALTH_CHANGED = "connection.health_changed"
    CONNECTION_EXPIRING = "connection.expiring"
    CONNECTION_REVOKED = "connection.revoked"
    CONNECTION_DISCONNECTED = "connection.disconnected"
    MARKETPLACE_STATE_CHANGED = "marketplace.state_changed"
    RECORDS_UPDATED = "records.updated"
    BACKFILL_COMPLETED = "backfill.completed"
    LISTING_REJECTED = "listing.rejected"
    APP_CREDENTIALS_EXPIRING = "app.credentials_expiring"
    APP_CREDENTIALS_REJECTED = "app.credentials_rejected"
    # Sent only by "send test event"; never subscribed to.
    TEST = "webhook.test"


SUBSCRIBABLE = frozenset(t for t in WebhookEventType if t is not WebhookEventType.TEST)


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


def validate_url(url: str) -> str:
    """Syntax only: an absolute http(s) URL with a host, no credentials in it. Whether the
    target may be reached (https, public address) is the delivery adapter's guard, checked
    again on every attempt after DNS resolution."""
    cleaned = url.strip()
    if not cleaned or len(cleaned) > MAX_URL_LENGTH:
        raise ValidationFailed(
            f"A webhook URL needs 1 to {MAX_URL_LENGTH} characters.", context={"field": "url"}
        )
    try:
        parts = urlsplit(cleaned)
        parts.port  # noqa: B018 -- raises ValueError on a malformed port
    except ValueError:
        if "[" in cleaned:
            # A bracketed host that is no IPv6 address: well formed, but no target.
            raise WebhookTargetForbidden(
                "The webhook URL's [host] is not an IPv6 address.", context={"field": "url"}
            ) from None
        raise ValidationFailed("The webhook URL is malformed.", context={"field": "url"}) from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValidationFailed(
            "A webhook URL starts with https:// and names a host.", context={"field": "url"}
        )
    if parts.username is not None or parts.password is not None:
        raise ValidationFailed(
            "A webhook URL cannot carry a user name or password.", context={"field": "url"}
        )
    if any(ord(c) < 33 or ord(c) == 127 for c in cleaned):
        raise ValidationFailed(
            "A webhook URL cannot contain spaces or control characters.", context={"field": "url"}
        )
    return cleaned


def validate_event_types(types: Iterable[str]) -> tuple[str, ...]:
    wanted = tuple(dict.fromkeys(t.strip() for t in types))
    if not wanted:
        raise ValidationFailed(
            'Subscribe to at least one event type, or ["*"] for all.', context={"field": "events"}
        )
    if ALL_EVENTS in wanted:
        if len(wanted) > 1:
            raise ValidationFailed(
                '"*" already means every event type; send it alone.', context={"field": "events"}
            )
        return (ALL_EVENTS,)
    unknown = sorted(set(wanted) - set(SUBSCRIBABLE))
    if unknown:
        raise ValidationFailed(
            f"Unknown event type(s): {', '.join(unknown)}.",
            context={"field": "events", "known": ", ".join(sorted(SUBSCRIBABLE))},
        )
    return wanted


def validate_description(description: str) -> str:
    cleaned = " ".join(description.split())
    if len(cleaned) > MAX_DESCRIPTION:
        raise ValidationFailed(
            f"A description has at most {MAX_DESCRIPTION} characters.",
            context={"field": "description"},
        )
    return cleaned


def secret_key(secret: Secret) -> bytes:
    value = secret.reveal()
    if not value.startswith(SECRET_PREFIX):
        raise ValueError("a webhook secret starts with whsec_")
    encoded = value[len(SECRET_PREFIX) :]
    return base64.b64decode(encoded + "=" * (-len(encoded) % 4))


def signature_header(
    secrets: Sequence[Secret], message_id: str, timestamp: int, body: bytes
) -> str:
    """The `webhook-signature` value: one `v1,<signature>` per secret, space-separated."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    return " ".join(
        "v1," + base64.b64encode(hmac.new(secret_key(s), signed, hashlib.sha256).digest()).decode()
        for s in secrets
    )


@frozen
class EndpointChange:
    """What a team changes of a webhook endpoint, named as the API names it; None leaves it
    as it is."""

    url: str | None = None
    events: Sequence[str] | None = None
    description: str | None = None
    enabled: bool | None = None

    def changed(self) -> list[str]:
        return [f.name for f in fields(EndpointChange) if getattr(self, f.name) is not None]


@define
class WebhookEndpoint(EventSource):
    """A team's receiver. It announces what a person or the dispatcher did to it, for the
    team's timeline (these are not sent as webhooks themselves)."""

    id: str
    team_id: str
    url: str
    event_types: tuple[str, ...]
    secret: Secret
    created_at: datetime
    description: str = ""
    enabled: bool = True
    previous_secret: Secret | None = None
    previous_secret_expires_at: datetime | None = None
    # When deliveries started failing without a success since; None while healthy.
    failing_since: datetime | None = None
    disabled_reason: str = ""
    version: int = field(default=0)

    def __attrs_post_init__(self) -> None:
        self.url = validate_url(self.url)
        self.event_types = validate_event_types(self.event_types)
        self.description = validate_description(self.description)

    @classmethod
    def create(
        cls,
        *,
        id: str,
        team_id: str,
        url: str,
        event_types: Iterable[str],
        secret: Secret,
        description: str,
        at: datetime,
        actor: str,
    ) -> WebhookEndpoint:
        endpoint = cls(
            id=id,
            team_id=team_id,
            url=url,
            event_types=tuple(event_types),
            secret=secret,
            created_at=at,
            description=description,
        )
        endpoint.announce_change(
            EventKind.WEBHOOK_ENDPOINT_CREATED,
            f"Webhook endpoint {endpoint.url} added ({', '.join(endpoint.event_types)})",
            at=at,
            actor=actor,
        )
        return endpoint

    def wants(self, event_type: str) -> bool:
        return ALL_EVENTS in self.event_types or event_type in self.event_types

    def signing_secrets(self, now: datetime) -> list[Secret]:
        """The new secret first; the old one too during its 24 hours of overlap."""
        secrets = [self.secret]
        if (
            self.previous_secret is not None
            and self.previous_secret_expires_at is not None
            and now < self.previous_secret_expires_at
        ):
            secrets.append(self.previous_secret)
        return secrets

    def rotate(self, new_secret: Secret, *, at: datetime, actor: str) -> None:
        self.previous_secret = self.secret
        self.previous_secret_expires_at = at + ROTATION_OVERLAP
        self.secret = new_secret
        self.announce_change(
            EventKind.WEBHOOK_SECRET_ROTATED,
            f"Signing secret of {self.url} rotated; the old one is valid 24 more hours",
            at=at,
            actor=actor,
        )

    def change(self, change: EndpointChange, *, at: datetime, actor: str) -> None:
        if change.url is not None:
            self.url = validate_url(change.url)
        if change.events is not None:
            self.event_types = validate_event_types(change.events)
        if change.description is not None:
            self.description = validate_description(change.description)
        if change.enabled is not None:
            self.enabled = change.enabled
            if change.enabled:
                # Re-enabled by a person: start counting failures afresh.
                self.failing_since = None
                self.disabled_reason = ""
        self.announce_change(
            EventKind.WEBHOOK_ENDPOINT_CHANGED,
            f"Webhook endpoint {self.url} changed: {', '.join(change.changed()) or 'nothing'}",
            at=at,
            actor=actor,
            data={"enabled": str(self.enabled).lower()},
        )

    def remove(self, *, at: datetime, actor: str) -> None:
        self.announce_change(
            EventKind.WEBHOOK_ENDPOINT_DELETED,
            f"Webhook endpoint {self.url} deleted with its deliveries",
            at=at,
            actor=actor,
        )

    def replay_requested(self, count: int, *, since: datetime, at: datetime, actor: str) -> None:
        self.announce_change(
            EventKind.WEBHOOK_REPLAY_REQUESTED,
            f"{count} message(s) since {since.isoformat()} queued again for {self.url}",
            at=at,
            actor=actor,
            data={"count": str(count)},
        )

    def note_success(self) -> None:
        self.failing_since = None

    def note_failure(self, *, at: datetime) -> bool:
        """Returns True when this failure disables the endpoint (failing for DISABLE_AFTER)."""
        if self.failing_since is None:
            self.failing_since = at
        if self.enabled and at - self.failing_since >= DISABLE_AFTER:
            self.enabled = False
            days = (at - self.failing_since).days
            self.disabled_reason = f"Disabled automatically: no delivery accepted for {days} days."
            self.announce_change(
                EventKind.WEBHOOK_ENDPOINT_DISABLED,
                f"Webhook endpoint {self.url} disabled: {self.disabled_reason}",
                at=at,
                actor=SYSTEM_ACTOR,
            )
            return True
        return False

    def event_scope(self) -> EventScope:
        return EventScope(self.team_id, data={"webhook_id": self.id})


@define
class Delivery:
    """One event for one endpoint. `message_id` is the `webhook-id`: the event's id, the same
    on every attempt and on a replay, so a receiver deduplicates by it."""

    id: str
    endpoint_id: str
    team_id: str
    message_id: str
    event_type: str
    # Deliveries with the same key go out one at a time, in log order (the connection).
    ordering_key: str
    payload: str
    created_at: datetime
    next_attempt_at: datetime
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempts: int = 0
    # Consecutive failures: the position in RETRY_SCHEDULE (a manual retry resets it).
    failures: int = 0
    last_status_code: int | None = None
    last_error: str = ""
    last_response: str = ""
    last_attempt_at: datetime | None = None
    delivered_at: datetime | None = None
    # Log order; assigned by the store when the delivery is added.
    seq: int = 0

    def succeeded(self, *, at: datetime, status_code: int, response: str) -> None:
        self.attempts += 1
        self.status = DeliveryStatus.DELIVERED
        self.last_status_code = status_code
        self.last_error = ""
        self.last_response = response[:RESPONSE_KEPT_BYTES]
        self.last_attempt_at = at
        self.delivered_at = at
        self.failures = 0

    def failed_attempt(
        self, *, at: datetime, status_code: int | None, error: str, response: str
    ) -> None:
        """Backs off along RETRY_SCHEDULE; past its end the delivery is `failed`."""
        self.attempts += 1
        self.last_status_code = status_code
        self.last_error = error[:RESPONSE_KEPT_BYTES]
        self.last_response = response[:RESPONSE_KEPT_BYTES]
        self.last_attempt_at = at
        if self.failures >= len(RETRY_SCHEDULE):
            self.status = DeliveryStatus.FAILED
            return
        self.next_attempt_at = at + RETRY_SCHEDULE[self.failures]
        self.failures += 1

    def retry(self, *, at: datetime) -> None:
        """A person asks for another go now: a pending delivery skips the rest of its wait;
        a failed (or delivered) one is sent again and, if that fails, backs off afresh."""
        if self.status is not DeliveryStatus.PENDING:
            self.status = DeliveryStatus.PENDING
            self.failures = 0
        self.next_attempt_at = at
