"""Sync: the seller's data, per (marketplace, dataset), into records (DESIGN §12; seed 004).

Each dataset of a marketplace has a SyncCursor (domain/sync.py): the most recent window
first (the marketplace is Ready once every dataset the account has delivered it), then
regular cycles toward now, and history backwards to the team's `history_days` in the
background. A reconnect after a gap sets a backfill that walks exactly the gap.

Never inside a transaction while waiting on Amazon: a step reads what is due in one short
unit of work, asks Amazon with none open, then writes the records in short units of work
(a large report in batches) and moves the cursor in the last one. A worker killed in the
middle repeats at most that window, and the records it writes again are unchanged (same
payload hash: no new sequence, no duplicate). Two workers given the same window do the
same idempotent writes.

One marketplace's backlog never starves another's (DESIGN §9). A seller's marketplaces
share Amazon's rate bucket for each operation (one per selling partner or Ads profile,
region and operation), so after a stop the first marketplace's job would spend the whole
burst and every refill after it while the others wait for its backlog to end. Instead a job
takes at most SHARED_TURN windows of a dataset another marketplace of the connection also
waits for, and the reconciler hands out the pass's jobs least recently served first: the
bucket's tokens go round the marketplaces in turn, and the bucket itself is never overspent
(the adapter's budget refuses rather than waits long).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from contextlib import closing
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from attrs import define, frozen

from application.context import Ports
from application.leases import Leases, sync_lease
from application.marketplace_views import DatasetSyncView, SyncCoverage, SyncErrorView
from application.ports import DatasetFetch, DatasetSource
from application.read_ahead import read_ahead
from application.tokens import GetAccessToken
from application.unit_of_work import UnitOfWork
from domain.connection import Connection, Health
from domain.datasets import DATASETS, datasets_for
from domain.errors import (
    AmazonUnavailable,
    DomainError,
    RateLimited,
    TokenExpired,
    TokenRevoked,
)
from domain.grant import Channel
from domain.marketplace import Marketplace, MarketplaceState
from domain.records import (
    DEFAULT_HISTORY_DAYS,
    Dataset,
    IncomingRecord,
    RecordScope,
    WriteCounts,
)
from domain.refusals import (
    DIAGNOSED,
    REFUSAL_BACKOFF,
    AccessTokenRejected,
    refusal_reason,
    refused_again,
)
from domain.secret import Secret
from domain.sync import (
    AMAZON_SETTLE_TIME,
    DAY,
    DatasetPlan,
    SyncCursor,
    Window,
    WindowKind,
    midnight,
)

SYNC_INTERVAL = timedelta(hours=1)
# Windows one job fetches before handing back to the worker (the next pass continues).
WINDOWS_PER_JOB = 32
# History windows per dataset in one job: the rate budget is the seller's across all its
# marketplaces, so one marketplace's history must not spend it before the next marketplace
# has its most recent windows (and its share of history) in the same pass.
HISTORY_PER_JOB = 3
# Windows of a dataset one job takes while another marketplace of the same connection waits
# for the same dataset (and so for the same rate bucket): its turn, before the next one's.
SHARED_TURN = 3
# Records written per short transaction while a report is read.
BATCH = 5000
# Amazon Ads restates recent days while attribution settles (docs/amazon-datasets.md).
ADS_RESTATE = timedelta(days=14)

PLANS: dict[Dataset, DatasetPlan] = {
    # getOrders: LastUpdatedBefore at least 2 minutes before now (AMAZON.md).
    Dataset.ORDERS: DatasetPlan(
        SYNC_INTERVAL, max_window=DAY, lag=AMAZON_SETTLE_TIME, history_window=7 * DAY
    ),
    # One report per day: the by-ASIN section aggregates over the report's whole range.
    Dataset.SALES_TRAFFIC: DatasetPlan(DAY, max_window=DAY, by_day=True),
    Dataset.INVENTORY: DatasetPlan(SYNC_INTERVAL, max_window=timedelta(0), snapshot=True),
    # Ads reports span up to 31 days; every daily cycle fetches the restated days again.
    Dataset.ADS_CAMPAIGNS: DatasetPlan(
        DAY, max_window=timedelta(days=31), by_day=True, restate=ADS_RESTATE
    ),
}
MAX_WINDOW = PLANS[Dataset.ORDERS].max_window


class SyncStatus(StrEnum):
    DONE = "done"  # fetched at least one window
    NOT_DUE = "not_due"  # nothing to do (already synced, not ready, not connected)
    RETRY_LATER = "retry_later"  # Amazon unavailable or throttling
    RECONNECT_REQUIRED = "reconnect_required"  # the authorization is gone


@frozen
class SyncOutcome:
    connection_id: str
    marketplace_id: str
    status: SyncStatus
    windows: int = 0
    records: int = 0


def channel_of(dataset: Dataset) -> Channel:
    return Channel.ADS if dataset is Dataset.ADS_CAMPAIGNS else Channel.SP_API


def sync_channel(connection: Connection) -> Channel:
    """The channel whose access proves the first sync can read the seller's data: SP-API
    when authorized, else Ads (a vendor on Ads only, seed 002)."""
    if connection.grants[Channel.SP_API].ever_authorized:
        return Channel.SP_API
    return Channel.ADS


def can_sync(connection: Connection, marketplace: Marketplace | None, now: datetime) -> bool:
    """Not while a refusal a person must fix holds the marketplace back (DESIGN §9)."""
    return (
        marketplace is not None
        and marketplace.state in (MarketplaceState.SYNCING, MarketplaceState.READY)
        and marketplace.due(now)
        and connection.disconnected_at is None
        and connection.health_at(now) in (Health.CONNECTED, Health.EXPIRING)
    )


def account_datasets(
    ports: Ports, connection: Connection, marketplace_id: str
) -> tuple[Dataset, ...]:
    """The datasets to sync for this account: what it has, of what this deployment syncs."""
    return tuple(d for d in datasets_for(connection, marketplace_id) if d in ports.datasets)


def history_start(history_days: int, now: datetime) -> datetime:
    return now - timedelta(days=history_days)


def retention_start(history_from: datetime) -> datetime:
    """Records older than this are deleted. The midnight before `history_from`, not
    `history_from` itself: a daily report's history reaches back to that midnight
    (SyncCursor.next_window), and deleting the day it just fetched would leave "100 %"
    history without its first day and hand that day's sequence numbers out for nothing."""
    return midnight(history_from)


