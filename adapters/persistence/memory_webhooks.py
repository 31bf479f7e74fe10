"""The in-memory webhook endpoints and deliveries (memory.py's unit of work binds them);
same contract as repositories/webhooks.py."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from adapters.persistence.memory_state import MemoryRepository, State, check_and_bump, stored_copy
from domain.webhooks import Delivery, DeliveryStatus, WebhookEndpoint


class MemoryWebhookEndpoints(MemoryRepository):
    def add(self, endpoint: WebhookEndpoint) -> None:
        self._s.webhooks[endpoint.id] = self._in(endpoint)

    def get(self, endpoint_id: str, *, for_update: bool = False) -> WebhookEndpoint | None:
        return self._out(self._s.webhooks.get(endpoint_id))

    def update(self, endpoint: WebhookEndpoint) -> None:
        self._announcements.watch(endpoint)
        stored = self._s.webhooks.get(endpoint.id)
        self._s.webhooks[endpoint.id] = check_and_bump(stored, endpoint, "webhook endpoint")

    def delete(self, endpoint: WebhookEndpoint) -> None:
        self._announcements.watch(endpoint)
        self._s.webhooks.pop(endpoint.id, None)
        for key in [k for k, d in self._s.deliveries.items() if d.endpoint_id == endpoint.id]:
            del self._s.deliveries[key]

    def list_for_team(self, team_id: str) -> list[WebhookEndpoint]:
        return [self._out(e) for e in self._s.webhooks.values() if e.team_id == team_id]

    def list_enabled(self, team_ids: Iterable[str] | None = None) -> list[WebhookEndpoint]:
        wanted = set(team_ids) if team_ids is not None else None
        return [
            self._out(e)
            for e in self._s.webhooks.values()
            if e.enabled and (wanted is None or e.team_id in wanted)
        ]


class MemoryDeliveries:
    def __init__(self, state: State) -> None:
        self._s = state

    def add_many(self, deliveries: Sequence[Delivery]) -> None:
        for delivery in deliveries:
            self._s.delivery_seq += 1
            delivery.seq = self._s.delivery_seq
            self._s.deliveries[delivery.id] = stored_copy(delivery)

    def get(self, delivery_id: str) -> Delivery | None:
        found: Delivery | None = self._s.deliveries.get(delivery_id)
        return stored_copy(found)

    def update(self, delivery: Delivery) -> None:
        if delivery.id in self._s.deliveries:
            self._s.deliveries[delivery.id] = stored_copy(delivery)

    def list_for_endpoint(
        self, endpoint_id: str, *, status: DeliveryStatus | None = None, limit: int = 100
    ) -> list[Delivery]:
        found = [
            d
            for d in self._s.deliveries.values()
            if d.endpoint_id == endpoint_id and (status is None or d.status is status)
        ]
        found.sort(key=lambda d: d.seq, reverse=True)
        return [stored_copy(d) for d in found[: max(0, limit)]]

    def _heads(self, endpoint_id: str | None, now: datetime) -> list[Delivery]:
        heads: dict[tuple[str, str], Delivery] = {}
        for d in sorted(self._s.deliveries.values(), key=lambda d: d.seq):
            if d.status is not DeliveryStatus.PENDING:
                continue
            if endpoint_id is not None and d.endpoint_id != endpoint_id:
                continue
            heads.setdefault((d.endpoint_id, d.ordering_key), d)
        enabled = {e.id for e in self._s.webhooks.values() if e.enabled}
        return sorted(
            (
                d
                for d in heads.values()
                if d.next_attempt_at <= now and d.endpoint_id in enabled and self._free(d.id, now)
            ),
            key=lambda d: d.seq,
        )

    def _free(self, delivery_id: str, now: datetime) -> bool:
        lease = self._s.delivery_leases.get(delivery_id)
        return lease is None or lease[1] <= now

    def claim(
        self, *, now: datetime, until: datetime, claimer: str, limit: int, endpoint_id: str
    ) -> list[Delivery]:
        found = self._heads(endpoint_id, now)[: max(0, limit)]
        for d in found:
            self._s.delivery_leases[d.id] = (claimer, until)
        return [stored_copy(d) for d in found]

    def claim_one(
        self, delivery_id: str, *, now: datetime, until: datetime, claimer: str
    ) -> Delivery | None:
        d: Delivery | None = self._s.deliveries.get(delivery_id)
        if d is None or d.status is not DeliveryStatus.PENDING or not self._free(d.id, now):
            return None
        self._s.delivery_leases[d.id] = (claimer, until)
        return stored_copy(d)

    def finish(self, delivery: Delivery, claimer: str) -> bool:
        lease = self._s.delivery_leases.get(delivery.id)
        if lease is None or lease[0] != claimer or delivery.id not in self._s.deliveries:
            return False
        del self._s.delivery_leases[delivery.id]
        self._s.deliveries[delivery.id] = stored_copy(delivery)
        return True

    def endpoints_with_due(self, now: datetime) -> list[str]:
        return sorted({d.endpoint_id for d in self._heads(None, now)})

    def next_attempt_at(self) -> datetime | None:
        heads: dict[tuple[str, str], Delivery] = {}
        for d in sorted(self._s.deliveries.values(), key=lambda d: d.seq):
            if d.status is DeliveryStatus.PENDING:
                heads.setdefault((d.endpoint_id, d.ordering_key), d)
        enabled = {e.id for e in self._s.webhooks.values() if e.enabled}
        due = [d.next_attempt_at for d in heads.values() if d.endpoint_id in enabled]
        return min(due, default=None)
