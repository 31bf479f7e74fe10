"""Listing updates (seed 003; issue 9): the product's quantities and prices, sent to Amazon in
batches under the seller's settings.

- `SubmitListings`: the product hands in snapshots for one marketplace. Each row is checked on
  its own; a bad row is reported and the good rows are kept.
- `FlushDueListings`: the worker's job. Per connection, once the batch window has passed
  since the oldest waiting change, every waiting change goes to Amazon (Listings Items PATCH
  for a few, `JSON_LISTINGS_FEED` for many) and feeds' processing reports are read back.
  While the Selling Partner API grant is not usable nothing is sent and nothing is lost: the
  latest values wait (seed 003: "Ecommerce will stop sending updates ... Your inventory and
  pricing settings will be preserved").
- `ExplainSku`: the input, the settings, the decision, when it was sent and Amazon's answer.
- `reevaluate_listings`: a settings change re-decides every SKU of the connection.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from attrs import define, field, frozen

from application.context import SYSTEM_ACTOR, Actor, Ports, record, team_connection
from application.ports import (
    AmazonGateway,
    FeedReport,
    ListingResult,
    ListingUpdate,
    UnitOfWork,
)
from application.tokens import GetAccessToken
from domain.connection import Connection
from domain.errors import (
    AmazonUnavailable,
    DomainError,
    MarketplaceNotSelectable,
    NotFound,
    RateLimited,
    TokenExpired,
    TokenRevoked,
    ValidationFailed,
)
from domain.events import EventKind
from domain.grant import Channel, TokenStatus
from domain.listing import ListingSettings, Money, ProductSnapshot
from domain.listing_batch import (
    DEFAULT_PATCH_LIMIT,
    MARKETPLACE_CURRENCIES,
    MAX_FEED_MESSAGES,
    Listing,
    ListingChange,
    ListingStatus,
    SendMethod,
    batch_due,
    plan_batch,
)
from domain.marketplace import MarketplaceState
from domain.secret import Secret
from domain.team import Permission

# One request carries at most this many rows; a whole catalogue goes in several requests.
MAX_ROWS_PER_SUBMISSION = 50_000
CSV_COLUMNS = ("sku", "quantity", "price", "currency")

# --------------------------------------------------------------------------- submitting


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


@frozen
class SubmitListingsCommand:
    actor: Actor
    connection_id: str
    marketplace_id: str
    rows: Sequence[ListingRow]


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


def parse_listing_csv(text: str) -> list[ListingRow]:
    """A support upload: a header row naming sku, quantity, price and currency (any order,
    other columns ignored), then one row per SKU. A short row is kept so that its error is
    reported against its row number."""
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise ValidationFailed(
            f"The CSV header must name the columns {', '.join(CSV_COLUMNS)}; "
            f"missing: {', '.join(missing)}.",
            context={"field": "header"},
        )
    at = {c: header.index(c) for c in CSV_COLUMNS}
    rows = []
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        values = [cells[at[c]].strip() if at[c] < len(cells) else "" for c in CSV_COLUMNS]
        rows.append(ListingRow(*values))
    return rows


@define
class SubmitListings:
    """The product hands sellerlink its catalogue's quantities and prices for one
    marketplace. The latest snapshot per SKU wins; nothing is sent before the batch window."""

    ports: Ports

    def __call__(self, cmd: SubmitListingsCommand) -> SubmitListingsResult:
        if len(cmd.rows) > MAX_ROWS_PER_SUBMISSION:
            raise ValidationFailed(
                f"Send at most {MAX_ROWS_PER_SUBMISSION} rows at a time.",
                context={"field": "items"},
            )
        now = self.ports.clock.now()
        with self.ports.uow() as uow:
            # The row lock orders this submission with a batch being sent (FlushDueListings).
            connection = team_connection(
                uow, cmd.actor, cmd.connection_id, Permission.MANAGE_CONNECTIONS, for_update=True
            )
            marketplace = uow.marketplaces.get(connection.id, cmd.marketplace_id)
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
            for number, row in enumerate(cmd.rows, start=1):
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
                    listing = Listing.receive_first(
                        connection.id, marketplace.marketplace_id, product, settings, now
                    )
                else:
                    listing.receive(product, settings, now)
                listings.append(listing)
            uow.listings.put_many(listings)
            pending = uow.listings.list_pending(connection.id)
            uow.commit()
        return SubmitListingsResult(
            connection_id=connection.id,
            marketplace_id=marketplace.marketplace_id,
            accepted=len(products),
            waiting=sum(1 for lst in listings if lst.waiting),
            errors=tuple(errors),
            next_batch_at=batch_due(pending, settings.batch_window, now),
        )

    def csv(
        self, actor: Actor, connection_id: str, marketplace_id: str, text: str
    ) -> SubmitListingsResult:
        """A support upload (`parse_listing_csv`). Who may submit is checked before the file
        is read, so a refused caller learns nothing from parsing errors. An empty file
        submits nothing."""
        with self.ports.uow() as uow:
            team_connection(uow, actor, connection_id, Permission.MANAGE_CONNECTIONS)
        rows = parse_listing_csv(text) if text.strip() else []
        return self(SubmitListingsCommand(actor, connection_id, marketplace_id, rows))


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


# --------------------------------------------------------------------------- sending


class FlushState(StrEnum):
    IDLE = "idle"  # nothing waits
    WAITING = "waiting"  # changes wait for the batch window
    PAUSED = "paused"  # the SP-API grant is not usable: nothing sent, nothing lost
    SENT = "sent"  # the batch went (and/or feed reports were read)
    RETRY = "retry"  # Amazon was unavailable or throttled; the rest goes next run


@frozen
class FlushOutcome:
    connection_id: str
    state: FlushState
    sent: int = 0  # SKUs handed to Amazon in this run
    patch_requests: int = 0
    feeds: tuple[str, ...] = ()
    accepted: int = 0
    rejected: int = 0
    next_batch_at: datetime | None = None
    detail: str = ""


@define
class _Tally:
    sent: int = 0
    patch_requests: int = 0
    feeds: list[str] = field(factory=list)
    accepted: int = 0
    rejected: int = 0

    def count(self, accepted: bool) -> None:
        if accepted:
            self.accepted += 1
        else:
            self.rejected += 1


def to_update(change: ListingChange) -> ListingUpdate:
    price = change.price
    return ListingUpdate(
        sku=change.sku,
        marketplace_id=change.marketplace_id,
        quantity=change.quantity,
        price_amount=None if price is None else str(price.amount),
        price_currency=None if price is None else price.currency,
    )


@define
class FlushDueListings:
    """The worker's job: run it every minute or so; it does nothing until a batch is due.
    `force` sends waiting changes without waiting for the window (support's "send now")."""

    ports: Ports
    get_token: GetAccessToken
    patch_limit: int = DEFAULT_PATCH_LIMIT
    feed_limit: int = MAX_FEED_MESSAGES

    def __call__(self) -> list[FlushOutcome]:
        with self.ports.uow() as uow:
            connection_ids = uow.listings.connections_with_pending()
        return [self.connection(cid) for cid in connection_ids]

    def connection(self, connection_id: str, *, force: bool = False) -> FlushOutcome:
        now = self.ports.clock.now()
        with self.ports.uow() as uow:
            connection = uow.connections.get(connection_id, for_update=True)
            if connection is None:
                return FlushOutcome(connection_id, FlushState.IDLE)
            pending = uow.listings.list_pending(connection.id)
            settings = settings_of(uow, connection.id)
            due_at = batch_due(pending, settings.batch_window, now)
            feeds = sorted(
                {
                    lst.in_flight.reference
                    for lst in pending
                    if lst.in_flight is not None and lst.in_flight.method is SendMethod.FEED
                }
            )
            send_now = due_at is not None and (force or due_at <= now)
            if not feeds and not send_now:
                state = FlushState.IDLE if due_at is None else FlushState.WAITING
                return FlushOutcome(connection.id, state, next_batch_at=due_at)
            paused = _pause_reason(connection, now)
            if paused:
                return FlushOutcome(
                    connection.id, FlushState.PAUSED, next_batch_at=due_at, detail=paused
                )
            try:
                token = self.get_token.within(uow, connection, Channel.SP_API).token
            except (TokenRevoked, TokenExpired) as lapsed:
                uow.commit()
                return FlushOutcome(
                    connection.id, FlushState.PAUSED, next_batch_at=due_at, detail=lapsed.detail
                )
            except (AmazonUnavailable, RateLimited) as busy:
                return FlushOutcome(
                    connection.id, FlushState.RETRY, next_batch_at=due_at, detail=busy.detail
                )
            # One transaction to the end, the connection's row lock held throughout: a
            # submission or a settings change for this connection waits for the batch instead
            # of being overwritten by it (the listings in hand would otherwise be stale).
            run = _Run(self, uow, connection, token, now)
            try:
                for feed_id in feeds:
                    run.collect(feed_id, [lst for lst in pending if _in_feed(lst, feed_id)])
                if send_now:
                    run.send([lst for lst in pending if lst.waiting])
            except TokenRevoked as refused:
                # The access token was refused: drop it so the next run refreshes and finds
                # out whether the grant itself is gone. What was not sent keeps waiting.
                connection.grants[Channel.SP_API].forget_access_token()
                uow.connections.update(connection)
                uow.commit()
                return run.outcome(FlushState.PAUSED, refused.detail)
            except (AmazonUnavailable, RateLimited) as busy:
                uow.commit()
                return run.outcome(FlushState.RETRY, busy.detail)
            except DomainError as failed:
                # Amazon answered something unexpected: keep what was sent (feeds in flight
                # stay known, so nothing is sent twice) and try again on the next pass.
                uow.commit()
                return run.outcome(FlushState.RETRY, failed.detail)
            uow.commit()
            return run.outcome(FlushState.SENT, "")


def listing_work_due(uow: UnitOfWork, connection_id: str, now: datetime) -> bool:
    """For the reconciler (reads only): the connection's batch window has passed, or one of
    its feeds awaits Amazon's processing report. A paused connection is no work for a worker:
    it resumes after the reconnect."""
    connection = uow.connections.get(connection_id)
    if connection is None or _pause_reason(connection, now):
        return False
    pending = uow.listings.list_pending(connection_id)
    if any(
        lst.in_flight is not None and lst.in_flight.method is SendMethod.FEED for lst in pending
    ):
        return True
    due = batch_due(pending, settings_of(uow, connection_id).batch_window, now)
    return due is not None and due <= now


def _in_feed(listing: Listing, feed_id: str) -> bool:
    return listing.in_flight is not None and listing.in_flight.reference == feed_id


def _pause_reason(connection: Connection, now: datetime) -> str:
    if connection.disconnected_at is not None:
        return "The connection was disconnected; the latest values wait for a reconnect."
    if not connection.selling_partner_id:
        return "The Selling Partner API is not authorized yet; the latest values wait."
    report = connection.grants[Channel.SP_API].status_at(now)
    if not report.usable:
        what = _LAPSED.get(report.status, "is not usable")
        return (
            f"The Selling Partner API authorization {what}: reconnect to resume; the latest "
            f"values wait."
        )
    return ""


_LAPSED = {
    TokenStatus.EXPIRED: "expired",
    TokenStatus.REVOKED: "was revoked",
    TokenStatus.MISSING: "is missing",
}


@define
class _Run:
    """One flush of one connection, inside its unit of work (the connection's lock held)."""

    job: FlushDueListings
    uow: UnitOfWork
    connection: Connection
    token: Secret
    now: datetime
    tally: _Tally = field(factory=_Tally)
    next_batch_at: datetime | None = None

    @property
    def amazon(self) -> AmazonGateway:
        return self.job.ports.amazon

    def outcome(self, state: FlushState, detail: str) -> FlushOutcome:
        pending = self.uow.listings.list_pending(self.connection.id)
        window = settings_of(self.uow, self.connection.id).batch_window
        return FlushOutcome(
            self.connection.id,
            state,
            sent=self.tally.sent,
            patch_requests=self.tally.patch_requests,
            feeds=tuple(self.tally.feeds),
            accepted=self.tally.accepted,
            rejected=self.tally.rejected,
            next_batch_at=batch_due(pending, window, self.now),
            detail=detail,
        )

    def send(self, waiting: Iterable[Listing]) -> None:
        by_marketplace: dict[str, list[Listing]] = defaultdict(list)
        for listing in waiting:
            by_marketplace[listing.marketplace_id].append(listing)
        for marketplace_id, listings in sorted(by_marketplace.items()):
            changes = [c for c in (lst.change() for lst in listings) if c is not None]
            plan = plan_batch(
                changes, patch_limit=self.job.patch_limit, feed_limit=self.job.feed_limit
            )
            by_sku = {lst.sku: lst for lst in listings}
            if plan.method is SendMethod.PATCH:
                self._patch(marketplace_id, plan.requests, by_sku)
            else:
                self._feeds(marketplace_id, plan.requests, by_sku)

    def _patch(
        self,
        marketplace_id: str,
        requests: Sequence[tuple[ListingChange, ...]],
        by_sku: dict[str, Listing],
    ) -> None:
        done: list[Listing] = []
        accepted_before = self.tally.accepted
        try:
            for request in requests:
                updates = [to_update(c) for c in request]
                results = self.amazon.send_listing_updates(
                    self.connection.region, self.token, self._seller, updates
                )
                self.tally.patch_requests += len(updates)
                answers = {r.sku: r for r in results}
                for change in request:
                    listing = by_sku[change.sku]
                    listing.submit(SendMethod.PATCH, "patch", self.now)
                    answer = answers.get(change.sku, ListingResult(change.sku, False, "no answer"))
                    listing.record_answer(
                        accepted=answer.accepted, message=answer.message, at=self.now
                    )
                    self.tally.sent += 1
                    self.tally.count(answer.accepted)
                    done.append(listing)
        finally:
            if done:
                self.uow.listings.put_many(done)
                self._event(
                    EventKind.LISTING_BATCH_SENT,
                    f"Sent {len(done)} listing updates for {marketplace_id} by Listings Items "
                    f"PATCH: {self.tally.accepted - accepted_before} accepted",
                    marketplace_id=marketplace_id,
                    count=len(done),
                )

    def _feeds(
        self,
        marketplace_id: str,
        documents: Sequence[tuple[ListingChange, ...]],
        by_sku: dict[str, Listing],
    ) -> None:
        submitted: list[tuple[str, list[Listing]]] = []
        quota_used: DomainError | None = None
        for document in documents:
            try:
                feed_id = self.amazon.submit_listings_feed(
                    self.connection.region,
                    self.token,
                    self._seller,
                    marketplace_id,
                    [to_update(c) for c in document],
                )
            except RateLimited as throttled:
                # AMAZON.md: 5 feed submissions per 5 minutes per region. The rest waits,
                # already due, for a later run.
                quota_used = throttled
                break
            listings = [by_sku[c.sku] for c in document]
            for listing in listings:
                listing.submit(SendMethod.FEED, feed_id, self.now)
            self.uow.listings.put_many(listings)
            self.tally.sent += len(listings)
            self.tally.feeds.append(feed_id)
            self._event(
                EventKind.LISTING_BATCH_SENT,
                f"Sent {len(listings)} listing updates for {marketplace_id} as "
                f"JSON_LISTINGS_FEED {feed_id}",
                marketplace_id=marketplace_id,
                count=len(listings),
                feed_id=feed_id,
            )
            submitted.append((feed_id, listings))
        # A feed that is processed at once (the fake, a fast Amazon) is answered in this run.
        for feed_id, listings in submitted:
            self.collect(feed_id, listings)
        if quota_used is not None:
            raise quota_used

    def collect(self, feed_id: str, listings: Sequence[Listing]) -> None:
        """Read a feed's processing report back; each SKU gets Amazon's answer."""
        report: FeedReport = self.amazon.listings_feed_report(
            self.connection.region, self.token, feed_id
        )
        if not report.finished:
            return
        results = {r.sku: r for r in report.results}
        for listing in listings:
            if report.status == "CANCELLED":
                listing.record_not_delivered(self.now)
                continue
            if report.status == "FATAL":
                answer = ListingResult(listing.sku, False, f"the feed failed: {report.message}")
            else:
                answer = results.get(listing.sku, ListingResult(listing.sku, True))
            listing.record_answer(accepted=answer.accepted, message=answer.message, at=self.now)
            self.tally.count(answer.accepted)
        self.uow.listings.put_many(listings)
        accepted = sum(1 for lst in listings if lst.answer and lst.answer.accepted)
        self._event(
            EventKind.LISTING_FEED_PROCESSED,
            f"Amazon processed JSON_LISTINGS_FEED {feed_id} ({report.status}): "
            f"{accepted} accepted, {len(listings) - accepted} refused",
            feed_id=feed_id,
            count=len(listings),
        )

    @property
    def _seller(self) -> str:
        return self.connection.selling_partner_id or ""

    def _event(self, kind: EventKind, summary: str, **data: object) -> None:
        record(
            self.uow,
            self.job.ports,
            team_id=self.connection.team_id,
            kind=kind,
            actor=SYSTEM_ACTOR,
            summary=summary,
            connection_id=self.connection.id,
            at=self.now,
            data=data,
        )


# --------------------------------------------------------------------------- explaining


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
    listing: Listing,
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
    listing: Listing, connection: Connection, next_batch_at: datetime | None, now: datetime
) -> str:
    status = listing.status()
    if status is ListingStatus.IN_FLIGHT and listing.in_flight is not None:
        flight = listing.in_flight
        via = "Listings Items PATCH" if flight.method is SendMethod.PATCH else flight.reference
        return f"sent at {_at(flight.at)} ({via}); waiting for Amazon's processing report"
    if status is ListingStatus.WAITING:
        paused = _pause_reason(connection, now)
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