@frozen
class _Due:
    connection: Connection
    marketplace: Marketplace
    cursor: SyncCursor
    window: Window
    source: DatasetSource
    token: Secret


class _Step(StrEnum):
    DELIVERED = "delivered"
    WAITING = "waiting"  # Amazon is preparing a report
    NOTHING = "nothing"


@define
class DatasetSync:
    """One window of one dataset: find what is due, fetch it, store it, move the cursor."""

    ports: Ports
    get_token: GetAccessToken
    plans: dict[Dataset, DatasetPlan]

    def step(
        self, connection_id: str, marketplace_id: str, dataset: Dataset, *, backfill: bool
    ) -> tuple[_Step, int, WindowKind | None]:
        """The window is fetched and stored under the dataset's sync lease (DESIGN §15): a
        second worker given the same job leaves it alone instead of asking Amazon for the
        same window; a killed holder's lease runs out and the window is fetched again."""
        if self._due(connection_id, marketplace_id, dataset, backfill=backfill) is None:
            return _Step.NOTHING, 0, None
        leases = Leases(self.ports.uow, lease_for=self.ports.lease_for)
        with leases.held(sync_lease(connection_id, marketplace_id, str(dataset))) as mine:
            if not mine:
                return _Step.NOTHING, 0, None
            # Read again once the lease is ours: its last holder may have moved the cursor.
            due = self._due(connection_id, marketplace_id, dataset, backfill=backfill)
            if due is None:
                return _Step.NOTHING, 0, None
            fetched = self._fetch(due)
            try:
                if fetched.pending is not None:
                    self._wait(due, fetched.pending)
                    return _Step.WAITING, 0, due.window.kind
                counts = self._store(due, fetched.records)
            finally:
                fetched.close()
            return _Step.DELIVERED, counts.updated, due.window.kind

    def _due(
        self, connection_id: str, marketplace_id: str, dataset: Dataset, *, backfill: bool
    ) -> _Due | None:
        now = self.ports.clock.now()
        plan = self.plans[dataset]
        with self.ports.uow() as uow:
            connection = uow.connections.get(connection_id)
            if connection is None or dataset not in account_datasets(
                self.ports, connection, marketplace_id
            ):
                return None
            marketplace = uow.marketplaces.get(connection_id, marketplace_id)
            if marketplace is None or not can_sync(connection, marketplace, now):
                return None
            team = uow.teams.get(connection.team_id)
            cursor = uow.sync_cursors.get(connection_id, marketplace_id, dataset)
            cursor = cursor or SyncCursor(connection_id, marketplace_id, dataset)
            history_from = history_start(team.history_days if team else 90, now)
            window = cursor.pending_window
            if window is None and backfill:
                window = cursor.backfill_window(plan, now=now)
            elif window is None:
                window = cursor.next_window(plan, now=now, history_from=history_from)
            if window is None:
                return None
            grant = connection.grants[channel_of(dataset)]
            token = grant.cached_access_token(now) if grant.status_at(now).usable else None
            refresh_failing = grant.last_refresh_error is not None
        if token is None:
            if refresh_failing:
                # The refresh jobs retry a failing refresh (once per token per pass); the
                # window waits for them rather than adding attempts of its own.
                return None
            token = self.get_token(connection_id, channel_of(dataset)).token
        profile = connection.selected_profile_id
        source = DatasetSource(
            dataset=dataset,
            region=connection.region,
            account_type=connection.account_type,
            marketplace_id=marketplace_id,
            start=window.start,
            end=window.end,
            selling_partner_id=connection.selling_partner_id,
            profile_id=profile,
            background=window.kind in (WindowKind.HISTORY, WindowKind.BACKFILL),
        )
        return _Due(connection, marketplace, cursor, window, source, token)

    def _fetch(self, due: _Due) -> DatasetFetch:
        channel = channel_of(due.source.dataset)
        connection_id = due.connection.id
        try:
            try:
                return self.ports.amazon.fetch_dataset(
                    due.source, due.token, due.cursor.pending_report
                )
            except AccessTokenRejected:
                # The cached access token was refused: refresh once (which tells a revoked
                # refresh token from a stale access token) and try again, once (DESIGN §9).
                token = self.get_token(connection_id, channel, rejected=due.token)
                try:
                    return self.ports.amazon.fetch_dataset(
                        due.source, token.token, due.cursor.pending_report
                    )
                except AccessTokenRejected as refused:
                    raise refused_again(refused, str(due.source.dataset)) from None
        except (TokenRevoked, TokenExpired):
            raise
        except DIAGNOSED as error:
            # A refusal a person must fix: the dataset records it, the marketplace says so
            # with the fix, and the sync leaves Amazon alone for a while (no refresh loop).
            self._failed(due, error)
            self._held_back(due, error)
            raise
        except DomainError as error:
            self._failed(due, error)
            raise

    def _held_back(self, due: _Due, error: DomainError) -> None:
        now = self.ports.clock.now()
        retry_at = now + REFUSAL_BACKOFF
        with self.ports.uow() as uow:
            marketplace = uow.marketplaces.get(
                due.connection.id, due.source.marketplace_id, for_update=True
            )
            if marketplace is None:
                return
            reason = refusal_reason(error, retry_at)
            marketplace.wait(code=str(error.code), reason=reason, at=now, retry_at=retry_at)
            uow.marketplaces.update(marketplace)
            uow.commit()

    def _wait(self, due: _Due, report: str) -> None:
        with self.ports.uow() as uow:
            cursor = self._current(uow, due)
            cursor.wait_for_report(report, due.window)
            uow.sync_cursors.put(cursor)
            uow.commit()

    def _failed(self, due: _Due, error: DomainError) -> None:
        with self.ports.uow() as uow:
            cursor = self._current(uow, due)
            cursor.failed(code=str(error.code), detail=error.detail)
            if error.code not in (AmazonUnavailable.code, RateLimited.code):
                cursor.clear_pending()  # a refused report is asked for again, not polled
            uow.sync_cursors.put(cursor)
            uow.commit()

    def _store(self, due: _Due, records: Iterable[IncomingRecord]) -> WriteCounts:
        scope = RecordScope(
            due.connection.team_id,
            due.connection.id,
            due.marketplace.marketplace_id,
            due.source.dataset,
        )
        snapshot = DATASETS[scope.dataset].snapshot
        seen: set[str] = set()
        counts = WriteCounts()
        # The next batch is parsed while this one is written; `closing` stops the reading
        # thread before the caller closes the document, however this ends.
        with closing(read_ahead(iter(records), BATCH)) as batches:
            batch = next(batches, [])
            while True:
                following = next(batches, None)
                now = self.ports.clock.now()
                with self.ports.uow() as uow:
                    counts += uow.records.write(scope, batch, at=now)
                    if snapshot:
                        seen.update(r.key for r in batch)
                    if following is None:
                        if snapshot:
                            counts += uow.records.delete_missing(scope, seen, at=now)
                        self._finish(uow, due, counts, now)
                    uow.commit()
                if following is None:
                    self.ports.metrics.records_synced(str(scope.dataset), counts.updated)
                    return counts
                batch = following

    def _finish(self, uow: UnitOfWork, due: _Due, counts: WriteCounts, now: datetime) -> None:
        cursor = self._current(uow, due)
        plan = self.plans[due.source.dataset]
        gap_closed = due.window.kind is WindowKind.BACKFILL and due.window.end >= (
            cursor.backfill_until or due.window.end
        )
        cursor.delivered_window(due.window, at=now)
        uow.sync_cursors.put(cursor)
        connection, dataset = due.connection, due.source.dataset
        marketplace = uow.marketplaces.get(connection.id, due.marketplace.marketplace_id)
        if marketplace is None:
            return
        if marketplace.waiting_code is not None or marketplace.retry_at is not None:
            marketplace.stop_waiting()  # a window came through: nothing holds it back
            uow.marketplaces.update(marketplace)
        if counts.updated:
            marketplace.records_updated(
                dataset=dataset,
                created=counts.created,
                changed=counts.changed,
                deleted=counts.deleted,
                since=due.window.start,
                until=due.window.end,
                at=now,
            )
        team = uow.teams.get(connection.team_id)
        history_from = history_start(team.history_days if team else 90, now)
        history_done = (
            due.window.kind is WindowKind.HISTORY
            and cursor.progress_percent(history_from=history_from, plan=plan) == 100
        )
        if gap_closed or history_done:
            marketplace.backfilled(
                until=due.window.end,
                at=now,
                dataset=dataset,
                reason="reconnect" if gap_closed else "history",
                since=cursor.covered_from if history_done else None,
            )
        if due.window.kind is WindowKind.FORWARD:
            uow.records.purge(connection.team_id, before=retention_start(history_from))

    def _current(self, uow: UnitOfWork, due: _Due) -> SyncCursor:
        """The cursor as stored now (another worker may have moved it meanwhile)."""
        stored = uow.sync_cursors.get(
            due.connection.id, due.marketplace.marketplace_id, due.source.dataset
        )
        return stored or SyncCursor(
            due.connection.id, due.marketplace.marketplace_id, due.source.dataset
        )


