"""Sync: the seller's data, per (marketplace, dataset), into records (DESIGN §12; seed 004).
The worker's two jobs: a marketplace's regular cycle and its backfill after a reconnect.

Each dataset of a marketplace has a SyncCursor (domain/sync.py): the most recent window
first (the marketplace is Ready once every dataset the account has delivered it), then
regular cycles toward now, and history backwards to the team's `history_days` in the
background. A reconnect after a gap sets a backfill that walks exactly the gap. A job does
a bounded number of windows (application/sync_window.py), one dataset at a time in turn,
and hands back to the worker; the next pass continues.

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
from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from attrs import define, frozen

from application.context import Ports
from application.sync_plans import PLANS, account_datasets, can_sync, due_datasets, history_start
from application.sync_window import DatasetSync, Step
from application.tokens import GetAccessToken
from application.unit_of_work import UnitOfWork
from domain.connection import Connection
from domain.errors import AmazonUnavailable, DomainError, TokenExpired, TokenRevoked
from domain.records import DEFAULT_HISTORY_DAYS, Dataset
from domain.sync import DatasetPlan, SyncCursor, WindowKind

# Windows one job fetches before handing back to the worker (the next pass continues).
WINDOWS_PER_JOB = 32
# History windows per dataset in one job: the rate budget is the seller's across all its
# marketplaces, so one marketplace's history must not spend it before the next marketplace
# has its most recent windows (and its share of history) in the same pass.
HISTORY_PER_JOB = 3
# Windows of a dataset one job takes while another marketplace of the same connection waits
# for the same dataset (and so for the same rate bucket): its turn, before the next one's.
SHARED_TURN = 3


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
                    if step is not Step.NOTHING:
                        taken[dataset] += 1
                    if (
                        step is not Step.DELIVERED
                        or history[dataset] >= HISTORY_PER_JOB
                        or (dataset in shared and taken[dataset] >= SHARED_TURN)
                    ):
                        # Nothing more now, Amazon is preparing a report, or this dataset
                        # had its share of history, or its turn of a shared bucket, for
                        # this pass.
                        datasets.remove(dataset)
                    if step is not Step.NOTHING:
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
class _SyncJobRunner:
    """What the worker's two sync jobs share: the ports, the token, the plans and the
    windows a job may take; they differ only in which windows they walk."""

    ports: Ports
    get_token: GetAccessToken
    windows_per_job: int = WINDOWS_PER_JOB
    plans: dict[Dataset, DatasetPlan] = PLANS
    backfill: ClassVar[bool] = False

    def __call__(self, connection_id: str, marketplace_id: str) -> SyncOutcome:
        sync = DatasetSync(self.ports, self.get_token, self.plans)
        return _Job(sync, self.windows_per_job, self.backfill)(connection_id, marketplace_id)


@define
class RunSyncCycle(_SyncJobRunner):
    """The worker's job: bring one marketplace's datasets up to now (the most recent window
    first), then history backwards."""

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
class RunBackfill(_SyncJobRunner):
    """The worker's job after a reconnect: retrieve the missed window of every dataset,
    step by step, then say so (seed 004: "Any missed data will typically be retrieved")."""

    backfill: ClassVar[bool] = True
