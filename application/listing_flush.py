"""Sending listing updates (seed 003): the worker's flush loop.

Per connection, once the batch window has passed since the oldest waiting change, every
waiting change goes to Amazon (Listings Items PATCH for a few, `JSON_LISTINGS_FEED` for many)
and feeds' processing reports are read back. While the Selling Partner API grant is not usable
nothing is sent and nothing is lost: the latest values wait (seed 003: "Ecommerce will stop
sending updates ... Your inventory and pricing settings will be preserved").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from enum import StrEnum
from functools import partial

from attrs import define, field, frozen

from application.context import Ports
from application.leases import Leases, listings_lease
from application.listing_updates import settings_of
from application.ports import AmazonGateway, FeedReport, FeedStatus, ListingResult, ListingUpdate
from application.tokens import GetAccessToken
from application.unit_of_work import UnitOfWork
from domain.connection import Connection
from domain.errors import (
    AmazonUnavailable,
    DomainError,
    RateLimited,
    TokenExpired,
    TokenRevoked,
)
from domain.events import EventKind
from domain.grant import Channel, TokenStatus
from domain.listing_batch import (
    DEFAULT_PATCH_LIMIT,
    MAX_FEED_MESSAGES,
    ListingChange,
    SendMethod,
    SkuListing,
    announce_listing_work,
    batch_due,
    listings_rejected,
    plan_batch,
)
from domain.refusals import DIAGNOSED
from domain.secret import Secret


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
    _leases: Leases | None = field(default=None, alias="leases")

    @property
    def leases(self) -> Leases:
        """The leases around this job's Amazon calls (made on first use)."""
        if self._leases is None:
            self._leases = Leases(self.ports.uow, lease_for=self.ports.lease_for)
        return self._leases

    def __call__(self) -> list[FlushOutcome]:
        with self.ports.uow() as uow:
            connection_ids = uow.listings.connections_with_pending()
        return [self.connection(cid) for cid in connection_ids]

    def connection(self, connection_id: str, *, force: bool = False) -> FlushOutcome:
        """Amazon is called under the connection's listings lease with no transaction open
        (DESIGN §15): submissions and settings changes go on meanwhile; each answer is
        stored in a short transaction onto the SKUs as they are then."""
        first = self._plan(connection_id, force)
        if isinstance(first, FlushOutcome):
            return first
        with self.leases.held(listings_lease(connection_id)) as mine:
            if not mine:
                return FlushOutcome(
                    connection_id,
                    FlushState.WAITING,
                    next_batch_at=first.due_at,
                    detail="Another worker is sending this connection's batch.",
                )
            plan = self._plan(connection_id, force)  # read again, now that it is ours
            if isinstance(plan, FlushOutcome):
                return plan
            return self._send(plan)

    def _plan(self, connection_id: str, force: bool) -> _Plan | FlushOutcome:
        now = self.ports.clock.now()
        with self.ports.uow() as uow:
            connection = uow.connections.get(connection_id)
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
        paused = pause_reason(connection, now)
        if paused:
            return FlushOutcome(
                connection.id, FlushState.PAUSED, next_batch_at=due_at, detail=paused
            )
        return _Plan(connection, pending, feeds, send_now, due_at, now)

    def _send(self, plan: _Plan) -> FlushOutcome:
        connection = plan.connection
        try:
            token = self.get_token(connection.id, Channel.SP_API).token
        except (TokenRevoked, TokenExpired) as lapsed:
            return FlushOutcome(
                connection.id, FlushState.PAUSED, next_batch_at=plan.due_at, detail=lapsed.detail
            )
        except (AmazonUnavailable, RateLimited) as busy:
            return FlushOutcome(
                connection.id, FlushState.RETRY, next_batch_at=plan.due_at, detail=busy.detail
            )
        run = _Run(self, connection, token, plan.now)
        try:
            for feed_id in plan.feeds:
                run.collect(feed_id, [lst for lst in plan.pending if _in_feed(lst, feed_id)])
            if plan.send_now:
                run.send([lst for lst in plan.pending if lst.waiting])
        except TokenRevoked as refused:
            # The access token was refused: drop it so the next run refreshes and finds
            # out whether the grant itself is gone. What was not sent keeps waiting.
            with self.ports.uow() as uow:
                fresh = uow.connections.get(connection.id, for_update=True)
                if fresh is not None:
                    fresh.grants[Channel.SP_API].forget_access_token()
                    uow.connections.update(fresh)
                    uow.commit()
            return run.outcome(FlushState.PAUSED, refused.detail)
        except (AmazonUnavailable, RateLimited) as busy:
            return run.outcome(FlushState.RETRY, busy.detail)
        except DIAGNOSED as refused:
            # A refusal a person must fix (DESIGN §9): paused with the diagnosis, not
            # retried as if Amazon had hiccuped. What was not sent keeps waiting.
            return run.outcome(FlushState.PAUSED, f"{refused.code}: {refused.detail}")
        except DomainError as failed:
            # Amazon answered something unexpected: what was sent is stored (feeds in flight
            # stay known, so nothing is sent twice) and the next pass tries again.
            return run.outcome(FlushState.RETRY, failed.detail)
        return run.outcome(FlushState.SENT, "")