@define
class _Job:
    """A bounded number of windows for one marketplace, one dataset at a time in turn."""

    sync: DatasetSync
    windows_per_job: int
    backfill: bool

    def __call__(self, connection_id: str, marketplace_id: str) -> SyncOutcome:
        with self.sync.ports.uow() as uow:
            connection = uow.connections.get(connection_id)
            shared = self._shared(uow, connection, marketplace_id) if connection else set()
        datasets = (
            list(account_datasets(self.sync.ports, connection, marketplace_id))
            if connection
            else []
        )
        windows = records = 0
        history: Counter[Dataset] = Counter()
        taken: Counter[Dataset] = Counter()
        later = False
        try:
            while datasets and windows < self.windows_per_job:
                for dataset in list(datasets):
                    try:
                        step, count, kind = self.sync.step(
                            connection_id, marketplace_id, dataset, backfill=self.backfill
                        )
                    except AmazonUnavailable:
                        raise  # Amazon is down: no dataset is asked again until next pass
                    except (TokenRevoked, TokenExpired):
                        raise
                    except DomainError:
                        # Throttled (each operation has its own bucket) or refused for a
                        # reason of its own, recorded on the cursor as the dataset's last
                        # error: the other datasets go on, this one is asked next pass.
                        datasets.remove(dataset)
                        later = True
                        continue
                    if kind is WindowKind.HISTORY:
                        history[dataset] += 1
                    if step is not _Step.NOTHING:
                        taken[dataset] += 1
                    if (
                        step is not _Step.DELIVERED
                        or history[dataset] >= HISTORY_PER_JOB
                        or (dataset in shared and taken[dataset] >= SHARED_TURN)
                    ):
                        # Nothing more now, Amazon is preparing a report, or this dataset
                        # had its share of history, or its turn of a shared bucket, for
                        # this pass.
                        datasets.remove(dataset)
                    if step is not _Step.NOTHING:
                        windows += 1
                        records += count
        except AmazonUnavailable:
            return SyncOutcome(
                connection_id, marketplace_id, SyncStatus.RETRY_LATER, windows, records
            )
        except (TokenRevoked, TokenExpired):
            return SyncOutcome(
                connection_id, marketplace_id, SyncStatus.RECONNECT_REQUIRED, windows, records
            )
        if later and not windows:
            return SyncOutcome(connection_id, marketplace_id, SyncStatus.RETRY_LATER)
        status = SyncStatus.DONE if windows else SyncStatus.NOT_DUE
        return SyncOutcome(connection_id, marketplace_id, status, windows, records)

    def _shared(self, uow: UnitOfWork, connection: Connection, marketplace_id: str) -> set[Dataset]:
        """The datasets another marketplace of the connection has due too: both spend the
        same rate buckets (selling partner or Ads profile, region, operation)."""
        ports, now = self.sync.ports, self.sync.ports.clock.now()
        team = uow.teams.get(connection.team_id)
        history_from = history_start(team.history_days if team else DEFAULT_HISTORY_DAYS, now)
        cursors = uow.sync_cursors.list_for_connection(connection.id)
        shared: set[Dataset] = set()
        for other in uow.marketplaces.list_for_connection(connection.id):
            if other.marketplace_id == marketplace_id or not can_sync(connection, other, now):
                continue
            shared.update(
                due_datasets(
                    ports,
                    self.sync.plans,
                    connection,
                    other.marketplace_id,
                    cursors,
                    now,
                    history_from,
                    backfill=self.backfill,
                )
            )
        return shared


