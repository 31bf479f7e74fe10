"""The webhook dispatcher: the event log is the outbox (DESIGN §13).

1. Publish: under the outbox lock, committed events not yet published are read in log order,
   turned into one delivery per subscribed endpoint, and marked published, in one
   transaction. A crash before the commit publishes them again; after it, the deliveries
   exist. Nothing is lost either way.
2. Deliver: a dispatcher claims the due deliveries that head their ordering group (one
   connection's messages go out one at a time, in log order) with a lease it commits, sends
   them with no transaction open, then records each outcome only if it still holds the
   lease. A dispatcher killed mid-send leaves a lease that runs out; the delivery is sent
   again with the same `webhook-id` (at least once).
"""

from __future__ import annotations

import itertools
import random
import threading
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import datetime, timedelta

from attrs import define, field, frozen

from application.context import Ports
from application.ports import SendResult
from application.unit_of_work import UnitOfWork
from application.webhook_events import webhook_body, webhook_message
from domain.errors import NotFound
from domain.events import APP_TEAM_ID, AuditEvent
from domain.webhooks import Delivery, DeliveryStatus, WebhookEndpoint

# Longer than a send may take (its timeout), so a live dispatcher never loses its lease.
LEASE = timedelta(seconds=60)
PUBLISH_BATCH = 500
CLAIM_BATCH = 32
SENDERS = 8
# Endpoints one dispatch call sends to at once.
ENDPOINTS_AT_ONCE = 8
# How long a caught-up endpoint waits before looking again while a sibling still sends.
SIBLING_REST_SECONDS = 0.05
FINISH_GROUP = 16


def new_delivery(
    ports: Ports,
    endpoint: WebhookEndpoint,
    message_id: str,
    event_type: str,
    ordering_key: str,
    body: str,
) -> Delivery:
    now = ports.clock.now()
    return Delivery(
        id=ports.ids.new_id("dlv"),
        endpoint_id=endpoint.id,
        team_id=endpoint.team_id,
        message_id=message_id,
        event_type=str(event_type),
        ordering_key=ordering_key,
        payload=body,
        created_at=now,
        next_attempt_at=now,
    )


def delivery_of(ports: Ports, event: AuditEvent, endpoint: WebhookEndpoint) -> Delivery | None:
    """The delivery of one event to one endpoint (signed body, ordering key), or None when
    the event is no webhook message or the endpoint does not subscribe to its type. The
    outbox and a replay both queue deliveries through here."""
    message = webhook_message(event)
    if message is None or not endpoint.wants(message.type):
        return None
    body = webhook_body(
        message_id=event.id,
        kind=message.type,
        created_at=event.at.isoformat(),
        team_id=endpoint.team_id,
        data=message.data,
    )
    return new_delivery(ports, endpoint, event.id, message.type, message.ordering_key, body)


def _deliveries_for(
    ports: Ports, event: AuditEvent, endpoints: Iterable[WebhookEndpoint]
) -> list[Delivery]:
    found = (delivery_of(ports, event, endpoint) for endpoint in endpoints)
    return [delivery for delivery in found if delivery is not None]


@define
class PublishEvents:
    ports: Ports

    def __call__(self, limit: int = PUBLISH_BATCH) -> int:
        """One batch; returns how many events it published (0: the outbox is empty)."""
        if not self.has_work():
            return 0  # a read, so an idle dispatcher never takes the write lock
        with self.ports.uow() as uow:
            uow.events.lock_outbox()
            events = uow.events.unpublished(limit)
            if not events:
                return 0
            teams = {e.team_id for e in events}
            endpoints = uow.webhooks.list_enabled(None if APP_TEAM_ID in teams else teams)
            by_team: dict[str, list[WebhookEndpoint]] = defaultdict(list)
            for endpoint in endpoints:
                by_team[endpoint.team_id].append(endpoint)
            deliveries: list[Delivery] = []
            for event in events:
                targets = endpoints if event.team_id == APP_TEAM_ID else by_team[event.team_id]
                deliveries += _deliveries_for(self.ports, event, targets)
            uow.deliveries.add_many(deliveries)
            uow.events.mark_published([e.id for e in events], self.ports.clock.now())
            uow.commit()
        return len(events)

    def has_work(self) -> bool:
        with self.ports.uow() as uow:
            return bool(uow.events.unpublished(1))


