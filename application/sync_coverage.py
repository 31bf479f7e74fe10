"""What a marketplace shows of its sync (API.md: the marketplace's `sync`): whether the most
recent window of every dataset is in (Syncing -> Ready), why one is not yet when Amazon
could not be reached, and each dataset's coverage and history progress.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from application.context import Ports
from application.marketplace_views import DatasetSyncView, SyncCoverage, SyncErrorView
from application.sync_plans import PLANS, account_datasets, history_start
from application.unit_of_work import UnitOfWork
from domain.connection import Connection
from domain.errors import AmazonUnavailable, RateLimited
from domain.marketplace import Marketplace, MarketplaceState
from domain.sync import SyncCursor


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