@define
class RunSyncCycle:
    """The worker's job: bring one marketplace's datasets up to now (the most recent window
    first), then history backwards."""

    ports: Ports
    get_token: GetAccessToken
    windows_per_job: int = WINDOWS_PER_JOB
    plans: dict[Dataset, DatasetPlan] = PLANS

    def __call__(self, connection_id: str, marketplace_id: str) -> SyncOutcome:
        sync = DatasetSync(self.ports, self.get_token, self.plans)
        return _Job(sync, self.windows_per_job, backfill=False)(connection_id, marketplace_id)

    def due(
        self,
        connection: Connection,
        marketplace_id: str,
        cursors: Iterable[SyncCursor],
        now: datetime,
        history_days: int,
    ) -> bool:
        return (
            self.waiting_since(connection, marketplace_id, cursors, now, history_days) is not None
        )

    def waiting_since(
        self,
        connection: Connection,
        marketplace_id: str,
        cursors: Iterable[SyncCursor],
        now: datetime,
        history_days: int,
    ) -> datetime | None:
        """Since when the marketplace's longest-waiting due dataset was last served (None:
        nothing due): the reconciler serves the longest waiting first, so that the tokens
        of a rate bucket the marketplaces share go to each in turn."""
        history_from = history_start(history_days, now)
        due = due_datasets(
            self.ports, self.plans, connection, marketplace_id, cursors, now, history_from
        )
        return min(due.values(), default=None)


