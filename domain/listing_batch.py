"""What waits to be sent to Amazon for one SKU, and how a batch of it is sent (seed 003).

Seed 003: "Ecommerce sends inventory and pricing updates to Amazon in batches. Most changes
appear within 15 to 30 minutes." So a change is not sent when it arrives: it waits in the
SKU's `SkuListing` until the connection's batch window has passed since the oldest unsent
change, and whatever the SKU's latest value is then is what goes (latest value wins; a
value Amazon already holds is not sent again).

The rules themselves stay in `ListingSettings.decide` (domain/listing.py); this module only
remembers their outcome per SKU, tells it what Amazon may show (`SkuListing.on_amazon`, so a SKU
under the minimum price that Amazon shows in stock is withdrawn), compares it with what
Amazon was last told, and plans how to send the difference: one Listings Items PATCH per SKU
for a handful of changes, or `JSON_LISTINGS_FEED` documents of at most 25,000 messages for
many (AMAZON.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING

from attrs import define, frozen

from domain.errors import ValidationFailed
from domain.events import SYSTEM_ACTOR, EventKind
from domain.listing import ListingDecision, ListingSettings, Money, ProductSnapshot

if TYPE_CHECKING:
    from domain.connection import Connection

# AMAZON.md: "up to 25,000 messages a feed".
MAX_FEED_MESSAGES = 25_000
# AMAZON.md: JSON_LISTINGS_FEED, "5 submissions per 5 minutes per region".
FEED_SUBMISSIONS_PER_WINDOW = 5
FEED_SUBMISSION_WINDOW = timedelta(minutes=5)
# Listings Items PATCH runs at 5 requests a second (burst 5): 50 SKUs take ten seconds,
# while a feed costs one of only five submissions per five minutes and minutes of
# processing. Above this many changes a batch goes as a feed.
DEFAULT_PATCH_LIMIT = 50

# The currency each Amazon marketplace prices in, by the marketplace's country code (ISO
# 4217). A price in another currency is refused per row when it is submitted.
MARKETPLACE_CURRENCIES: Mapping[str, str] = MappingProxyType(
    {
        "US": "USD",
        "CA": "CAD",
        "MX": "MXN",
        "BR": "BRL",
        "UK": "GBP",
        "GB": "GBP",
        "DE": "EUR",
        "FR": "EUR",
        "IT": "EUR",
        "ES": "EUR",
        "NL": "EUR",
        "BE": "EUR",
        "IE": "EUR",
        "SE": "SEK",
        "PL": "PLN",
        "TR": "TRY",
        "AE": "AED",
        "SA": "SAR",
        "EG": "EGP",
        "IN": "INR",
        "ZA": "ZAR",
        "JP": "JPY",
        "AU": "AUD",
        "SG": "SGD",
    }
)


class SendMethod(StrEnum):
    PATCH = "patch"
    FEED = "feed"


class ListingStatus(StrEnum):
    """Where one SKU stands, in the words support uses."""

    NOT_SENT = "not_sent"  # the settings say it is not sent (under the minimum price)
    WAITING = "waiting"  # a change waits for the batch window
    IN_FLIGHT = "in_flight"  # sent; Amazon's answer is not in yet
    UP_TO_DATE = "up_to_date"  # Amazon accepted the latest values
    REJECTED = "rejected"  # Amazon refused the latest values


@frozen
class ListingChange:
    """The part of one SKU's values that Amazon does not hold yet. `None` leaves a field as
    Amazon has it (an unchanged quantity, or a price when pricing is disabled)."""

    marketplace_id: str
    sku: str
    quantity: int | None
    price: Money | None


@frozen
class Submission:
    """A change handed to Amazon whose answer is not in: `reference` is the feed id for a
    feed, or the PATCH request's reference."""

    change: ListingChange
    method: SendMethod
    reference: str
    at: datetime


@frozen
class AmazonAnswer:
    accepted: bool
    message: str
    at: datetime
    method: SendMethod
    reference: str


def decide_for(
    settings: ListingSettings, product: ProductSnapshot, on_amazon: int | None = None
) -> ListingDecision:
    """`ListingSettings.decide`, with its one refusal (a product priced in another currency
    than the minimum price, which it cannot compare) turned into a decision not to send, so
    that a settings change never fails on a SKU submitted earlier."""
    try:
        return settings.decide(product, on_amazon)
    except ValidationFailed as refused:
        return ListingDecision.not_sent(product.sku, refused.detail)


