"""Bodies of the webhook routes (API.md "Webhooks")."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from msgspec import Meta, Struct

from application.webhooks import CreatedEndpoint, DeliveryView, EndpointView
from domain.webhooks import (
    ALL_EVENTS,
    MAX_DESCRIPTION,
    MAX_URL_LENGTH,
    SUBSCRIBABLE,
    DeliveryStatus,
)

_PORT = r"(:([0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?"
_HOST = r"(\[[0-9A-Fa-f:.]+\]|[^\u0000-\u0020\u007f/?#@:\[\]\\%]+)"
# Mirrors domain.webhooks.validate_url (the authority): http(s), a host, no credentials, no
# spaces or control characters. Whether the target may be reached is the guard's to say.
Url = Annotated[
    str,
    Meta(
        max_length=MAX_URL_LENGTH,
        pattern=rf"^https?://{_HOST}{_PORT}([/?#][^\u0000-\u0020\u007f]*)?$",
        description="Your receiver: https:// and a public address (SSRF guard)",
        examples=["https://example.com/hooks/sellerlink"],
    ),
]
EventChoice = StrEnum(  # type: ignore[misc]
    "EventChoice", {"ALL": ALL_EVENTS, **{t.name: t.value for t in sorted(SUBSCRIBABLE)}}
)
Events = Annotated[list[EventChoice], Meta(min_length=1, max_length=20)]
Description = Annotated[str, Meta(max_length=MAX_DESCRIPTION, pattern=r"^[^\u0000\u007f]*$")]


class WebhookIn(Struct, kw_only=True):
    url: Url
    events: Events
    description: Description = ""


class WebhookPatch(Struct, kw_only=True):
    url: Url | None = None
    events: Events | None = None
    description: Description | None = None
    enabled: bool | None = None


class WebhookOut(Struct, kw_only=True):
    id: str
    url: str
    events: list[str]
    description: str
    enabled: bool
    created_at: datetime
    disabled_reason: str
    failing_since: datetime | None

    @classmethod
    def of(cls, v: EndpointView) -> WebhookOut:
        return cls(
            id=v.id,
            url=v.url,
            events=list(v.events),
            description=v.description,
            enabled=v.enabled,
            created_at=v.created_at,
            disabled_reason=v.disabled_reason,
            failing_since=v.failing_since,
        )


class WebhookCreated(WebhookOut, kw_only=True):
    """`secret` is shown here only: keep it; it verifies `webhook-signature`."""

    secret: str

    @classmethod
    def created(cls, c: CreatedEndpoint) -> WebhookCreated:
        out = WebhookOut.of(c.endpoint)
        return cls(**{f: getattr(out, f) for f in out.__struct_fields__}, secret=c.secret.reveal())


class WebhookList(Struct, kw_only=True):
    items: list[WebhookOut]


class SecretOut(Struct, kw_only=True):
    secret: str


class ReplayIn(Struct, kw_only=True):
    since: datetime


class ReplayOut(Struct, kw_only=True):
    queued: int


class DeliveryOut(Struct, kw_only=True):
    id: str
    webhook_id: str
    event_id: str
    event_type: str
    attempts: int
    status: DeliveryStatus
    last_status_code: int | None
    last_error: str
    last_response: str
    created_at: datetime
    next_attempt_at: datetime | None
    delivered_at: datetime | None

    @classmethod
    def of(cls, d: DeliveryView) -> DeliveryOut:
        return cls(
            id=d.id,
            webhook_id=d.endpoint_id,
            event_id=d.event_id,
            event_type=d.event_type,
            attempts=d.attempts,
            status=d.status,
            last_status_code=d.last_status_code,
            last_error=d.last_error,
            last_response=d.last_response,
            created_at=d.created_at,
            next_attempt_at=d.next_attempt_at,
            delivered_at=d.delivered_at,
        )


class DeliveryList(Struct, kw_only=True):
    items: list[DeliveryOut]