@define
class RunBackfill:
    """The worker's job after a reconnect: retrieve the missed window of every dataset,
    step by step, then say so (seed 004: "Any missed data will typically be retrieved")."""

    ports: Ports
    get_token: GetAccessToken
    windows_per_job: int = WINDOWS_PER_JOB
    plans: dict[Dataset, DatasetPlan] = PLANS

    def __call__(self, connection_id: str, marketplace_id: str) -> SyncOutcome:
        sync = DatasetSync(self.ports, self.get_token, self.plans)
        return _Job(sync, self.windows_per_job, backfill=True)(connection_id, marketplace_id)


NEVER = datetime.min.replace(tzinfo=UTC)


def due_datasets(
    ports: Ports,
    plans: dict[Dataset, DatasetPlan],
    connection: Connection,
    marketplace_id: str,
    cursors: Iterable[SyncCursor],
    now: datetime,
    history_from: datetime,
    *,
    backfill: bool = False,
) -> dict[Dataset, datetime]:
    """The marketplace's datasets with a window due, each with when it was last served."""
    by_dataset = {c.dataset: c for c in cursors if c.marketplace_id == marketplace_id}
    due = {}
    for dataset in account_datasets(ports, connection, marketplace_id):
        cursor = by_dataset.get(dataset) or SyncCursor(connection.id, marketplace_id, dataset)
        plan = plans[dataset]
        window = (
            cursor.backfill_window(plan, now=now)
            if backfill
            else cursor.next_window(plan, now=now, history_from=history_from)
        )
        if cursor.pending_report is not None or window is not None:
            due[dataset] = cursor.last_success_at or NEVER
    return due


