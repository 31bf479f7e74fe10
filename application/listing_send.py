"""Sending one connection's due listing changes to Amazon (seed 003), apart from the flush
loop that decides when (listing_flush.py): Listings Items PATCH for a few, `JSON_LISTINGS_FEED`
for many, and feeds' processing reports read back. Amazon is called with no transaction open
(DESIGN §15); each answer is stored in its own short one, onto the SKUs as they are then.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from functools import partial

from attrs import define, field

from application.context import Ports
from application.ports import (
    AmazonGateway,
    FeedReport,
    FeedStatus,
    ListingResult,
    ListingsBatch,
    ListingUpdate,
)
from domain.connection import Connection
from domain.errors import DomainError, RateLimited
from domain.events import EventKind
from domain.listing_batch import (
    ListingChange,
    SendMethod,
    SkuListing,
    announce_listing_work,
    listings_rejected,
    plan_batch,
)
from domain.secret import Secret


@define
class Tally:
    """What one flush sent and what Amazon answered, for its outcome."""

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


def in_feed(listing: SkuListing, feed_id: str) -> bool:
    return listing.in_flight is not None and listing.in_flight.reference == feed_id


@define
class SendRun:
    """One flush of one connection, under its listings lease. Amazon's answers are stored
    a request (or a feed) at a time, each in its own short transaction, onto the SKUs as
    they are then: a value the product sent meanwhile is kept and waits for the next batch."""

    ports: Ports
    connection: Connection
    token: Secret
    now: datetime
    patch_limit: int
    feed_limit: int
    tally: Tally = field(factory=Tally)

    @property
    def amazon(self) -> AmazonGateway:
        return self.ports.amazon

    def _store(
        self,
        marketplace_id: str,
        skus: Iterable[str],
        apply: Callable[[Connection, dict[str, SkuListing]], Iterable[SkuListing]],
    ) -> None:
        """One short transaction: the SKUs read as they are now, `apply` records Amazon's
        answer on them (and announces it on the connection), and they are written back.
        The connection's row lock orders it with a submission for the same SKUs."""
        with self.ports.uow() as uow:
            connection = uow.connections.get(self.connection.id, for_update=True)
            if connection is None:
                return
            fresh = uow.listings.get_many(connection.id, marketplace_id, skus)
            uow.listings.put_many(list(apply(connection, fresh)))
            uow.commit()

    def send(self, waiting: Iterable[SkuListing]) -> None:
        by_marketplace: dict[str, list[SkuListing]] = defaultdict(list)
        for listing in waiting:
            by_marketplace[listing.marketplace_id].append(listing)
        for marketplace_id, listings in sorted(by_marketplace.items()):
            changes = [c for c in (lst.change() for lst in listings) if c is not None]
            plan = plan_batch(changes, patch_limit=self.patch_limit, feed_limit=self.feed_limit)
            if plan.method is SendMethod.PATCH:
                self._patch(marketplace_id, plan.requests)
            else:
                self._feeds(marketplace_id, plan.requests)

    def _patch(self, marketplace_id: str, requests: Sequence[tuple[ListingChange, ...]]) -> None:
        done: list[tuple[ListingChange, ListingResult]] = []
        accepted_before = self.tally.accepted
        try:
            for request in requests:
                batch = self._batch(to_update(c) for c in request)
                results = self.amazon.send_listing_updates(batch)
                self.tally.patch_requests += len(batch.updates)
                answers = {r.sku: r for r in results}
                for change in request:
                    answer = answers.get(change.sku, ListingResult(change.sku, False, "no answer"))
                    self.tally.sent += 1
                    self.tally.count(answer.accepted)
                    done.append((change, answer))
        finally:
            if done:
                self._store(
                    marketplace_id,
                    [c.sku for c, _ in done],
                    lambda connection, fresh: self._answered(
                        connection, marketplace_id, fresh, done, accepted_before
                    ),
                )

    def _answered(
        self,
        connection: Connection,
        marketplace_id: str,
        fresh: dict[str, SkuListing],
        done: Sequence[tuple[ListingChange, ListingResult]],
        accepted_before: int,
    ) -> list[SkuListing]:
        stored: list[SkuListing] = []
        for change, answer in done:
            listing = fresh.get(change.sku)
            if listing is None or not listing.sent(change, SendMethod.PATCH, "patch", self.now):
                continue
            listing.record_answer(accepted=answer.accepted, message=answer.message, at=self.now)
            stored.append(listing)
        listings_rejected(
            connection,
            marketplace_id,
            [(c.sku, a.message) for c, a in done if not a.accepted],
            at=self.now,
        )
        announce_listing_work(
            connection,
            EventKind.LISTING_BATCH_SENT,
            f"Sent {len(done)} listing updates for {marketplace_id} by Listings Items "
            f"PATCH: {self.tally.accepted - accepted_before} accepted",
            at=self.now,
            data={"marketplace_id": marketplace_id, "count": len(done)},
        )
        return stored

    def _feeds(self, marketplace_id: str, documents: Sequence[tuple[ListingChange, ...]]) -> None:
        submitted: list[tuple[str, list[str]]] = []
        quota_used: DomainError | None = None
        for document in documents:
            try:
                feed_id = self.amazon.submit_listings_feed(
                    self._batch(to_update(c) for c in document), marketplace_id
                )
            except RateLimited as throttled:
                # AMAZON.md: 5 feed submissions per 5 minutes per region. The rest waits,
                # already due, for a later run.
                quota_used = throttled
                break
            self._store(
                marketplace_id,
                [c.sku for c in document],
                partial(
                    self._in_feed, marketplace_id=marketplace_id, feed_id=feed_id, document=document
                ),
            )
            self.tally.sent += len(document)
            self.tally.feeds.append(feed_id)
            submitted.append((feed_id, [c.sku for c in document]))
        # A feed that is processed at once (a fast Amazon) is answered in this run.
        for feed_id, skus in submitted:
            self._collect(feed_id, marketplace_id, skus)
        if quota_used is not None:
            raise quota_used

    def _in_feed(
        self,
        connection: Connection,
        fresh: dict[str, SkuListing],
        *,
        marketplace_id: str,
        feed_id: str,
        document: Sequence[ListingChange],
    ) -> list[SkuListing]:
        listings = [
            fresh[c.sku]
            for c in document
            if c.sku in fresh and fresh[c.sku].sent(c, SendMethod.FEED, feed_id, self.now)
        ]
        announce_listing_work(
            connection,
            EventKind.LISTING_BATCH_SENT,
            f"Sent {len(document)} listing updates for {marketplace_id} as "
            f"JSON_LISTINGS_FEED {feed_id}",
            at=self.now,
            data={"marketplace_id": marketplace_id, "count": len(document), "feed_id": feed_id},
        )
        return listings

    def collect(self, feed_id: str, listings: Sequence[SkuListing]) -> None:
        """Read a feed's processing report back; each SKU gets Amazon's answer."""
        if listings:  # one feed, one marketplace
            self._collect(feed_id, listings[0].marketplace_id, [lst.sku for lst in listings])

    def _collect(self, feed_id: str, marketplace_id: str, skus: Sequence[str]) -> None:
        report: FeedReport = self.amazon.listings_feed_report(
            self.connection.region, self.token, feed_id
        )
        if not report.finished:
            return
        self._store(
            marketplace_id,
            skus,
            lambda connection, fresh: self._processed(connection, marketplace_id, fresh, report),
        )

    def _processed(
        self,
        connection: Connection,
        marketplace_id: str,
        fresh: dict[str, SkuListing],
        report: FeedReport,
    ) -> list[SkuListing]:
        feed_id = report.feed_id
        results = {r.sku: r for r in report.results}
        listings = [lst for lst in fresh.values() if in_feed(lst, feed_id)]
        # A feed refused as a whole (FATAL) that names the messages to blame: those SKUs are
        # refused and the valid rest, never judged, is sent again (one absurd row once
        # marked 7,484 good SKUs rejected). Naming none, the document itself was refused:
        # sending the same messages again would fail the same way.
        resend = report.status is FeedStatus.FATAL and any(not r.accepted for r in results.values())
        for listing in listings:
            if report.status is FeedStatus.CANCELLED or (resend and listing.sku not in results):
                listing.record_not_delivered(self.now)
                continue
            if report.status is FeedStatus.FATAL and listing.sku not in results:
                answer = ListingResult(listing.sku, False, f"the feed failed: {report.message}")
            else:
                answer = results.get(listing.sku, ListingResult(listing.sku, True))
            listing.record_answer(accepted=answer.accepted, message=answer.message, at=self.now)
            self.tally.count(answer.accepted)
        accepted = sum(1 for lst in listings if lst.answer and lst.answer.accepted)
        refused = [
            (lst.sku, lst.answer.message)
            for lst in listings
            if lst.answer is not None and not lst.answer.accepted
        ]
        listings_rejected(connection, marketplace_id, refused, at=self.now)
        announce_listing_work(
            connection,
            EventKind.LISTING_FEED_PROCESSED,
            f"Amazon processed JSON_LISTINGS_FEED {feed_id} ({report.status}): "
            f"{accepted} accepted, {len(listings) - accepted} refused",
            at=self.now,
            data={"feed_id": feed_id, "count": len(listings)},
        )
        return listings

    @property
    def _seller(self) -> str:
        return self.connection.selling_partner_id or ""

    def _batch(self, updates: Iterable[ListingUpdate]) -> ListingsBatch:
        return ListingsBatch(self.connection.region, self.token, self._seller, updates)
