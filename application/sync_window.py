"""One window of one dataset (DESIGN §12, §15): find what is due, fetch it, store it, move
the cursor.

Never inside a transaction while waiting on Amazon: a step reads what is due in one short
unit of work, asks Amazon with none open, then writes the records in short units of work
(a large report in batches) and moves the cursor in the last one. A worker killed in the
middle repeats at most that window, and the records it writes again are unchanged (same
payload hash: no new sequence, no duplicate). The window is fetched under a lease per
(connection, marketplace, dataset), so a second worker given the same window leaves it to
the first instead of asking Amazon for it again.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import closing
from datetime import datetime
from enum import StrEnum

from attrs import define, frozen

from application.context import Ports
from application.leases import Leases, sync_lease
from application.ports import DatasetFetch, DatasetSource
from application.read_ahead import read_ahead
from application.sync_plans import (
    account_datasets,
    can_sync,
    channel_of,
    history_start,
    retention_start,
)
from application.tokens import GetAccessToken
from application.unit_of_work import UnitOfWork
from domain.connection import Connection
from domain.datasets import DATASETS
from domain.errors import AmazonUnavailable, DomainError, RateLimited, TokenExpired, TokenRevoked
from domain.marketplace import Marketplace
from domain.records import Dataset, IncomingRecord, RecordScope, WriteCounts
from domain.refusals import (
    DIAGNOSED,
    REFUSAL_BACKOFF,
    AccessTokenRejected,
    refusal_reason,
    refused_again,
)
from domain.secret import Secret
from domain.sync import DatasetPlan, SyncCursor, Window, WindowKind

# Records written per short transaction while a report is read.
BATCH = 5000


@frozen
class _Due:
    connection: Connection
    marketplace: Marketplace
    cursor: SyncCursor
    window: Window
    source: DatasetSource
    token: Secret


class Step(StrEnum):
    """What one step did, so that the job knows whether to ask the dataset again."""

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
    ) -> tuple[Step, int, WindowKind | None]:
        """The window is fetched and stored under the dataset's sync lease (DESIGN §15): a
        second worker given the same job leaves it alone instead of asking Amazon for the
        same window; a killed holder's lease runs out and the window is fetched again."""
        if self._due(connection_id, marketplace_id, dataset, backfill=backfill) is None:
            return Step.NOTHING, 0, None
        leases = Leases(self.ports.uow, lease_for=self.ports.lease_for)
        with leases.held(sync_lease(connection_id, marketplace_id, str(dataset))) as mine:
            if not mine:
                return Step.NOTHING, 0, None
            # Read again once the lease is ours: its last holder may have moved the cursor.
            due = self._due(connection_id, marketplace_id, dataset, backfill=backfill)
            if due is None:
                return Step.NOTHING, 0, None
            fetched = self._fetch(due)
            try:
                if fetched.pending is not None:
                    self._wait(due, fetched.pending)
                    return Step.WAITING, 0, due.window.kind
                counts = self._store(due, fetched.records)
            finally:
                fetched.close()
            return Step.DELIVERED, counts.updated, due.window.kind

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
