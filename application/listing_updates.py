"""Submitting listing updates (seed 003): the product hands in quantities and prices for one
marketplace; each row is checked on its own, a bad row is reported and the good rows are kept.
A settings change re-decides every SKU (`reevaluate_listings`).

Where the rest lives: the worker's flush loop in `listing_flush.py`, the explanation of one
SKU in `sku_explanation.py`, and reading a CSV upload in the driving adapters
(`adapters/formats/listing_csv.py`): this module sees rows, never a file format.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation

from attrs import define, frozen

from application.context import Actor, Ports, team_connection
from application.unit_of_work import UnitOfWork
from domain.errors import MarketplaceNotSelectable, NotFound, ValidationFailed
from domain.listing import ListingSettings, Money, ProductSnapshot
from domain.listing_batch import MARKETPLACE_CURRENCIES, SkuListing
from domain.marketplace import MarketplaceState
from domain.team import Permission

# One request carries at most this many rows; a whole catalogue goes in several requests.
MAX_ROWS_PER_SUBMISSION = 50_000


@frozen
class ListingRow:
    """One row as the product sent it, before any check (JSON values or CSV text)."""

    sku: object
    quantity: object
    price: object
    currency: object


@frozen
class RowError:
    row: int  # position in the submission, from 1 (a CSV's header is row 0)
    sku: str
    field: str
    message: str


# Rows in hand (a JSON body), or a way to read them (an upload) that is called only once the
# caller is known to be allowed to submit: a refused caller learns nothing from the file.
Rows = Sequence[ListingRow] | Callable[[], Sequence[ListingRow]]


@frozen
class SubmitListingsCommand:
    actor: Actor
    connection_id: str
    marketplace_id: str
    rows: Rows


@frozen
class SubmitListingsResult:
    connection_id: str
    marketplace_id: str
    accepted: int  # good rows kept
    waiting: int  # SKUs with a change waiting for the next batch
    errors: tuple[RowError, ...]
    next_batch_at: datetime | None


def parse_row(number: int, row: ListingRow, currency: str | None) -> ProductSnapshot | RowError:
    """Check one row strictly: a SKU Amazon accepts, a whole non-negative quantity, a
    non-negative price in the marketplace's currency."""
    sku = row.sku if isinstance(row.sku, str) else ""
    if not isinstance(row.sku, str):
        return RowError(number, "", "sku", "A SKU is text of 1 to 40 printable characters.")
    quantity = _whole_number(row.quantity)
    if quantity is None:
        return RowError(number, sku, "quantity", "The quantity must be a whole number.")
    if quantity < 0:
        return RowError(number, sku, "quantity", "The quantity cannot be negative.")
    amount = _decimal(row.price)
    if amount is None:
        return RowError(number, sku, "price", "The price must be a number such as 19.99.")
    if not isinstance(row.currency, str):
        return RowError(number, sku, "currency", "The currency is a code such as USD.")
    if currency is not None and row.currency != currency:
        return RowError(
            number,
            sku,
            "currency",
            f"The price is in {row.currency or 'no currency'}, but this marketplace prices "
            f"in {currency}.",
        )
    try:
        return ProductSnapshot(sku, quantity, Money(amount, row.currency))
    except ValidationFailed as refused:
        return RowError(number, sku, str(refused.context.get("field", "row")), refused.detail)


def _whole_number(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _decimal(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


@define
class SubmitListings:
    """The product hands sellerlink its catalogue's quantities and prices for one
    marketplace. The latest snapshot per SKU wins; nothing is sent before the batch window."""

    ports: Ports

    def __call__(self, cmd: SubmitListingsCommand) -> SubmitListingsResult:
        rows = cmd.rows
        if callable(rows):
            with self.ports.uow() as uow:
                team_connection(uow, cmd.actor, cmd.connection_id, Permission.MANAGE_CONNECTIONS)
            rows = rows()
        if len(rows) > MAX_ROWS_PER_SUBMISSION:
            raise ValidationFailed(
                f"Send at most {MAX_ROWS_PER_SUBMISSION} rows at a time.",
                context={"field": "items"},
            )
        now = self.ports.clock.now()
        with self.ports.uow() as uow:
            # The row lock orders this submission with the short transactions in which a
            # batch being sent stores Amazon's answers (FlushDueListings); it is never held
            # across an Amazon call.
            connection = team_connection(
                uow, cmd.actor, cmd.connection_id, Permission.MANAGE_CONNECTIONS, for_update=True
            )
            # Read only (its state and country), so without its history.
            marketplace = next(
                (
                    m
                    for m in uow.reads.marketplaces(connection.id)
                    if m.marketplace_id == cmd.marketplace_id
                ),
                None,
            )
            if marketplace is None:
                raise NotFound(
                    f"Marketplace {cmd.marketplace_id} is not part of this connection.",
                    context={"marketplace_id": cmd.marketplace_id},
                )
            if marketplace.state in (
                MarketplaceState.COMING_SOON,
                MarketplaceState.NOT_PARTICIPATING,
            ):
                raise MarketplaceNotSelectable(
                    f"Listings cannot be sent to {marketplace.name}: it is "
                    f"{marketplace.state.value.replace('_', ' ')}.",
                    context={"marketplace_id": cmd.marketplace_id},
                )
            currency = MARKETPLACE_CURRENCIES.get(marketplace.country_code)
            errors: list[RowError] = []
            products: dict[str, ProductSnapshot] = {}
            for number, row in enumerate(rows, start=1):
                parsed = parse_row(number, row, currency)
                if isinstance(parsed, RowError):
                    errors.append(parsed)
                else:
                    products[parsed.sku] = parsed  # a later row for the same SKU wins
            settings = settings_of(uow, connection.id)
            known = uow.listings.get_many(connection.id, marketplace.marketplace_id, products)
            listings = []
            for sku, product in products.items():
                listing = known.get(sku)
                if listing is None:
                    listing = SkuListing.receive_first(
                        connection.id, marketplace.marketplace_id, product, settings, now
                    )
                else:
                    listing.receive(product, settings, now)
                listings.append(listing)
            uow.listings.put_many(listings)
            # Only the oldest waiting change is read: the cost is the rows submitted, not
            # the SKUs already waiting.
            oldest = uow.listings.oldest_waiting(connection.id)
            uow.commit()
        return SubmitListingsResult(
            connection_id=connection.id,
            marketplace_id=marketplace.marketplace_id,
            accepted=len(products),
            waiting=sum(1 for lst in listings if lst.waiting),
            errors=tuple(errors),
            next_batch_at=None if oldest is None else oldest + settings.batch_window,
        )


def settings_of(uow: UnitOfWork, connection_id: str) -> ListingSettings:
    return uow.listing_settings.get(connection_id) or ListingSettings(connection_id)


def reevaluate_listings(
    uow: UnitOfWork, connection_id: str, settings: ListingSettings, at: datetime
) -> int:
    """A settings change re-decides every SKU of the connection (seed 003's FAQ: raising the
    buffer can take listings out of stock). Returns how many SKUs now wait to be sent."""
    listings = uow.listings.list_for_connection(connection_id)
    for listing in listings:
        listing.reevaluate(settings, at)
    uow.listings.put_many(listings)
    return sum(1 for lst in listings if lst.waiting)
