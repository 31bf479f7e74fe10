"""Sync cursors and backfills: after a reconnect "any missed data will typically be retrieved
through a backfill process" (seed 004)."""

from __future__ import annotations

from datetime import datetime, timedelta

from attrs import define

# Amazon refuses a getOrders window ending less than two minutes ago (ordersV0.json:
# LastUpdatedBefore "must be ... at least two minutes before current time"): a window
# never reaches past now minus this.
AMAZON_SETTLE_TIME = timedelta(minutes=2)


def sync_horizon(now: datetime) -> datetime:
    """The latest instant a sync window may end at."""
    return now - AMAZON_SETTLE_TIME


@define
class SyncCursor:
    connection_id: str
    marketplace_id: str
    # Data up to this instant has been retrieved.
    synced_until: datetime | None = None
    # A reconnect after a gap asks for data from here again (the last good cursor).
    backfill_from: datetime | None = None
    backfill_until: datetime | None = None
    version: int = 0

    def schedule_backfill(self, *, gap_start: datetime, reconnected_at: datetime) -> None:
        start = min(d for d in (self.synced_until, gap_start) if d is not None)
        if self.backfill_from is not None:
            start = min(start, self.backfill_from)
        self.backfill_from = start
        self.backfill_until = max(reconnected_at, self.backfill_until or reconnected_at)

    @property
    def backfill_pending(self) -> bool:
        return self.backfill_from is not None and self.backfill_until is not None

    @property
    def resume_from(self) -> datetime | None:
        """Where the next regular sync cycle starts. After a reconnect the cycles resume at
        the reconnect and the backfill fills the gap behind it (seed 004: "Data syncing will
        resume during the next sync cycle"), so the two never fetch the same window."""
        if self.backfill_until is not None and (
            self.synced_until is None or self.synced_until < self.backfill_until
        ):
            return self.backfill_until
        return self.synced_until

    def backfilled_through(self, until: datetime) -> bool:
        """The backfill retrieved everything up to `until`; returns whether it is done. The
        cursor moves with each window, so a crash repeats at most one window."""
        if self.backfill_from is None or self.backfill_until is None:
            return True
        if until >= self.backfill_until:
            # Everything before the reconnect is now retrieved; the cycles own what follows.
            self.advance(self.backfill_until)
            self.backfill_done()
            return True
        self.backfill_from = max(self.backfill_from, until)
        return False

    def advance(self, until: datetime) -> None:
        if self.synced_until is None or until > self.synced_until:
            self.synced_until = until

    def backfill_done(self) -> None:
        self.backfill_from = None
        self.backfill_until = None