@define
class SkuListing:
    """One SKU in one marketplace of one connection: the product's latest snapshot, what the
    settings decide for it, what Amazon was last told and what still waits to be sent."""

    connection_id: str
    marketplace_id: str
    sku: str
    product: ProductSnapshot
    received_at: datetime
    decision: ListingDecision
    sent_quantity: int | None = None
    sent_price: Money | None = None
    sent_at: datetime | None = None
    in_flight: Submission | None = None
    # When the oldest change not yet handed to Amazon arrived; the batch window runs from it.
    pending_since: datetime | None = None
    # The last change Amazon refused; the same values are not sent again (they would be
    # refused again), a different value is.
    rejected: ListingChange | None = None
    answer: AmazonAnswer | None = None

    @classmethod
    def receive_first(
        cls,
        connection_id: str,
        marketplace_id: str,
        product: ProductSnapshot,
        settings: ListingSettings,
        at: datetime,
    ) -> SkuListing:
        listing = cls(
            connection_id=connection_id,
            marketplace_id=marketplace_id,
            sku=product.sku,
            product=product,
            received_at=at,
            decision=decide_for(settings, product),
        )
        listing._note_change(at)
        return listing

    # -- inputs ------------------------------------------------------------------------

    def receive(self, product: ProductSnapshot, settings: ListingSettings, at: datetime) -> bool:
        """The product sent a new snapshot. Returns whether something now waits to be sent."""
        if product.sku != self.sku:
            raise ValidationFailed("A snapshot belongs to its own SKU.", context={"sku": self.sku})
        self.product = product
        self.received_at = at
        return self.reevaluate(settings, at)

    def reevaluate(self, settings: ListingSettings, at: datetime) -> bool:
        """The settings changed (seed 003's FAQ: raising the buffer can take listings out of
        stock; raising the minimum price withdraws what is now under it). Returns whether
        something now waits to be sent."""
        self.decision = decide_for(settings, self.product, self.on_amazon())
        return self._note_change(at)

    def on_amazon(self) -> int | None:
        """The most Amazon may show for this SKU: the quantity it accepted, or the one in a
        submission still in flight if that is more (it may yet be applied). None when no
        quantity was ever handed to Amazon. `ListingSettings.decide` withdraws a SKU under
        the minimum price when this is above 0."""
        quantities = [self.sent_quantity]
        if self.in_flight is not None:
            quantities.append(self.in_flight.change.quantity)
        known = [q for q in quantities if q is not None]
        return max(known) if known else None

    # -- what to send ------------------------------------------------------------------

    def change(self) -> ListingChange | None:
        """What Amazon does not hold yet, compared with what it was told (including a
        submission still in flight). None when nothing needs sending."""
        difference = self._difference()
        if difference is None:
            return None
        return ListingChange(self.marketplace_id, self.sku, *difference)

    def _difference(self) -> tuple[int | None, Money | None] | None:
        decision = self.decision
        if not decision.send:
            return None
        told_quantity, told_price = self.sent_quantity, self.sent_price
        if self.in_flight is not None:
            if self.in_flight.change.quantity is not None:
                told_quantity = self.in_flight.change.quantity
            if self.in_flight.change.price is not None:
                told_price = self.in_flight.change.price
        quantity = decision.quantity if decision.quantity != told_quantity else None
        price = decision.price if decision.price not in (None, told_price) else None
        if quantity is None and price is None:
            return None
        refused = self.rejected
        if refused is not None and (refused.quantity, refused.price) == (quantity, price):
            return None
        return quantity, price

    @property
    def waiting(self) -> bool:
        """A change waits and may go in the next batch (one submission at a time per SKU, so
        Amazon can never apply two of them out of order)."""
        return self.pending_since is not None and self.in_flight is None

    def status(self) -> ListingStatus:
        if self.in_flight is not None:
            return ListingStatus.IN_FLIGHT
        if self.pending_since is not None:
            return ListingStatus.WAITING
        if not self.decision.send:
            return ListingStatus.NOT_SENT
        if self.answer is not None and not self.answer.accepted:
            return ListingStatus.REJECTED
        return ListingStatus.UP_TO_DATE

    # -- sending -----------------------------------------------------------------------

    def submit(self, method: SendMethod, reference: str, at: datetime) -> ListingChange:
        change = self.change()
        if change is None or self.in_flight is not None:
            raise ValidationFailed(f"{self.sku} has nothing to send.", context={"sku": self.sku})
        self.in_flight = Submission(change, method, reference, at)
        self.pending_since = None
        return change

    def sent(self, change: ListingChange, method: SendMethod, reference: str, at: datetime) -> bool:
        """`change` (decided on an earlier read of this SKU) was handed to Amazon. Newer
        values the product sent meanwhile wait for the next batch. False when another
        submission is already in flight for this SKU: that one stands."""
        if self.in_flight is not None:
            return False
        self.in_flight = Submission(change, method, reference, at)
        self.pending_since = None
        return True

    def record_answer(self, *, accepted: bool, message: str, at: datetime) -> None:
        """Amazon's answer to the submission in flight (a PATCH response, or the feed's
        processing report)."""
        submission = self.in_flight
        if submission is None:
            return
        self.in_flight = None
        if accepted:
            if submission.change.quantity is not None:
                self.sent_quantity = submission.change.quantity
            if submission.change.price is not None:
                self.sent_price = submission.change.price
            self.sent_at = at
            self.rejected = None
        else:
            self.rejected = submission.change
        self.answer = AmazonAnswer(accepted, message, at, submission.method, submission.reference)
        self._note_change(at)

    def record_not_delivered(self, at: datetime) -> None:
        """The submission never reached a verdict (the feed was cancelled): its values wait
        again, already due."""
        submission = self.in_flight
        if submission is None:
            return
        self.in_flight = None
        self._note_change(submission.at)

    def _note_change(self, at: datetime) -> bool:
        if self._difference() is None:
            self.pending_since = None
            return False
        if self.pending_since is None:
            self.pending_since = at
        return True


