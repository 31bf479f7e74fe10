"""Sync coverage per (marketplace, dataset) (DESIGN §12) and the backfill after a reconnect
(seed 004: "Any missed data will typically be retrieved through a backfill process").

A SyncCursor says which stretch of a dataset's time is delivered: `[covered_from,
synced_until)`. The first fetch is the most recent window (the marketplace is Ready once
every dataset has one); regular cycles then extend `synced_until` toward now, and history
fills backwards in the background until `covered_from` reaches the team's `history_from`.
A reconnect after a gap sets `backfill_from` (the last good point) and `backfill_until`
(the reconnect): the cycles resume at the reconnect and the backfill walks the gap, so the
two never fetch the same window and no day of the gap is skipped.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from enum import StrEnum

from attrs import define, frozen

from domain.records import Dataset

DAY = timedelta(days=1)


class WindowKind(StrEnum):
    RECENT = "recent"  # the first, most recent window: Ready waits for it
    FORWARD = "forward"  # a regular cycle toward now
    HISTORY = "history"  # filling backwards toward history_from
    BACKFILL = "backfill"  # the gap a reconnect left


@frozen
class DatasetPlan:
    """How a dataset is fetched: its windows, how often, how far behind now it must stay
    (getOrders: LastUpdatedBefore at least 2 minutes before now), and how many recent days
    Amazon restates (Ads attribution), which every cycle fetches again."""

    interval: timedelta
    max_window: timedelta
    lag: timedelta = timedelta(0)
    by_day: bool = False
    restate: timedelta = timedelta(0)
    snapshot: bool = False
    # History may go back in longer steps than the regular cycle (0: max_window).
    history_window: timedelta = timedelta(0)


@frozen
class Window:
    kind: WindowKind
    start: datetime
    end: datetime


def midnight(moment: datetime) -> datetime:
    return datetime.combine(moment.astimezone(UTC).date(), time(0), tzinfo=UTC)


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
    dataset: Dataset = Dataset.ORDERS
    # Data up to this instant has been retrieved (covered_until).
    synced_until: datetime | None = None
    # Data from this instant on has been retrieved (history grows it backwards).
    covered_from: datetime | None = None
    # A reconnect after a gap asks for data from here again (the last good cursor).
    backfill_from: datetime | None = None
    backfill_until: datetime | None = None
    last_success_at: datetime | None = None
    last_error_code: str | None = None
    last_error_detail: str | None = None
    # A report Amazon is still preparing for `pending_window` (asked again next pass).
    pending_report: str | None = None
    pending_kind: WindowKind | None = None
    pending_start: datetime | None = None
    pending_end: datetime | None = None
    version: int = 0

    # -- reconnect ---------------------------------------------------------------------

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

    # -- coverage ----------------------------------------------------------------------

    @property
    def delivered(self) -> bool:
        """The most recent window is in: what Ready waits for."""
        return self.synced_until is not None

    def next_window(
        self, plan: DatasetPlan, *, now: datetime, history_from: datetime
    ) -> Window | None:
        """The next window a regular cycle fetches: the most recent one first, then forward
        once an interval has passed, then history backwards. None: nothing due."""
        if self.pending_report is not None:
            return None
        latest = now - plan.lag
        if plan.by_day:
            latest = midnight(now)
        if self.synced_until is None:
            if plan.snapshot:
                return Window(WindowKind.RECENT, latest, latest)
            start = latest - (DAY if plan.by_day else plan.max_window)
            return Window(WindowKind.RECENT, start, latest)
        resume = self.resume_from or self.synced_until
        if now - resume >= plan.interval and latest > resume - plan.restate:
            if plan.snapshot:
                return Window(WindowKind.FORWARD, latest, latest)
            start = resume - plan.restate
            return Window(WindowKind.FORWARD, start, min(latest, start + plan.max_window))
        if plan.snapshot:
            return None
        reach = midnight(history_from) if plan.by_day else history_from
        if self.covered_from is not None and self.covered_from > reach:
            return Window(
                WindowKind.HISTORY,
                max(reach, self.covered_from - (plan.history_window or plan.max_window)),
                self.covered_from,
            )
        return None

    def backfill_window(self, plan: DatasetPlan, *, now: datetime) -> Window | None:
        """The next step of the gap; never closer to now than the dataset allows (a
        reconnect a minute ago: Amazon refuses getOrders windows ending then)."""
        if self.backfill_from is None or self.backfill_until is None or plan.snapshot:
            return None
        start = midnight(self.backfill_from) if plan.by_day else self.backfill_from
        end = min(self.backfill_until, start + plan.max_window, now - plan.lag)
        if end <= start:
            return None
        return Window(WindowKind.BACKFILL, start, end)

    def delivered_window(self, window: Window, *, at: datetime) -> None:
        """Amazon's data for `window` is stored."""
        if window.kind is WindowKind.BACKFILL:
            self.backfilled_through(window.end)
        elif window.kind is WindowKind.HISTORY:
            self.covered_from = min(self.covered_from or window.start, window.start)
        else:
            self.advance(window.end)
            if self.covered_from is None or window.start < self.covered_from:
                self.covered_from = window.start
        self.last_success_at = at
        self.last_error_code = None
        self.last_error_detail = None
        self.clear_pending()

    def failed(self, *, code: str, detail: str) -> None:
        self.last_error_code = code
        self.last_error_detail = detail[:500]

    def wait_for_report(self, report: str, window: Window) -> None:
        self.pending_report = report
        self.pending_kind = window.kind
        self.pending_start = window.start
        self.pending_end = window.end

    @property
    def pending_window(self) -> Window | None:
        if (
            self.pending_report is None
            or self.pending_kind is None
            or self.pending_start is None
            or self.pending_end is None
        ):
            return None
        return Window(self.pending_kind, self.pending_start, self.pending_end)

    def clear_pending(self) -> None:
        self.pending_report = None
        self.pending_kind = None
        self.pending_start = None
        self.pending_end = None

    def progress_percent(self, *, history_from: datetime, plan: DatasetPlan) -> int:
        """How much of [history_from, synced_until) is delivered."""
        if self.synced_until is None:
            return 0
        if plan.snapshot or self.covered_from is None:
            return 100
        reach = midnight(history_from) if plan.by_day else history_from
        total = (self.synced_until - reach).total_seconds()
        if total <= 0 or self.covered_from <= reach:
            return 100
        done = (self.synced_until - self.covered_from).total_seconds()
        return max(0, min(99, int(100 * done / total)))
