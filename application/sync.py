"""Sync cycles and backfills per marketplace (DESIGN §3.7; seed 004).

Seed 004: after reconnecting, "Data syncing will resume during the next sync cycle" and
"Any missed data will typically be retrieved through a backfill process". Each ready
marketplace has a SyncCursor: a regular cycle fetches the window from the cursor to the
sync horizon (two minutes behind now: Amazon refuses fresher getOrders windows) once a cycle
interval has passed; a reconnect after a gap sets `backfill_from` (the last
good cursor) and `backfill_until` (the reconnect), the cycles resume at the reconnect, and
the backfill walks the gap window by window.

Every window is fetched and recorded under the connection's row lock, and the cursor moves
in the same transaction as the window is accounted for: two workers given the same job
fetch a window once (the second finds the cursor already past it), and a worker killed in
the middle repeats at most the window it was fetching. Amazon being down or throttling
leaves the cursor where it was; the next pass picks the work up again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum

from attrs import define, frozen

from application.context import Ports
from application.ports import SyncWindow
from application.tokens import GetAccessToken
from application.unit_of_work import UnitOfWork
from domain.connection import Connection, Health
from domain.datasets import datasets_for
from domain.errors import (
    AmazonUnavailable,
    DomainError,
    RateLimited,
    TokenExpired,
    TokenRevoked,
)
from domain.grant import Channel
from domain.marketplace import Marketplace, MarketplaceState
from domain.records import Dataset
from domain.refusals import (
    DIAGNOSED,
    REFUSAL_BACKOFF,
    AccessTokenRejected,
    refusal_reason,
    refused_again,
)
from domain.secret import Secret
from domain.sync import SyncCursor, sync_horizon

SYNC_INTERVAL = timedelta(hours=1)
# The longest window asked of Amazon in one call; a longer stretch is walked in steps.
MAX_WINDOW = timedelta(days=1)
# Windows one job fetches before handing back to the worker (the next pass continues).
WINDOWS_PER_JOB = 32


class SyncStatus(StrEnum):
    DONE = "done"  # fetched at least one window
    NOT_DUE = "not_due"  # nothing to do (already synced, not ready, not connected)
    RETRY_LATER = "retry_later"  # Amazon unavailable or throttling
    RECONNECT_REQUIRED = "reconnect_required"  # the authorization is gone


# What a sync window reads today (getOrders); the metric's `dataset` label.
SYNCED_DATASET = "orders"


@frozen
class SyncOutcome:
    connection_id: str
    marketplace_id: str
    status: SyncStatus
    windows: int = 0
    records: int = 0


def sync_channel(connection: Connection) -> Channel:
    """The orders a sync window reads come through SP-API (getOrders, a Seller Central
    operation): never through another channel's token (issue 18: a vendor's Ads token was
    sent to getOrders on every pass)."""
    return Channel.SP_API


def can_sync(connection: Connection, marketplace: Marketplace | None, now: datetime) -> bool:
    """Only an account that has orders (a seller with SP-API, domain.datasets) syncs them,
    and only while no refusal a person must fix holds the marketplace back."""
    return (
        marketplace is not None
        and marketplace.state is MarketplaceState.READY
        and marketplace.due(now)
        and Dataset.ORDERS in datasets_for(connection)
        and connection.disconnected_at is None
        and connection.health_at(now) in (Health.CONNECTED, Health.EXPIRING)
    )


def cycle_window(
    cursor: SyncCursor | None, now: datetime, *, interval: timedelta, max_window: timedelta
) -> tuple[datetime, datetime] | None:
    """The next regular window, or None when the cycle is not due. Windows end at the sync
    horizon (two minutes behind now), never at now: Amazon refuses fresher ones."""
    horizon = sync_horizon(now)
    start = cursor.resume_from if cursor is not None else None
    if start is None:
        start = horizon - interval
    if horizon - start < interval:
        return None
    return start, min(horizon, start + max_window)


def backfill_window(
    cursor: SyncCursor | None, now: datetime, *, max_window: timedelta
) -> tuple[datetime, datetime] | None:
    if cursor is None or cursor.backfill_from is None or cursor.backfill_until is None:
        return None
    end = min(cursor.backfill_until, cursor.backfill_from + max_window, sync_horizon(now))
    if end <= cursor.backfill_from:
        return None
    return cursor.backfill_from, end


class _Step(StrEnum):
    FETCHED = "fetched"
    NOTHING = "nothing"


_Plan = tuple[Marketplace | None, SyncCursor | None, tuple[datetime, datetime]]
_Planner = Callable[[UnitOfWork, Connection], _Plan | None]


@define
class _WindowRunner:
    """Shared by the cycle and the backfill: the access token got before the window's
    transaction (a refresh never waits on Amazon under the lock), then one window under the
    lock, the cursor moved in the same transaction."""

    ports: Ports
    get_token: GetAccessToken

    def run(
        self,
        connection_id: str,
        marketplace_id: str,
        plan: _Planner,
        record: Callable[[UnitOfWork, _Plan, SyncWindow], None],
    ) -> tuple[_Step, int]:
        with self.ports.uow() as uow:  # reads only: is a window due, which channel
            connection = uow.connections.get(connection_id)
            if connection is None or plan(uow, connection) is None:
                return _Step.NOTHING, 0
            channel = sync_channel(connection)
        token = self.get_token(connection_id, channel).token
        try:
            try:
                return self._window(connection_id, marketplace_id, token, plan, record)
            except _TokenRefused:
                # The cached access token was refused: refresh once (which tells a revoked
                # refresh token from a stale access token) and try again, once (DESIGN §9).
                token = self.get_token(connection_id, channel, rejected=token).token
                return self._window(connection_id, marketplace_id, token, plan, record, retry=False)
        except DIAGNOSED as error:
            self._held_back(connection_id, marketplace_id, error)
            raise

    def _held_back(self, connection_id: str, marketplace_id: str, error: DomainError) -> None:
        """A refusal a person must fix (DESIGN §9): the marketplace says so, with the fix,
        and the sync leaves Amazon alone for a while instead of asking on every pass."""
        now = self.ports.clock.now()
        retry_at = now + REFUSAL_BACKOFF
        with self.ports.uow() as uow:
            marketplace = uow.marketplaces.get(connection_id, marketplace_id, for_update=True)
            if marketplace is None:
                return
            reason = refusal_reason(error, retry_at)
            marketplace.wait(code=str(error.code), reason=reason, at=now, retry_at=retry_at)
            uow.marketplaces.update(marketplace)
            uow.commit()

    def _window(
        self,
        connection_id: str,
        marketplace_id: str,
        token: Secret,
        plan: _Planner,
        record: Callable[[UnitOfWork, _Plan, SyncWindow], None],
        *,
        retry: bool = True,
    ) -> tuple[_Step, int]:
        with self.ports.uow() as uow:
            connection = uow.connections.get(connection_id, for_update=True)
            planned = None if connection is None else plan(uow, connection)
            if connection is None or planned is None:
                return _Step.NOTHING, 0
            start, end = planned[2]
            try:
                fetched = self.ports.amazon.fetch_sync_window(
                    connection.region,
                    token,
                    marketplace_id,
                    start,
                    end,
                    selling_partner_id=connection.selling_partner_id,
                )
            except AccessTokenRejected as refused:
                if not retry:
                    raise refused_again(refused, "getOrders") from None
                raise _TokenRefused() from None
            record(uow, planned, fetched)
            marketplace = planned[0]
            if marketplace is not None and (marketplace.waiting_code or marketplace.retry_at):
                marketplace.stop_waiting()  # a window came through: nothing holds it back
                uow.marketplaces.update(marketplace)
            uow.commit()
        self.ports.metrics.records_synced(SYNCED_DATASET, fetched.records)
        return _Step.FETCHED, fetched.records


class _TokenRefused(Exception):
    """Amazon refused the access token: leave the transaction, refresh, try once more."""


@define
class RunSyncCycle:
    """The worker's job: bring one ready marketplace's data up to now, window by window."""

    ports: Ports
    get_token: GetAccessToken
    interval: timedelta = SYNC_INTERVAL
    max_window: timedelta = MAX_WINDOW
    windows_per_job: int = WINDOWS_PER_JOB

    def __call__(self, connection_id: str, marketplace_id: str) -> SyncOutcome:
        return _run(self._one, connection_id, marketplace_id, self.windows_per_job)

    def due(self, connection: Connection, cursor: SyncCursor | None, now: datetime) -> bool:
        return (
            cycle_window(cursor, now, interval=self.interval, max_window=self.max_window)
            is not None
        )

    def _one(self, connection_id: str, marketplace_id: str) -> tuple[_Step, int]:
        now = self.ports.clock.now()

        def plan(uow: UnitOfWork, connection: Connection) -> _Plan | None:
            marketplace = uow.marketplaces.get(connection.id, marketplace_id)
            if not can_sync(connection, marketplace, now):
                return None
            cursor = uow.sync_cursors.get(connection.id, marketplace_id) or SyncCursor(
                connection.id, marketplace_id
            )
            window = cycle_window(cursor, now, interval=self.interval, max_window=self.max_window)
            return None if window is None else (marketplace, cursor, window)

        def record(uow: UnitOfWork, planned: _Plan, fetched: SyncWindow) -> None:
            _, cursor, window = planned
            assert cursor is not None
            cursor.advance(window[1])
            uow.sync_cursors.put(cursor)

        return _WindowRunner(self.ports, self.get_token).run(
            connection_id, marketplace_id, plan, record
        )


@define
class RunBackfill:
    """The worker's job after a reconnect: retrieve the missed window, step by step, then
    say so in the timeline (seed 004: "Any missed data will typically be retrieved")."""

    ports: Ports
    get_token: GetAccessToken
    max_window: timedelta = MAX_WINDOW
    windows_per_job: int = WINDOWS_PER_JOB

    def __call__(self, connection_id: str, marketplace_id: str) -> SyncOutcome:
        return _run(self._one, connection_id, marketplace_id, self.windows_per_job)

    def _one(self, connection_id: str, marketplace_id: str) -> tuple[_Step, int]:
        now = self.ports.clock.now()

        def plan(uow: UnitOfWork, connection: Connection) -> _Plan | None:
            marketplace = uow.marketplaces.get(connection.id, marketplace_id)
            cursor = uow.sync_cursors.get(connection.id, marketplace_id)
            window = backfill_window(cursor, now, max_window=self.max_window)
            if cursor is None or window is None or not can_sync(connection, marketplace, now):
                return None
            return marketplace, cursor, window

        def record(uow: UnitOfWork, planned: _Plan, fetched: SyncWindow) -> None:
            marketplace, cursor, window = planned
            assert cursor is not None
            assert marketplace is not None
            if cursor.backfilled_through(window[1]):
                marketplace.backfilled(until=window[1], at=now)
            uow.sync_cursors.put(cursor)

        return _WindowRunner(self.ports, self.get_token).run(
            connection_id, marketplace_id, plan, record
        )


def _run(
    one: Callable[[str, str], tuple[_Step, int]],
    connection_id: str,
    marketplace_id: str,
    limit: int,
) -> SyncOutcome:
    windows = records = 0
    try:
        for _ in range(limit):
            step, count = one(connection_id, marketplace_id)
            if step is _Step.NOTHING:
                break
            windows += 1
            records += count
    except (AmazonUnavailable, RateLimited):
        return SyncOutcome(connection_id, marketplace_id, SyncStatus.RETRY_LATER, windows, records)
    except DIAGNOSED:
        return SyncOutcome(connection_id, marketplace_id, SyncStatus.RETRY_LATER, windows, records)
    except (TokenRevoked, TokenExpired):
        return SyncOutcome(
            connection_id, marketplace_id, SyncStatus.RECONNECT_REQUIRED, windows, records
        )
    status = SyncStatus.DONE if windows else SyncStatus.NOT_DUE
    return SyncOutcome(connection_id, marketplace_id, status, windows, records)
