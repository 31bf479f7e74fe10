"""Webhook endpoints and deliveries (API.md "Webhooks"; DESIGN §13)."""

from __future__ import annotations

from datetime import UTC
from typing import Annotated

from litestar import Controller
from litestar.params import FromQuery, JSONBody, QueryParameter

from adapters.http.routing import (
    App,
    CurrentActor,
    PathStr,
    api_delete,
    api_get,
    api_patch,
    api_post,
)
from adapters.http.webhook_schemas import (
    ReplayIn,
    ReplayOut,
    SecretOut,
    WebhookCreated,
    WebhookIn,
    WebhookPatch,
)
from application.webhook_views import DeliveryList, DeliveryView, EndpointView, WebhookList
from domain.api_key import Scope
from domain.webhooks import DeliveryStatus, EndpointChange

_ERRORS = (400, 401, 403, 404, 409, 422, 500)


class WebhooksController(Controller):
    path = "/api/v1/webhooks"
    tags = ["webhooks"]

    @api_post(
        "/",
        scope=Scope.WEBHOOKS_MANAGE,
        errors=_ERRORS,
        summary="Add an endpoint; its signing secret is shown once",
    )
    def create(
        self, data: JSONBody[WebhookIn], actor: CurrentActor, application: App
    ) -> WebhookCreated:
        created = application.create_webhook(actor, data.url, data.events, data.description)
        return WebhookCreated.created(created)

    @api_get("/", scope=Scope.WEBHOOKS_MANAGE, summary="The team's webhook endpoints")
    def list_endpoints(self, actor: CurrentActor, application: App) -> WebhookList:
        return WebhookList(items=tuple(application.list_webhooks(actor)))

    @api_get("/{webhook_id:str}", scope=Scope.WEBHOOKS_MANAGE, summary="Show an endpoint")
    def get_endpoint(
        self, webhook_id: PathStr, actor: CurrentActor, application: App
    ) -> EndpointView:
        return application.get_webhook(actor, webhook_id)

    @api_patch(
        "/{webhook_id:str}",
        scope=Scope.WEBHOOKS_MANAGE,
        errors=_ERRORS,
        summary="Change or enable/disable an endpoint",
    )
    def update(
        self,
        webhook_id: PathStr,
        data: JSONBody[WebhookPatch],
        actor: CurrentActor,
        application: App,
    ) -> EndpointView:
        return application.update_webhook(
            actor,
            webhook_id,
            EndpointChange(
                url=data.url,
                events=data.events,
                description=data.description,
                enabled=data.enabled,
            ),
        )

    @api_delete(
        "/{webhook_id:str}",
        scope=Scope.WEBHOOKS_MANAGE,
        summary="Delete an endpoint and its deliveries",
    )
    def delete_endpoint(self, webhook_id: PathStr, actor: CurrentActor, application: App) -> None:
        application.delete_webhook(actor, webhook_id)

    @api_post(
        "/{webhook_id:str}/rotate-secret",
        scope=Scope.WEBHOOKS_MANAGE,
        status_code=200,
        summary="New signing secret (shown once); the old one signs too for 24 hours",
    )
    def rotate(self, webhook_id: PathStr, actor: CurrentActor, application: App) -> SecretOut:
        return SecretOut(secret=application.rotate_webhook_secret(actor, webhook_id).reveal())

    @api_post(
        "/{webhook_id:str}/test",
        scope=Scope.WEBHOOKS_MANAGE,
        status_code=200,
        summary="Send a signed `webhook.test` message now",
    )
    def test(self, webhook_id: PathStr, actor: CurrentActor, application: App) -> DeliveryView:
        return application.send_test_webhook(actor, webhook_id)

    @api_get(
        "/{webhook_id:str}/deliveries",
        scope=Scope.WEBHOOKS_MANAGE,
        summary="Deliveries, newest first",
    )
    def deliveries(
        self,
        webhook_id: PathStr,
        actor: CurrentActor,
        application: App,
        status: FromQuery[DeliveryStatus | None] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=1000)] = 100,
    ) -> DeliveryList:
        found = application.list_deliveries(actor, webhook_id, status, limit)
        return DeliveryList(items=tuple(found))

    @api_post(
        "/deliveries/{delivery_id:str}/retry",
        scope=Scope.WEBHOOKS_MANAGE,
        status_code=200,
        summary="Send a failed (or delivered) delivery again, now",
    )
    def retry(self, delivery_id: PathStr, actor: CurrentActor, application: App) -> DeliveryView:
        return application.retry_delivery(actor, delivery_id)

    @api_post(
        "/{webhook_id:str}/replay",
        scope=Scope.WEBHOOKS_MANAGE,
        status_code=202,
        errors=_ERRORS,
        summary="Send every event since a time again (same webhook-id)",
    )
    def replay(
        self, webhook_id: PathStr, data: JSONBody[ReplayIn], actor: CurrentActor, application: App
    ) -> ReplayOut:
        since = data.since if data.since.tzinfo else data.since.replace(tzinfo=UTC)
        return ReplayOut(queued=application.replay_webhooks(actor, webhook_id, since))
