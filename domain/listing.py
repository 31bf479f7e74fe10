"""Listing settings and what they decide for one product (seed 003).

- Marketplace Inventory Buffer is a gate: at least `buffer` units available, or 0 shown.
- Inventory Ceiling is a cap on the units shown once past the gate.
- Minimum Price Threshold: a product priced under it is not sent at all (neither quantity
  nor price), even with pricing disabled ("the Minimum Price Threshold still controls which
  products Ecommerce sends inventory for"). One exception keeps the threshold's promise
  ("Setting a threshold prevents low-value items from appearing on Amazon at all"): a SKU
  Amazon already shows in stock (its price dropped, or the threshold rose) is withdrawn,
  quantity 0 sent once and no price; after that it is not sent at all again.
- Disable Pricing: quantities are still sent, prices never.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from attrs import define, frozen

from domain.errors import ValidationFailed
from domain.events import EventKind

if TYPE_CHECKING:
    from domain.connection import Connection

# Seed 003: "Most changes appear within 15 to 30 minutes".
DEFAULT_BATCH_WINDOW = timedelta(minutes=15)
MIN_BATCH_WINDOW = timedelta(seconds=1)
MAX_BATCH_WINDOW = timedelta(minutes=30)

# What Amazon takes for one offer (one absurd value once failed a whole feed). A listing
# quantity is a 32-bit count (Amazon documents no larger one; the sandbox refuses above it);
# a price is above zero, in the currency's minor units (ISO 4217), and below a ceiling no
# real offer reaches (Amazon's models give none; UNCONFIRMED, a guard against 1e999999).
MAX_QUANTITY = 2**31 - 1
MAX_PRICE = Decimal("100000000")
# ISO 4217 minor units of the currencies Amazon's marketplaces price in; others use two.
MINOR_UNITS = {"JPY": 0, "CLP": 0, "KRW": 0}


@frozen
class Money:
    amount: Decimal
    currency: str

    def __attrs_post_init__(self) -> None:
        if len(self.currency) != 3 or not self.currency.isalpha() or not self.currency.isupper():
            raise ValidationFailed(
                "A currency is a three-letter ISO 4217 code such as USD.",
                context={"field": "currency"},
            )
        if not self.amount.is_finite() or self.amount < 0:
            raise ValidationFailed("An amount must be zero or more.", context={"field": "amount"})

    def __str__(self) -> str:
        return f"{self.amount:.2f} {self.currency}"


@define
class ListingSettings:
    connection_id: str
    inventory_buffer: int = 0
    inventory_ceiling: int | None = None
    minimum_price: Money | None = None
    pricing_enabled: bool = True
    batch_window: timedelta = DEFAULT_BATCH_WINDOW

    def __attrs_post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        if self.inventory_buffer < 0:
            raise ValidationFailed(
                "The inventory buffer cannot be negative.",
                context={"field": "inventory_buffer"},
            )
        if self.inventory_ceiling is not None and self.inventory_ceiling < 0:
            raise ValidationFailed(
                "The inventory ceiling cannot be negative.",
                context={"field": "inventory_ceiling"},
            )
        if not MIN_BATCH_WINDOW <= self.batch_window <= MAX_BATCH_WINDOW:
            raise ValidationFailed(
                "The batch window must be between 1 second and 30 minutes.",
                context={"field": "batch_window"},
            )

    def decide(self, product: ProductSnapshot, on_amazon: int | None = None) -> ListingDecision:
        """What sellerlink sends to Amazon for `product` under these settings.

        `on_amazon` is the quantity Amazon shows for this SKU, or may show once a submission
        still in flight lands (the larger of the two); None when sellerlink never sent one.
        Only the minimum price looks at it: under the minimum, a SKU Amazon shows in stock is
        withdrawn (quantity 0, no price), any other is not sent at all.

        Why an input here rather than a special case in domain/listing_batch.py, where the
        last-sent values live: every rule and its explanation stay in this one function (and
        the preview, which knows nothing of Amazon, gets the plain "not sent" answer), while
        `SkuListing` only supplies what Amazon holds and re-decides on every snapshot and every
        settings change. What Amazon may show only grows through a submission in flight,
        which `on_amazon` counts, so a decision not to send never leaves stock on Amazon.
        """
        if self.minimum_price is not None:
            if product.price.currency != self.minimum_price.currency:
                raise ValidationFailed(
                    f"{product.sku} is priced in {product.price.currency} but the minimum "
                    f"price is in {self.minimum_price.currency}.",
                    context={"field": "currency", "sku": product.sku},
                )
            if product.price.amount < self.minimum_price.amount:
                under = (
                    f"price {product.price.amount:.2f} is under the minimum "
                    f"{self.minimum_price.amount:.2f}"
                )
                if on_amazon:
                    return ListingDecision(
                        sku=product.sku,
                        send=True,
                        quantity=0,
                        price=None,
                        explanation=(
                            f"withdrawn: {under}; quantity 0 sent so it no longer shows on Amazon"
                        ),
                        withdrawn=True,
                    )
                return ListingDecision.not_sent(product.sku, under)
        reasons: list[str] = []
        quantity = product.available
        if quantity < self.inventory_buffer:
            reasons.append(
                f"{product.available} available is under the buffer of "
                f"{self.inventory_buffer}: shown out of stock"
            )
            quantity = 0
        elif self.inventory_ceiling is not None and quantity > self.inventory_ceiling:
            reasons.append(f"capped at the ceiling of {self.inventory_ceiling}")
            quantity = self.inventory_ceiling
        price: Money | None = product.price
        if not self.pricing_enabled:
            reasons.append("pricing disabled: price not sent")
            price = None
        summary = f"quantity {quantity}" + (f", price {price}" if price is not None else "")
        return ListingDecision(
            sku=product.sku,
            send=True,
            quantity=quantity,
            price=price,
            explanation="; ".join([f"send {summary}", *reasons]),
        )


@frozen
class ProductSnapshot:
    """What the product tells sellerlink about one SKU."""

    sku: str
    available: int
    price: Money

    def __attrs_post_init__(self) -> None:
        if not 1 <= len(self.sku) <= 40 or any(ord(c) < 0x20 for c in self.sku):
            raise ValidationFailed(
                "A SKU has 1 to 40 printable characters.", context={"field": "sku"}
            )
        if self.available < 0:
            raise ValidationFailed(
                f"{self.sku}: available quantity cannot be negative.",
                context={"field": "available", "sku": self.sku},
            )
        if self.available > MAX_QUANTITY:
            raise ValidationFailed(
                f"{self.sku}: a quantity is at most {MAX_QUANTITY:,} (Amazon's limit).",
                context={"field": "quantity", "sku": self.sku},
            )
        check_offer_price(self.sku, self.price)


def check_offer_price(sku: str, price: Money) -> None:
    """A price Amazon takes for an offer: above zero (`-0` and `1e-999999` are not), at most
    MAX_PRICE, and no finer than the currency's minor unit (19.999 USD is refused, not
    rounded: the product meant something else)."""
    places = MINOR_UNITS.get(price.currency, 2)
    if price.amount <= 0 or price.amount.is_signed():
        problem = "a price must be above zero"
    elif price.amount > MAX_PRICE:
        problem = f"a price is at most {MAX_PRICE:,}"
    elif price.amount != price.amount.quantize(Decimal(1).scaleb(-places), rounding="ROUND_DOWN"):
        problem = f"a {price.currency} price has at most {places} decimal places"
    else:
        return
    raise ValidationFailed(f"{sku}: {problem}.", context={"field": "price", "sku": sku})


@frozen
class ListingDecision:
    sku: str
    send: bool
    quantity: int | None
    price: Money | None
    explanation: str
    # Under the minimum price while Amazon shows it in stock: quantity 0 goes, once.
    withdrawn: bool = False

    @classmethod
    def not_sent(cls, sku: str, reason: str) -> ListingDecision:
        """Nothing goes to Amazon for this SKU; `reason` says why in plain words."""
        return cls(
            sku=sku, send=False, quantity=None, price=None, explanation=f"not sent: {reason}"
        )


def settings_changed(
    connection: Connection,
    before: ListingSettings | None,
    after: ListingSettings,
    *,
    at: datetime,
    actor: str,
) -> None:
    """The connection announces its new listing settings, old and new side by side (support
    reads why stock changed on Amazon from this)."""

    def show(s: ListingSettings | None) -> str:
        if s is None:
            return "defaults"
        return (
            f"buffer {s.inventory_buffer}, ceiling {s.inventory_ceiling}, "
            f"minimum {s.minimum_price or 'none'}, pricing "
            f"{'on' if s.pricing_enabled else 'off'}"
        )

    connection.announce_change(
        EventKind.LISTING_SETTINGS_CHANGED,
        actor=actor,
        summary=f"Listing settings: {show(before)} -> {show(after)}",
        at=at,
    )
