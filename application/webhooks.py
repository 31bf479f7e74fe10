"""Webhook endpoints and their deliveries, as the team manages them (API.md "Webhooks").

Who may: owners and admins (Permission.MANAGE_WEBHOOKS). An API key acts with the
`webhooks:manage` scope instead (WEBHOOKS_SCOPE, checked where keys are authenticated).
The secret is shown once, on creation and on rotation; afterwards only its use is visible.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from attrs import define

from application.context import Actor, Ports, require_member, team_owned
from application.unit_of_work import UnitOfWork
from application.webhook_events import webhook_body
from application.webhook_outbox import DeliverWebhooks, delivery_of, new_delivery
from application.webhook_views import CreatedEndpoint, DeliveryView, EndpointView
from domain.errors import NotAMember, NotFound
from domain.secret import Secret
from domain.team import Permission
from domain.webhooks import (
    DeliveryStatus,
    EndpointChange,
    WebhookEndpoint,
    WebhookEventType,
    validate_url,
)

WEBHOOKS_SCOPE = "webhooks:manage"
MAX_REPLAY = 10_000


def require_webhook_manager(uow: UnitOfWork, actor: Actor) -> str:
    """The team whose webhooks the actor may manage (owner or admin)."""
    return require_member(uow, actor, Permission.MANAGE_WEBHOOKS).team_id


def team_endpoint(
    uow: UnitOfWork, actor: Actor, endpoint_id: str, *, for_update: bool = False
) -> WebhookEndpoint:
    team_id = require_webhook_manager(uow, actor)
    endpoint = uow.webhooks.get(endpoint_id, for_update=for_update)
    # A key's team is fixed: other teams' endpoints do not exist for it.
    if endpoint is None or (actor.key is not None and endpoint.team_id != team_id):
        raise NotFound(
            f"There is no webhook endpoint {endpoint_id} in this team.",
            context={"webhook_id": endpoint_id},
        )
    if endpoint.team_id != team_id:
        raise NotAMember("This webhook endpoint belongs to another team.")
    return endpoint


@define
class CreateWebhookEndpoint:
    ports: Ports

    def __call__(
        self, actor: Actor, url: str, events: Sequence[str], description: str = ""
    ) -> CreatedEndpoint:
        now = self.ports.clock.now()
        secret = Secret(self.ports.secrets.webhook_secret())
        # The target is checked (DNS included) before any transaction opens.
        self.ports.webhooks.check_target(validate_url(url))
        with self.ports.uow() as uow:
            team_id = require_webhook_manager(uow, actor)
            endpoint = WebhookEndpoint.create(
                id=self.ports.ids.new_id("whk"),
                team_id=team_id,
                url=url,
                event_types=events,
                secret=secret,
                description=description,
                at=now,
                actor=actor.label,
            )
            uow.webhooks.add(endpoint)
            uow.commit()
        return CreatedEndpoint(EndpointView.of(endpoint), secret)


@define
class ListWebhookEndpoints:
    ports: Ports

    def __call__(self, actor: Actor) -> list[EndpointView]:
        with self.ports.uow() as uow:
            team_id = require_webhook_manager(uow, actor)
            endpoints = uow.webhooks.list_for_team(team_id)
        return [EndpointView.of(e) for e in sorted(endpoints, key=lambda e: e.created_at)]


@define
class GetWebhookEndpoint:
    ports: Ports

    def __call__(self, actor: Actor, endpoint_id: str) -> EndpointView:
        with self.ports.uow() as uow:
            return EndpointView.of(team_endpoint(uow, actor, endpoint_id))


@define
class UpdateWebhookEndpoint:
    ports: Ports

    def __call__(self, actor: Actor, endpoint_id: str, change: EndpointChange) -> EndpointView:
        now = self.ports.clock.now()
        if change.url is not None:
            self.ports.webhooks.check_target(validate_url(change.url))
        with self.ports.uow() as uow:
            endpoint = team_endpoint(uow, actor, endpoint_id, for_update=True)
            endpoint.change(change, at=now, actor=actor.label)
            uow.webhooks.update(endpoint)
            uow.commit()
        return EndpointView.of(endpoint)


@define
class DeleteWebhookEndpoint:
    ports: Ports

    def __call__(self, actor: Actor, endpoint_id: str) -> None:
        with self.ports.uow() as uow:
            endpoint = team_endpoint(uow, actor, endpoint_id, for_update=True)
            endpoint.remove(at=self.ports.clock.now(), actor=actor.label)
            uow.webhooks.delete(endpoint)
            uow.commit()


@define
class RotateWebhookSecret:
    """The new secret signs from now on; the old one signs too for 24 hours, so receivers
    can switch without missing a message."""

    ports: Ports

    def __call__(self, actor: Actor, endpoint_id: str) -> Secret:
        now = self.ports.clock.now()
        secret = Secret(self.ports.secrets.webhook_secret())
        with self.ports.uow() as uow:
            endpoint = team_endpoint(uow, actor, endpoint_id, for_update=True)
            endpoint.rotate(secret, at=now, actor=actor.label)
            uow.webhooks.update(endpoint)
            uow.commit()
        return secret


@define
class SendTestWebhook:
    """One `webhook.test` message, sent now, signed like every other."""

    ports: Ports
    deliver: DeliverWebhooks

    def __call__(self, actor: Actor, endpoint_id: str) -> DeliveryView:
        now = self.ports.clock.now()
        with self.ports.uow() as uow:
            endpoint = team_endpoint(uow, actor, endpoint_id)
            message_id = self.ports.ids.new_id("msg")
            body = webhook_body(
                message_id=message_id,
                kind=WebhookEventType.TEST,
                created_at=now.isoformat(),
                team_id=endpoint.team_id,
                data={"webhook_id": endpoint.id, "summary": "A test message from sellerlink"},
            )
            delivery = new_delivery(
                self.ports, endpoint, message_id, WebhookEventType.TEST, f"test:{message_id}", body
            )
            uow.deliveries.add_many([delivery])
            uow.commit()
        return DeliveryView.of(self.deliver.one(delivery.id))


@define
class ListDeliveries:
    ports: Ports

    def __call__(
        self,
        actor: Actor,
        endpoint_id: str,
        status: DeliveryStatus | None = None,
        limit: int = 100,
    ) -> list[DeliveryView]:
        with self.ports.uow() as uow:
            endpoint = team_endpoint(uow, actor, endpoint_id)
            found = uow.deliveries.list_for_endpoint(endpoint.id, status=status, limit=limit)
        return [DeliveryView.of(d) for d in found]


@define
class RetryDelivery:
    ports: Ports

    def __call__(self, actor: Actor, delivery_id: str) -> DeliveryView:
        with self.ports.uow() as uow:
            team_id = require_webhook_manager(uow, actor)
            view = retry_delivery(uow, self.ports, delivery_id, team_id=team_id)
            uow.commit()
        return view


def retry_delivery(
    uow: UnitOfWork, ports: Ports, delivery_id: str, *, team_id: str | None
) -> DeliveryView:
    """The team's Retry and support's: `team_id` None is support, who sees every team."""
    delivery = team_owned(
        uow.deliveries.get(delivery_id),
        team_id,
        f"webhook delivery {delivery_id}",
        delivery_id=delivery_id,
    )
    delivery.retry(at=ports.clock.now())
    uow.deliveries.update(delivery)
    return DeliveryView.of(delivery)


@define
class ReplayWebhooks:
    """Every published event since a time, sent again to one endpoint (same `webhook-id`s,
    so a receiver that has them already can tell)."""

    ports: Ports

    def __call__(self, actor: Actor, endpoint_id: str, since: datetime) -> int:
        with self.ports.uow() as uow:
            endpoint = team_endpoint(uow, actor, endpoint_id)
            queued = replay(uow, self.ports, endpoint, since, actor=actor.label)
            uow.commit()
        return queued


def replay(
    uow: UnitOfWork, ports: Ports, endpoint: WebhookEndpoint, since: datetime, *, actor: str
) -> int:
    events = uow.events.published_since(endpoint.team_id, since, MAX_REPLAY)
    found = (delivery_of(ports, event, endpoint) for event in events)
    deliveries = [delivery for delivery in found if delivery is not None]
    uow.deliveries.add_many(deliveries)
    endpoint.replay_requested(len(deliveries), since=since, at=ports.clock.now(), actor=actor)
    uow.webhooks.update(endpoint)
    return len(deliveries)