def all_delivered(
    ports: Ports, uow: UnitOfWork, connection: Connection, marketplace_id: str
) -> bool:
    """Syncing -> Ready: the most recent window of every dataset the account has is in."""
    for dataset in account_datasets(ports, connection, marketplace_id):
        cursor = uow.sync_cursors.get(connection.id, marketplace_id, dataset)
        if cursor is None or not cursor.delivered:
            return False
    return True


def waiting_reason(
    ports: Ports, uow: UnitOfWork, connection: Connection, marketplace_id: str
) -> str | None:
    """Why a most recent window is not in yet, when Amazon could not be reached (with the
    host) or throttled: a marketplace in Syncing... never waits without a reason."""
    waiting = (str(AmazonUnavailable.code), str(RateLimited.code))
    for dataset in account_datasets(ports, connection, marketplace_id):
        cursor = uow.sync_cursors.get(connection.id, marketplace_id, dataset)
        if cursor is not None and not cursor.delivered and cursor.last_error_code in waiting:
            return f"{cursor.last_error_code}: {cursor.last_error_detail}"
    return None


def sync_views(
    ports: Ports,
    connection: Connection,
    marketplace_id: str,
    cursors: Iterable[SyncCursor],
    *,
    history_days: int,
    now: datetime,
) -> tuple[DatasetSyncView, ...]:
    by_dataset = {c.dataset: c for c in cursors if c.marketplace_id == marketplace_id}
    history_from = history_start(history_days, now)
    views = []
    for dataset in account_datasets(ports, connection, marketplace_id):
        cursor = by_dataset.get(dataset) or SyncCursor(connection.id, marketplace_id, dataset)
        error = (
            SyncErrorView(cursor.last_error_code, cursor.last_error_detail)
            if cursor.last_error_code
            else None
        )
        views.append(
            DatasetSyncView(
                dataset=dataset,
                covered_from=cursor.covered_from,
                covered_until=cursor.synced_until,
                history_from=history_from,
                progress_percent=cursor.progress_percent(
                    history_from=history_from, plan=PLANS[dataset]
                ),
                last_success_at=cursor.last_success_at,
                last_error=error,
            )
        )
    return tuple(views)


def coverage(
    ports: Ports,
    connection: Connection,
    marketplace: Marketplace,
    cursors: Iterable[SyncCursor],
    *,
    history_days: int,
    now: datetime,
) -> SyncCoverage | None:
    """The marketplace object's `sync` (API.md): only once the marketplace syncs."""
    if marketplace.state not in (MarketplaceState.SYNCING, MarketplaceState.READY):
        return None
    return SyncCoverage(
        sync_views(
            ports,
            connection,
            marketplace.marketplace_id,
            cursors,
            history_days=history_days,
            now=now,
        )
    )