@frozen
class Round:
    claimed: int = 0
    delivered: int = 0
    failed_attempts: int = 0


@define
class DeliverWebhooks:
    ports: Ports
    senders: int = SENDERS
    _claimer: str = field(default="", alias="claimer")

    @property
    def claimer(self) -> str:
        """This dispatcher's name on its leases (made on first use)."""
        if not self._claimer:
            self._claimer = self.ports.ids.new_id("dispatcher")
        return self._claimer

    def endpoint(self, endpoint_id: str, *, limit: int = CLAIM_BATCH) -> Round:
        """Claim and send one batch of an endpoint's due deliveries."""
        now = self.ports.clock.now()
        with self.ports.uow() as uow:
            claimed = uow.deliveries.claim(
                now=now,
                until=now + LEASE,
                claimer=self.claimer,
                limit=limit,
                endpoint_id=endpoint_id,
            )
            endpoint = uow.webhooks.get(endpoint_id) if claimed else None
            uow.commit()
        if not claimed or endpoint is None:
            return Round()
        outcomes: list[tuple[Delivery, SendResult]] = []
        with ThreadPoolExecutor(max_workers=min(self.senders, len(claimed))) as pool:
            futures = {pool.submit(self._send, endpoint, d): d for d in claimed}
            for done, future in enumerate(as_completed(futures), start=1):
                outcomes.append((futures[future], future.result()))
                # Recorded a few at a time: one short write transaction per group.
                if len(outcomes) >= FINISH_GROUP or done == len(futures):
                    self._finish(endpoint.id, outcomes)
                    outcomes = []
        delivered = sum(1 for d in claimed if d.status is DeliveryStatus.DELIVERED)
        return Round(len(claimed), delivered, len(claimed) - delivered)

    def one(self, delivery_id: str) -> Delivery:
        """Send one delivery now (a test message), unless a dispatcher holds it already."""
        now = self.ports.clock.now()
        with self.ports.uow() as uow:
            delivery = uow.deliveries.claim_one(
                delivery_id, now=now, until=now + LEASE, claimer=self.claimer
            )
            stored = uow.deliveries.get(delivery_id)
            endpoint = uow.webhooks.get(stored.endpoint_id) if stored else None
            uow.commit()
        if stored is None or endpoint is None:
            raise NotFound(f"There is no webhook delivery {delivery_id}.")
        if delivery is None:
            return stored
        self._finish(endpoint.id, [(delivery, self._send(endpoint, delivery))])
        with self.ports.uow() as uow:
            return uow.deliveries.get(delivery_id) or delivery

    def _send(self, endpoint: WebhookEndpoint, delivery: Delivery) -> SendResult:
        try:
            return self.ports.webhooks.send(
                endpoint.url,
                delivery.message_id,
                delivery.payload.encode(),
                endpoint.signing_secrets(self.ports.clock.now()),
            )
        except Exception as error:  # an adapter bug must not strand the lease
            return SendResult(None, error=f"sending failed: {type(error).__name__}")

    def _finish(self, endpoint_id: str, outcomes: list[tuple[Delivery, SendResult]]) -> None:
        """Store each attempt's outcome (only where this dispatcher still holds the lease)
        and the endpoint's health, in one transaction."""
        at = self.ports.clock.now()
        counted: list[tuple[str, float]] = []
        with self.ports.uow() as uow:
            endpoint = uow.webhooks.get(endpoint_id, for_update=True)
            accepted = failed = 0
            for delivery, result in outcomes:
                if result.accepted:
                    delivery.succeeded(
                        at=at, status_code=result.status_code or 0, response=result.response
                    )
                else:
                    delivery.failed_attempt(
                        at=at,
                        status_code=result.status_code,
                        error=result.error or f"the receiver answered {result.status_code}",
                        response=result.response,
                    )
                # A lease lost to another dispatcher: their outcome stands, not ours.
                if uow.deliveries.finish(delivery, self.claimer):
                    accepted += result.accepted
                    failed += not result.accepted
                    lag = (at - delivery.created_at).total_seconds()
                    counted.append((_outcome(delivery), max(0.0, lag)))
            if endpoint is not None and (accepted or failed):
                self._note(uow, endpoint, accepted > 0, at)
            uow.commit()
        # Counted once stored: an attempt whose outcome was not kept is not an outcome.
        for outcome, lag in counted:
            self.ports.metrics.webhook_delivery(outcome, lag)

    def _note(
        self, work: UnitOfWork, endpoint: WebhookEndpoint, accepted: bool, at: datetime
    ) -> None:
        """The endpoint's health: failing since when; disabled after days of failures."""
        if accepted:
            if endpoint.failing_since is None:
                return
            endpoint.note_success()
            work.webhooks.update(endpoint)
            return
        endpoint.note_failure(at=at)
        work.webhooks.update(endpoint)


