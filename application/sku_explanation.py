"""Why Amazon shows what it shows for one SKU (seed 003): the product's input, the settings,
the decision, when it was sent and Amazon's answer. A read model: the web API and the support
CLI show this one shape. The settings part is also how the web API shows a connection's
listing settings (`ListingSettingsView`), so both read the same fields."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Self

from attrs import define, field, frozen

from application.context import Actor, Ports, team_connection
from application.listing_flush import pause_reason
from application.listing_updates import settings_of
from application.unit_of_work import UnitOfWork
from application.views import about
from domain.connection import Connection
from domain.copies import copied
from domain.errors import NotFound
from domain.listing import ListingSettings, Money
from domain.listing_batch import ListingStatus, SendMethod, SkuListing, batch_due
from domain.team import Permission


@frozen
class MoneyView:
    """An amount and its currency; the amount is exact decimal text (no float rounding)."""

    amount: str = field(metadata=about('Decimal text, e.g. "19.99".'))
    currency: str = field(metadata=about("ISO 4217 code, e.g. USD."))

    @classmethod
    def of(cls, money: Money) -> MoneyView:
        return cls(format(money.amount, "f"), money.currency)

    @classmethod
    def maybe(cls, money: Money | None) -> MoneyView | None:
        return None if money is None else cls.of(money)

    def __str__(self) -> str:
        return f"{Decimal(self.amount):.2f} {self.currency}"  # as Money reads


@frozen
class SettingsApplied:
    """The connection's listing settings the decision was made under."""

    inventory_buffer: int = field(metadata=about("Units that must be available to show stock."))
    inventory_ceiling: int | None = field(metadata=about("Most units shown; null for no cap."))
    minimum_price: MoneyView | None = field(
        metadata=about("Under this price nothing is sent; null for none.")
    )
    pricing_enabled: bool = field(metadata=about("Whether prices are sent at all."))
    batch_window_seconds: int = field(metadata=about("How long changes are gathered."))

    @classmethod
    def of(cls, settings: ListingSettings) -> Self:
        return copied(
            cls,
            settings,
            minimum_price=MoneyView.maybe(settings.minimum_price),
            batch_window_seconds=int(settings.batch_window.total_seconds()),
        )


@frozen
class ListingSettingsView(SettingsApplied):
    """A connection's listing settings, as the web API shows and replaces them: the same
    values a SKU's explanation shows it was decided under."""

    connection_id: str = field(metadata=about("The connection they apply to."))


@frozen
class SkuExplanation:
    """Everything support and the product need to answer "why does Amazon show this?", for
    one marketplace: the input, the settings, the decision, where it stands."""

    marketplace_id: str = field(metadata=about("The marketplace this explanation is for."))
    sku: str = field(metadata=about("The seller's SKU."))
    available: int = field(metadata=about("Units available, as the product last sent them."))
    price: MoneyView = field(metadata=about("The price the product last sent."))
    received_at: datetime = field(metadata=about("When sellerlink received that snapshot."))
    settings: SettingsApplied = field(metadata=about("The settings applied."))
    send: bool = field(metadata=about("Whether anything is sent to Amazon for it."))
    quantity: int | None = field(metadata=about("The quantity decided; null when not sent."))
    decided_price: MoneyView | None = field(
        metadata=about("The price decided; null when prices are not sent.")
    )
    decision: str = field(metadata=about("The decision in plain words."))
    status: ListingStatus = field(metadata=about("Where the update stands."))
    status_text: str = field(metadata=about("Where it stands, in plain words."))
    next_batch_at: datetime | None = field(
        metadata=about("When the waiting change is due to be sent; null when nothing waits.")
    )
    sent_quantity: int | None = field(metadata=about("The quantity last sent to Amazon."))
    sent_price: MoneyView | None = field(metadata=about("The price last sent to Amazon."))
    sent_at: datetime | None = field(metadata=about("When it was last sent."))
    in_flight: str | None = field(
        metadata=about('How it is on its way ("feed <id>" or "patch") until Amazon answers.')
    )
    amazon_accepted: bool | None = field(
        metadata=about("Amazon's answer to the last update; null before it answers.")
    )
    amazon_message: str | None = field(metadata=about("Amazon's message with its answer."))
    answered_at: datetime | None = field(metadata=about("When Amazon answered."))


@frozen
class SkuExplained:
    """One SKU of a connection, explained per marketplace."""

    connection_id: str = field(metadata=about("The connection."))
    sku: str = field(metadata=about("The seller's SKU."))
    items: tuple[SkuExplanation, ...] = field(metadata=about("One entry per marketplace."))


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
        marketplace_id=listing.marketplace_id,
        sku=listing.sku,
        available=listing.product.available,
        price=MoneyView.of(listing.product.price),
        received_at=listing.received_at,
        settings=SettingsApplied.of(settings),
        send=listing.decision.send,
        quantity=listing.decision.quantity,
        decided_price=MoneyView.maybe(listing.decision.price),
        decision=listing.decision.explanation,
        status=listing.status(),
        status_text=status_text(listing, connection, next_batch_at, now),
        next_batch_at=next_batch_at if listing.waiting else None,
        sent_quantity=listing.sent_quantity,
        sent_price=MoneyView.maybe(listing.sent_price),
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
