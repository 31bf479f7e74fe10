"""Sending listing updates (seed 003): the worker's flush loop, which decides when and whether
a connection's changes go (the sending itself is listing_send.py).

Per connection, once the batch window has passed since the oldest waiting change, every
waiting change goes to Amazon (Listings Items PATCH for a few, `JSON_LISTINGS_FEED` for many)
and feeds' processing reports are read back. While the Selling Partner API grant is not usable
nothing is sent and nothing is lost: the latest values wait (seed 003: "Ecommerce will stop
sending updates ... Your inventory and pricing settings will be preserved").
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from attrs import define, frozen

from application.context import UsesLeases
from application.leases import listings_lease
from application.listing_send import SendRun, in_feed
from application.listing_updates import settings_of
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
from domain.grant import Channel, TokenStatus
from domain.listing_batch import (
    DEFAULT_PATCH_LIMIT,
    MAX_FEED_MESSAGES,
    SendMethod,
    SkuListing,
    batch_due,
)
from domain.refusals import DIAGNOSED


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
class FlushDueListings(UsesLeases):
    """The worker's job: run it every minute or so; it does nothing until a batch is due.
    `force` sends waiting changes without waiting for the window (support's "send now")."""

    get_token: GetAccessToken
    patch_limit: int = DEFAULT_PATCH_LIMIT
    feed_limit: int = MAX_FEED_MESSAGES

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
        run = SendRun(
            self.ports,
            connection,
            token,
            plan.now,
            patch_limit=self.patch_limit,
            feed_limit=self.feed_limit,
        )
        try:
            for feed_id in plan.feeds:
                run.collect(feed_id, [lst for lst in plan.pending if in_feed(lst, feed_id)])
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
            return self._outcome(run, FlushState.PAUSED, refused.detail)
        except (AmazonUnavailable, RateLimited) as busy:
            return self._outcome(run, FlushState.RETRY, busy.detail)
        except DIAGNOSED as refused:
            # A refusal a person must fix (DESIGN §9): paused with the diagnosis, not
            # retried as if Amazon had hiccuped. What was not sent keeps waiting.
            return self._outcome(run, FlushState.PAUSED, f"{refused.code}: {refused.detail}")
        except DomainError as failed:
            # Amazon answered something unexpected: what was sent is stored (feeds in flight
            # stay known, so nothing is sent twice) and the next pass tries again.
            return self._outcome(run, FlushState.RETRY, failed.detail)
        return self._outcome(run, FlushState.SENT, "")

    def _outcome(self, run: SendRun, state: FlushState, detail: str) -> FlushOutcome:
        connection_id = run.connection.id
        with self.ports.uow() as uow:
            oldest = uow.listings.oldest_waiting(connection_id)
            window = settings_of(uow, connection_id).batch_window
        tally = run.tally
        return FlushOutcome(
            connection_id,
            state,
            sent=tally.sent,
            patch_requests=tally.patch_requests,
            feeds=tuple(tally.feeds),
            accepted=tally.accepted,
            rejected=tally.rejected,
            next_batch_at=None if oldest is None else oldest + window,
            detail=detail,
        )


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
