"""Sync cursors and backfills: after a reconnect "any missed data will typically be retrieved
through a backfill process" (seed 004)."""

from __future__ import annotations

from datetime import datetime

from attrs import define


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

    def advance(self, until: datetime) -> None:
        if self.synced_until is None or until > self.synced_until:
            self.synced_until = until

    def backfill_done(self) -> None:
        self.backfill_from = None
        self.backfill_until = None