@frozen
class _Plan:
    """What one flush found to do, read under no lock (the listings lease keeps a second
    worker away)."""

    connection: Connection
    pending: list[SkuListing]
    feeds: list[str]
    send_now: bool
    due_at: datetime | None
    now: datetime


def listing_work_due(uow: UnitOfWork, connection_id: str, now: datetime) -> bool:
    """For the reconciler (reads only): the connection's batch window has passed, or one of
    its feeds awaits Amazon's processing report. A paused connection is no work for a worker:
    it resumes after the reconnect."""
    connection = uow.connections.get(connection_id)
    if connection is None or pause_reason(connection, now):
        return False
    pending = uow.listings.list_pending(connection_id)
    if any(
        lst.in_flight is not None and lst.in_flight.method is SendMethod.FEED for lst in pending
    ):
        return True
    due = batch_due(pending, settings_of(uow, connection_id).batch_window, now)
    return due is not None and due <= now


def _in_feed(listing: SkuListing, feed_id: str) -> bool:
    return listing.in_flight is not None and listing.in_flight.reference == feed_id


def pause_reason(connection: Connection, now: datetime) -> str:
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
    """One flush of one connection, under its listings lease. Amazon's answers are stored
    a request (or a feed) at a time, each in its own short transaction, onto the SKUs as
    they are then: a value the product sent meanwhile is kept and waits for the next batch."""

    job: FlushDueListings
    connection: Connection
    token: Secret
    now: datetime
    tally: _Tally = field(factory=_Tally)

    @property
    def amazon(self) -> AmazonGateway:
        return self.job.ports.amazon

    def outcome(self, state: FlushState, detail: str) -> FlushOutcome:
        with self.job.ports.uow() as uow:
            oldest = uow.listings.oldest_waiting(self.connection.id)
            window = settings_of(uow, self.connection.id).batch_window
        return FlushOutcome(
            self.connection.id,
            state,
            sent=self.tally.sent,
            patch_requests=self.tally.patch_requests,
            feeds=tuple(self.tally.feeds),
            accepted=self.tally.accepted,
            rejected=self.tally.rejected,
            next_batch_at=None if oldest is None else oldest + window,
            detail=detail,
        )

    def _store(
        self,
        marketplace_id: str,
        skus: Iterable[str],
        apply: Callable[[Connection, dict[str, SkuListing]], Iterable[SkuListing]],
    ) -> None:
        """One short transaction: the SKUs read as they are now, `apply` records Amazon's
        answer on them (and announces it on the connection), and they are written back.
        The connection's row lock orders it with a submission for the same SKUs."""
        with self.job.ports.uow() as uow:
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
            plan = plan_batch(
                changes, patch_limit=self.job.patch_limit, feed_limit=self.job.feed_limit
            )
            if plan.method is SendMethod.PATCH:
                self._patch(marketplace_id, plan.requests)
            else:
                self._feeds(marketplace_id, plan.requests)

    def _patch(self, marketplace_id: str, requests: Sequence[tuple[ListingChange, ...]]) -> None:
        done: list[tuple[ListingChange, ListingResult]] = []
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
        listings = [lst for lst in fresh.values() if _in_feed(lst, feed_id)]
        # A feed refused as a whole (FATAL) that names the messages to blame: those SKUs are
        # refused and the valid rest, never judged, is sent again (issue 18: one absurd row
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