def _outcome(delivery: Delivery) -> str:
    """The attempt as an operator alerts on it: delivered, to be retried, or given up."""
    if delivery.status is DeliveryStatus.DELIVERED:
        return "delivered"
    if delivery.status is DeliveryStatus.FAILED:
        return "failed"
    return "retrying"


class _Siblings:
    """How many endpoints of one dispatch call are still within their rounds."""

    def __init__(self, count: int) -> None:
        self._working = count
        self._lock = threading.Lock()
        self._resting = threading.Event()

    def any_working(self) -> bool:
        with self._lock:
            return self._working > 0

    def finished_rounds(self) -> None:
        with self._lock:
            self._working -= 1

    def rest(self) -> None:
        self._resting.wait(SIBLING_REST_SECONDS)


@frozen
class DispatchReport:
    published: int
    claimed: int
    delivered: int
    failed_attempts: int


@define
class DispatchWebhooks:
    """Publish what is new, then send what is due: for one endpoint (a worker job) or all."""

    ports: Ports
    publish: PublishEvents
    deliver: DeliverWebhooks

    def __call__(self, endpoint_id: str | None = None, *, rounds: int = 20) -> DispatchReport:
        published = self._publish_all()
        targets = [endpoint_id] if endpoint_id else self.due_endpoints()
        if len(targets) <= 1:
            done = [self._drain(t, rounds, _Siblings(1)) for t in targets]
        else:
            # Each endpoint drains on a thread of its own: a receiver that times out holds
            # up its own deliveries, never another endpoint's.
            random.shuffle(targets)
            siblings = _Siblings(len(targets))
            workers = min(len(targets), ENDPOINTS_AT_ONCE)
            with ThreadPoolExecutor(max_workers=workers) as pool:
                done = list(pool.map(lambda t: self._drain(t, rounds, siblings), targets))
        return DispatchReport(
            published,
            sum(r.claimed for r in done),
            sum(r.delivered for r in done),
            sum(r.failed_attempts for r in done),
        )

    def _publish_all(self) -> int:
        published = 0
        while (batch := self.publish()) > 0:
            published += batch
        return published

    def _drain(self, endpoint_id: str, rounds: int, siblings: _Siblings) -> Round:
        """Up to `rounds` batches. Then, caught up or not, it keeps going (publishing what
        is new) while another endpoint of this call is still within its own rounds, so one
        slow receiver never leaves the healthy ones idle behind it; lingering never keeps
        the others going, so the call ends once every endpoint has had its rounds."""
        total = Round()
        working = True
        try:
            for n in itertools.count(1):
                batch = self.deliver.endpoint(endpoint_id)
                total = Round(
                    total.claimed + batch.claimed,
                    total.delivered + batch.delivered,
                    total.failed_attempts + batch.failed_attempts,
                )
                if working and batch.claimed and n < rounds:
                    continue
                if working:
                    working = False
                    siblings.finished_rounds()
                if not siblings.any_working():
                    return total
                if not batch.claimed:
                    siblings.rest()
                    self._publish_all()
        finally:
            if working:
                siblings.finished_rounds()
        return total  # pragma: no cover - the loop only ends by returning

    def due_endpoints(self) -> list[str]:
        with self.ports.uow() as uow:
            return uow.deliveries.endpoints_with_due(self.ports.clock.now())
