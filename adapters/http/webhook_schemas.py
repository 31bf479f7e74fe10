"""Bodies of the webhook routes (API.md "Webhooks"): what comes in, checked at the edge, and
the answers that are not read models (an endpoint and a delivery are served as their
views, `application/webhook_views.py`)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from attrs import field, fields, frozen
from msgspec import Meta, Struct

from application.views import about
from application.webhook_views import CreatedEndpoint, EndpointView
from domain.webhooks import (
    ALL_EVENTS,
    MAX_DESCRIPTION,
    MAX_URL_LENGTH,
    SUBSCRIBABLE,
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


@frozen
class WebhookCreated(EndpointView):
    """The endpoint just added, with its signing secret: shown here only. Keep it; it
    verifies `webhook-signature`."""

    secret: str = field(metadata=about("The signing secret (`whsec_`...), shown only here."))

    @classmethod
    def created(cls, c: CreatedEndpoint) -> WebhookCreated:
        shown = {f.name: getattr(c.endpoint, f.name) for f in fields(EndpointView)}
        return cls(**shown, secret=c.secret.reveal())


class SecretOut(Struct, kw_only=True):
    secret: str


class ReplayIn(Struct, kw_only=True):
    since: datetime


class ReplayOut(Struct, kw_only=True):
    queued: int
