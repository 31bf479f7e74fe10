"""Read models of webhooks: an endpoint and a delivery, defined once and described field by
field like the other views (`views.py`). The web API serves them as they are, and the CLI's
`--json` prints the same keys, both through the one converter (`adapters/formats/views.py`).
A signing secret is never part of a view: the web API adds it to the one answer that shows
it (`WebhookCreated`)."""

from __future__ import annotations

from datetime import datetime

from attrs import field, frozen

from application.views import about
from domain.copies import copied
from domain.secret import Secret
from domain.webhooks import Delivery, DeliveryStatus, WebhookEndpoint


@frozen
class EndpointView:
    """A webhook endpoint of the team and whether it receives deliveries."""

    id: str = field(metadata=about("The endpoint's id (`whk_`...)."))
    url: str = field(metadata=about("The endpoint's https URL."))
    events: tuple[str, ...] = field(
        metadata=about('The event types sent to it (`["*"]` for all), e.g. `connection.revoked`.')
    )
    description: str = field(metadata=about("The team's own note about the endpoint."))
    enabled: bool = field(metadata=about("Whether the endpoint receives deliveries."))
    created_at: datetime = field(metadata=about("When it was added."))
    disabled_reason: str = field(
        metadata=about("Why sellerlink disabled the endpoint (failing for days), if it did.")
    )
    failing_since: datetime | None = field(
        metadata=about("Since when every delivery to the endpoint has failed, if it does.")
    )

    @classmethod
    def of(cls, endpoint: WebhookEndpoint) -> EndpointView:
        return copied(cls, endpoint, events=endpoint.event_types)


@frozen
class CreatedEndpoint:
    endpoint: EndpointView
    # Shown once (API.md); never stored in the clear.
    secret: Secret


@frozen
class WebhookList:
    """The team's webhook endpoints, oldest first (never their secrets)."""

    items: tuple[EndpointView, ...] = field(metadata=about("The team's endpoints."))


@frozen
class DeliveryView:
    """One message to one endpoint, and what the endpoint answered."""

    id: str = field(metadata=about("The delivery's id."))
    webhook_id: str = field(metadata=about("The endpoint the delivery goes to."))
    event_id: str = field(
        metadata=about("The event delivered; the `webhook-id` header, stable across retries.")
    )
    event_type: str = field(metadata=about("The event's type, e.g. `connection.connected`."))
    attempts: int = field(metadata=about("How many times it was sent so far."))
    status: DeliveryStatus = field(metadata=about("`pending`, `delivered` or `failed`."))
    last_status_code: int | None = field(
        metadata=about("The endpoint's HTTP status on the last attempt.")
    )
    last_error: str = field(
        metadata=about("Why the last attempt failed (no answer, a timeout), if it did.")
    )
    last_response: str = field(
        metadata=about("The start of the endpoint's last answer, for debugging.")
    )
    created_at: datetime = field(metadata=about("When the delivery was queued."))
    next_attempt_at: datetime | None = field(
        metadata=about("When it will be sent again, while pending.")
    )
    delivered_at: datetime | None = field(metadata=about("When a 2xx answer was received."))

    @classmethod
    def of(cls, d: Delivery) -> DeliveryView:
        return copied(
            cls,
            d,
            webhook_id=d.endpoint_id,
            event_id=d.message_id,
            next_attempt_at=d.next_attempt_at if d.status is DeliveryStatus.PENDING else None,
        )


@frozen
class DeliveryList:
    """An endpoint's deliveries, newest first."""

    items: tuple[DeliveryView, ...] = field(metadata=about("The deliveries."))
