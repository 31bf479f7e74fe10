"""What the sync fetches and when (DESIGN §12): each dataset's windows (its plan), which
datasets an account has, when a marketplace may sync at all, and which of its datasets have
a window due. The worker's jobs (application/sync.py), one window's fetch
(application/sync_window.py) and the marketplace's coverage (application/sync_coverage.py)
all ask the same rules here, so "due" means one thing everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from application.context import Ports
from domain.connection import Connection, Health
from domain.datasets import datasets_for
from domain.grant import Channel
from domain.marketplace import Marketplace, MarketplaceState
from domain.records import Dataset
from domain.sync import AMAZON_SETTLE_TIME, DAY, DatasetPlan, SyncCursor, midnight

SYNC_INTERVAL = timedelta(hours=1)
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


def channel_of(dataset: Dataset) -> Channel:
    return Channel.ADS if dataset is Dataset.ADS_CAMPAIGNS else Channel.SP_API


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


# A dataset never served yet has waited longest.
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
