"""Why Amazon shows what it shows for one SKU (seed 003): the product's input, the settings,
the decision, when it was sent and Amazon's answer. A read model: the web API and the support
CLI show this one shape."""

from __future__ import annotations

from datetime import datetime, timedelta

from attrs import define, frozen

from application.context import Actor, Ports, team_connection
from application.listing_flush import pause_reason
from application.listing_updates import settings_of
from application.unit_of_work import UnitOfWork
from domain.connection import Connection
from domain.errors import NotFound
from domain.listing import ListingSettings, Money
from domain.listing_batch import ListingStatus, SendMethod, SkuListing, batch_due
from domain.team import Permission


@frozen
class SkuExplanation:
    """Everything support and the product need to answer "why does Amazon show this?"."""

    connection_id: str
    marketplace_id: str
    sku: str
    # the input
    available: int
    price: Money
    received_at: datetime
    # the settings
    inventory_buffer: int
    inventory_ceiling: int | None
    minimum_price: Money | None
    pricing_enabled: bool
    batch_window: timedelta
    # the decision
    send: bool
    decided_quantity: int | None
    decided_price: Money | None
    decision: str
    # where it stands
    status: ListingStatus
    status_text: str
    next_batch_at: datetime | None
    sent_quantity: int | None
    sent_price: Money | None
    sent_at: datetime | None
    in_flight: str | None  # "feed feed-12" / "patch", while Amazon's answer is not in
    amazon_accepted: bool | None
    amazon_message: str | None
    answered_at: datetime | None


@define
class ExplainSku:
    ports: Ports

    def __call__(
        self, actor: Actor, connection_id: str, sku: str, marketplace_id: str | None = None
    ) -> list[SkuExplanation]:
        with self.ports.uow() as uow:
            connection = team_connection(uow, actor, connection_id, Permission.VIEW)
            return self._explain(uow, connection, sku, marketplace_id)

    def for_support(
        self, connection_id: str, sku: str, marketplace_id: str | None = None
    ) -> list[SkuExplanation]:
        """Support works across teams (application/support.py): no membership check."""
        with self.ports.uow() as uow:
            connection = uow.connections.get(connection_id)
            if connection is None:
                raise NotFound(f"There is no connection {connection_id}.")
            return self._explain(uow, connection, sku, marketplace_id)

    def _explain(
        self, uow: UnitOfWork, connection: Connection, sku: str, marketplace_id: str | None
    ) -> list[SkuExplanation]:
        now = self.ports.clock.now()
        found = [
            lst
            for lst in uow.listings.list_for_sku(connection.id, sku)
            if marketplace_id is None or lst.marketplace_id == marketplace_id
        ]
        if not found:
            raise NotFound(
                f"sellerlink has no snapshot of SKU {sku} for this connection.",
                context={"sku": sku},
            )
        settings = settings_of(uow, connection.id)
        due = batch_due(uow.listings.list_pending(connection.id), settings.batch_window, now)
        return [explain(lst, settings, connection, due, now) for lst in found]


def explain(
    listing: SkuListing,
    settings: ListingSettings,
    connection: Connection,
    next_batch_at: datetime | None,
    now: datetime,
) -> SkuExplanation:
    answer = listing.answer
    flight = listing.in_flight
    return SkuExplanation(
        connection_id=listing.connection_id,
        marketplace_id=listing.marketplace_id,
        sku=listing.sku,
        available=listing.product.available,
        price=listing.product.price,
        received_at=listing.received_at,
        inventory_buffer=settings.inventory_buffer,
        inventory_ceiling=settings.inventory_ceiling,
        minimum_price=settings.minimum_price,
        pricing_enabled=settings.pricing_enabled,
        batch_window=settings.batch_window,
        send=listing.decision.send,
        decided_quantity=listing.decision.quantity,
        decided_price=listing.decision.price,
        decision=listing.decision.explanation,
        status=listing.status(),
        status_text=status_text(listing, connection, next_batch_at, now),
        next_batch_at=next_batch_at if listing.waiting else None,
        sent_quantity=listing.sent_quantity,
        sent_price=listing.sent_price,
        sent_at=listing.sent_at,
        in_flight=None if flight is None else f"{flight.method} {flight.reference}",
        amazon_accepted=None if answer is None else answer.accepted,
        amazon_message=None if answer is None else answer.message,
        answered_at=None if answer is None else answer.at,
    )


def status_text(
    listing: SkuListing, connection: Connection, next_batch_at: datetime | None, now: datetime
) -> str:
    status = listing.status()
    if status is ListingStatus.IN_FLIGHT and listing.in_flight is not None:
        flight = listing.in_flight
        via = "Listings Items PATCH" if flight.method is SendMethod.PATCH else flight.reference
        return f"sent at {_at(flight.at)} ({via}); waiting for Amazon's processing report"
    if status is ListingStatus.WAITING:
        paused = pause_reason(connection, now)
        if paused:
            return f"paused: {paused}"
        if next_batch_at is not None:
            return f"waiting for the next batch at {_at(next_batch_at)}"
        return "waiting for the next batch"
    if status is ListingStatus.NOT_SENT:
        return listing.decision.explanation
    if status is ListingStatus.REJECTED and listing.answer is not None:
        return f"Amazon refused the last update: {listing.answer.message or 'no reason given'}"
    if listing.decision.withdrawn:
        # Amazon holds quantity 0 for it: "on Amazon since" would read as still for sale.
        return listing.decision.explanation
    if listing.sent_at is not None:
        return f"on Amazon since {_at(listing.sent_at)}"
    return "nothing to send"


def _at(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")
