"""Support's view of webhooks (`sellerlink webhooks ...`): any team's endpoints and
deliveries, and the same Retry and Replay the team has, recorded as `support:<name>`."""

from __future__ import annotations

from datetime import datetime

from attrs import define

from application.context import Ports
from application.webhook_views import DeliveryView, EndpointView
from application.webhooks import replay, retry_delivery
from domain.errors import NotFound
from domain.webhooks import DeliveryStatus, WebhookEndpoint


@define
class SupportWebhooks:
    ports: Ports

    def endpoints(self, team_id: str) -> list[EndpointView]:
        with self.ports.uow() as uow:
            found = uow.webhooks.list_for_team(team_id)
        return [EndpointView.of(e) for e in sorted(found, key=lambda e: e.created_at)]

    def deliveries(
        self, endpoint_id: str, *, status: DeliveryStatus | None = None, limit: int = 100
    ) -> list[DeliveryView]:
        with self.ports.uow() as uow:
            self._endpoint(uow.webhooks.get(endpoint_id), endpoint_id)
            found = uow.deliveries.list_for_endpoint(endpoint_id, status=status, limit=limit)
        return [DeliveryView.of(d) for d in found]

    def retry(self, delivery_id: str) -> DeliveryView:
        with self.ports.uow() as uow:
            view = retry_delivery(uow, self.ports, delivery_id, team_id=None)
            uow.commit()
        return view

    def replay(self, endpoint_id: str, since: datetime, *, operator: str) -> int:
        with self.ports.uow() as uow:
            endpoint = self._endpoint(uow.webhooks.get(endpoint_id), endpoint_id)
            queued = replay(uow, self.ports, endpoint, since, actor=f"support:{operator}")
            uow.commit()
        return queued

    @staticmethod
    def _endpoint(endpoint: WebhookEndpoint | None, endpoint_id: str) -> WebhookEndpoint:
        if endpoint is None:
            raise NotFound(
                f"There is no webhook endpoint {endpoint_id}.", context={"webhook_id": endpoint_id}
            )
        return endpoint