def batch_due(listings: Iterable[SkuListing], window: timedelta, now: datetime) -> datetime | None:
    """When the connection's next batch goes: the batch window after its oldest waiting
    change. None when nothing waits."""
    waiting = [lst.pending_since for lst in listings if lst.waiting and lst.pending_since]
    return min(waiting) + window if waiting else None


@frozen
class BatchPlan:
    """How one marketplace's changes go to Amazon: each inner tuple is one request (PATCH:
    one SKU) or one feed document (FEED: up to MAX_FEED_MESSAGES SKUs)."""

    method: SendMethod
    requests: tuple[tuple[ListingChange, ...], ...]

    @property
    def size(self) -> int:
        return sum(len(r) for r in self.requests)


def plan_batch(
    changes: Sequence[ListingChange],
    *,
    patch_limit: int = DEFAULT_PATCH_LIMIT,
    feed_limit: int = MAX_FEED_MESSAGES,
) -> BatchPlan:
    """Few changes go by PATCH (seconds at 5/s, no feed quota spent); many go as feeds of at
    most `feed_limit` messages, so 100,000 SKUs need 4 submissions (AMAZON.md)."""
    if not 1 <= feed_limit <= MAX_FEED_MESSAGES:
        raise ValidationFailed(f"A feed holds 1 to {MAX_FEED_MESSAGES} messages.")
    if len(changes) <= patch_limit:
        return BatchPlan(SendMethod.PATCH, tuple((c,) for c in changes))
    return BatchPlan(
        SendMethod.FEED,
        tuple(tuple(changes[i : i + feed_limit]) for i in range(0, len(changes), feed_limit)),
    )


def announce_listing_work(
    connection: Connection,
    kind: EventKind,
    summary: str,
    *,
    at: datetime,
    data: Mapping[str, object],
) -> None:
    """What one run sent to Amazon, or what Amazon made of a feed, announced by the
    connection: one event per request or feed, not per SKU (a SKU's own story is told by
    the SKU explanation)."""
    connection.announce_change(kind, actor=SYSTEM_ACTOR, summary=summary, at=at, data=data)


def listings_rejected(
    connection: Connection,
    marketplace_id: str,
    refusals: Sequence[tuple[str, str]],
    *,
    at: datetime,
) -> None:
    """Amazon refused some SKUs' updates (`listing.rejected`, DESIGN §13): which ones and
    Amazon's words, so the product can show the seller what to fix without calling back."""
    if not refusals:
        return
    shown = refusals[:50]
    connection.announce_change(
        EventKind.LISTING_REJECTED,
        actor="amazon",
        summary=f"Amazon refused {len(refusals)} listing update(s) for {marketplace_id}",
        at=at,
        data={
            "marketplace_id": marketplace_id,
            "rejected": len(refusals),
            "skus": ",".join(sku for sku, _ in shown),
            "messages": " | ".join(f"{sku}: {message}" for sku, message in shown[:10]),
        },
    )
