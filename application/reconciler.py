"""The level-triggered reconciler: what background work is due, read from the database, as
job descriptions; and the one dispatcher that runs a job (DESIGN §8).

Level-triggered means the database state is the queue. A marketplace in Setting up, an
access token about to lapse, an authorization inside its last 30 days, a ready marketplace
whose cursor is an hour old, a cursor with a backfill pending: each of these *is* the record
that work is needed, and every pass finds it again until the work is done. So a lost job, a
crashed worker or a restart delays work by one pass and never loses it, and no job queue has
to be kept in step with the state (the job queue of the scale-out runtime only spreads the
passes' jobs over processes; see adapters/worker/procrastinate_runtime.py).

Every job is idempotent: it re-reads its state under the connection's row lock and does
nothing when the work is already done, so two workers (or two passes) given the same job do
the work once. A job's `key` names the thing it works on; runtimes use it to keep at most
one queued job per key.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from enum import StrEnum

from attrs import define, frozen

from application.app_credentials import WarnAppCredentialsExpiry, due_rotation_warnings
from application.context import Ports
from application.expiry_warnings import WarnBeforeExpiry, due_warnings
from application.listing_flush import FlushDueListings, FlushState, listing_work_due
from application.marketplace_setup import AdvanceMarketplaceSetup
from application.sync import RunBackfill, RunSyncCycle, SyncStatus
from application.sync_plans import can_sync
from application.tokens import REFRESH_AHEAD, GetAccessToken, due_token_refreshes
from application.unit_of_work import UnitOfWork
from application.webhook_outbox import DispatchWebhooks
from domain.connection import Connection
from domain.errors import (
    AmazonUnavailable,
    AppCredentialsRejected,
    ConcurrentUpdate,
    NotFound,
    RateLimited,
    TokenExpired,
    TokenRevoked,
)
from domain.grant import EXPIRY_WARNING, Channel
from domain.marketplace import IN_SETUP, MarketplaceState
from domain.records import DEFAULT_HISTORY_DAYS
from domain.refusals import DIAGNOSED
from domain.sync import SyncCursor
from domain.team import Team

_log = logging.getLogger("sellerlink.jobs")


class JobKind(StrEnum):
    REFRESH_TOKEN = "refresh_token"
    EXPIRY_WARNING = "expiry_warning"
    ADVANCE_SETUP = "advance_setup"
    SYNC_CYCLE = "sync_cycle"
    BACKFILL = "backfill"
    FLUSH_LISTINGS = "flush_listings"
    APP_CREDENTIALS_WARNING = "app_credentials_warning"
    # target: a webhook endpoint with due deliveries, or "" (publish the outbox only)
    DISPATCH_WEBHOOKS = "dispatch_webhooks"


@frozen
class Job:
    """One unit of background work. `target` is the channel (token refresh) or the
    marketplace id (setup, sync, backfill); plain strings so any queue can carry it."""

    kind: JobKind
    connection_id: str
    target: str = ""

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.connection_id}:{self.target}"

    def to_args(self) -> dict[str, str]:
        return {"kind": str(self.kind), "connection_id": self.connection_id, "target": self.target}

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Job:
        return cls(JobKind(args["kind"]), args["connection_id"], args.get("target", ""))


class JobStatus(StrEnum):
    DONE = "done"  # the work was done
    NOTHING_TO_DO = "nothing_to_do"  # already done by someone else, or no longer due
    RETRY_LATER = "retry_later"  # Amazon unavailable or throttling: the state is unchanged
    RECONNECT_REQUIRED = "reconnect_required"  # the authorization is gone; nothing to retry


@frozen
class JobResult:
    job: Job
    status: JobStatus
    detail: str = ""


@define
class Reconciler:
    """One pass: everything due now, as jobs, at most one per key. Reads only."""

    ports: Ports
    sync_cycle: RunSyncCycle

    def __call__(self) -> list[Job]:
        now = self.ports.clock.now()
        with self.ports.uow() as uow:
            connections = _ConnectionCache(uow)
            jobs = [
                *self._token_refreshes(uow, now),
                *self._expiry_warnings(uow, now),
                *self._setups(uow, now, connections),
                *self._syncs_longest_waiting_first(uow, now, connections),
                *self._backfills(uow, now, connections),
                *self._listing_batches(uow, now),
                *(
                    Job(JobKind.APP_CREDENTIALS_WARNING, "", str(channel))
                    for channel in due_rotation_warnings(self.ports, uow, now)
                ),
                *_webhook_dispatches(uow, now),
            ]
        seen: set[str] = set()
        unique = []
        for job in jobs:
            if job.key not in seen:
                seen.add(job.key)
                unique.append(job)
        return unique

    def _token_refreshes(self, uow: UnitOfWork, now: datetime) -> Iterable[Job]:
        for connection_id, channel in due_token_refreshes(uow, now):
            yield Job(JobKind.REFRESH_TOKEN, connection_id, str(channel))

    def _expiry_warnings(self, uow: UnitOfWork, now: datetime) -> Iterable[Job]:
        # The repository's bound is exclusive; the warning window includes its 30th day.
        horizon = now + EXPIRY_WARNING + timedelta(seconds=1)
        for connection in uow.connections.with_grants_expiring_before(horizon):
            if due_warnings(uow, connection, now):
                yield Job(JobKind.EXPIRY_WARNING, connection.id)

    def _setups(
        self, uow: UnitOfWork, now: datetime, connections: _ConnectionCache
    ) -> Iterable[Job]:
        for marketplace in uow.reads.marketplaces_in_states(IN_SETUP):
            connection = connections.get(marketplace.connection_id)
            if connection is None or connection.disconnected_at is not None:
                continue
            if not marketplace.due(now):
                continue  # backing off after a refusal a person must fix
            blocker = connection.setup_blocker(now)
            if blocker is not None and marketplace.waits_for(str(blocker.code)):
                continue  # says what it waits for; the authorization moves it on
            yield Job(JobKind.ADVANCE_SETUP, connection.id, marketplace.marketplace_id)

    def _syncs_longest_waiting_first(
        self, uow: UnitOfWork, now: datetime, connections: _ConnectionCache
    ) -> list[Job]:
        """Every marketplace with a dataset window due, each its own job, the one whose due
        dataset was served least recently first: marketplaces of one seller share a rate
        bucket, and a fixed order would hand every refill to the same one (DESIGN §9)."""
        due = sorted(self._syncs(uow, now, connections), key=lambda found: found[0])
        return [job for _, job in due]

    def _syncs(
        self, uow: UnitOfWork, now: datetime, connections: _ConnectionCache
    ) -> Iterable[tuple[datetime, Job]]:
        states = [MarketplaceState.SYNCING, MarketplaceState.READY]
        # Read once a pass, not once a marketplace: a pass runs every few seconds beside
        # the API, and two reads per marketplace were most of its statements.
        cursors: dict[tuple[str, str], list[SyncCursor]] | None = None
        teams: dict[str, Team] = {}
        for marketplace in uow.reads.marketplaces_in_states(states):
            connection = connections.get(marketplace.connection_id)
            if connection is None or not can_sync(connection, marketplace, now):
                continue
            if cursors is None:
                cursors = defaultdict(list)
                for cursor in uow.sync_cursors.list_all():
                    cursors[cursor.connection_id, cursor.marketplace_id].append(cursor)
                teams = {team.id: team for team in uow.teams.list_all()}
            team = teams.get(connection.team_id)
            days = team.history_days if team is not None else DEFAULT_HISTORY_DAYS
            since = self.sync_cycle.waiting_since(
                connection,
                marketplace.marketplace_id,
                cursors.get((connection.id, marketplace.marketplace_id), []),
                now,
                days,
            )
            if since is not None:
                yield since, Job(JobKind.SYNC_CYCLE, connection.id, marketplace.marketplace_id)

    def _listing_batches(self, uow: UnitOfWork, now: datetime) -> Iterable[Job]:
        return _listing_batches_of(uow, now)

    def _backfills(
        self, uow: UnitOfWork, now: datetime, connections: _ConnectionCache
    ) -> Iterable[Job]:
        for cursor in uow.sync_cursors.list_with_backfill():
            connection = connections.get(cursor.connection_id)
            if connection is None:
                continue
            marketplace = uow.marketplaces.get(cursor.connection_id, cursor.marketplace_id)
            if can_sync(connection, marketplace, now):
                yield Job(JobKind.BACKFILL, connection.id, cursor.marketplace_id)


def _listing_batches_of(uow: UnitOfWork, now: datetime) -> Iterable[Job]:
    """Seed 003's batches of inventory and price updates (application/listing_flush.py)."""
    for connection_id in uow.listings.connections_with_pending():
        if listing_work_due(uow, connection_id, now):
            yield Job(JobKind.FLUSH_LISTINGS, connection_id)


def _webhook_dispatches(uow: UnitOfWork, now: datetime) -> Iterable[Job]:
    """The outbox (application/webhook_outbox.py): one job per endpoint with something due,
    so several workers spread endpoints between them; each job publishes first."""
    due = uow.deliveries.endpoints_with_due(now)
    for endpoint_id in due:
        yield Job(JobKind.DISPATCH_WEBHOOKS, "", endpoint_id)
    if not due and uow.events.unpublished(1):
        yield Job(JobKind.DISPATCH_WEBHOOKS, "")


class _ConnectionCache:
    """The connections a pass looks at, loaded in one query the first time one is needed
    (a pass over N marketplaces would otherwise load N connections one by one)."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self._all: dict[str, Connection] | None = None

    def get(self, connection_id: str) -> Connection | None:
        if self._all is None:
            self._all = {c.id: c for c in self._uow.connections.list_all()}
        return self._all.get(connection_id)


@define
class RunJob:
    """Runs one job through its use case and says how it went. Amazon being unavailable or
    throttling is RETRY_LATER (a runtime may retry with backoff; the next pass will find the
    work anyway); a lapsed authorization is RECONNECT_REQUIRED, never retried. Anything else
    propagates: it is a bug, and the runtime logs it."""

    get_token: GetAccessToken
    warn: WarnBeforeExpiry
    advance_setup: AdvanceMarketplaceSetup
    sync_cycle: RunSyncCycle
    backfill: RunBackfill
    refresh_ahead: timedelta = REFRESH_AHEAD
    flush_listings: FlushDueListings | None = None
    ports: Ports | None = None
    webhooks: DispatchWebhooks | None = None

    def __call__(self, job: Job, *, found_at: float | None = None) -> JobResult:
        """`found_at` (epoch seconds): when a pass found the job due, for the lag metric.
        Every job leaves one log line with its team, connection, outcome and duration."""
        started = time.time()
        ports = self.ports
        if ports is None:
            return self._classified(job)
        team = self._team_of(ports, job.connection_id)
        attributes = {"job": str(job.kind), "connection": job.connection_id, "team": team}
        lag = max(0.0, started - found_at) if found_at is not None else 0.0
        try:
            with ports.tracer.span("job " + str(job.kind), attributes):
                result = self._classified(job)
        except Exception:
            # A bug (or the database going away): the runtime keeps going, the work stays
            # due. One line, with the traceback, instead of one per layer.
            seconds = time.time() - started
            ports.metrics.job_finished(str(job.kind), "error", seconds, lag)
            _log.exception("job", extra={**attributes, "target": job.target, "outcome": "error"})
            raise
        seconds = time.time() - started
        ports.metrics.job_finished(str(job.kind), str(result.status), seconds, lag)
        _log.info(
            "job",
            extra={
                **attributes,
                "target": job.target,
                "outcome": str(result.status),
                "detail": result.detail,
                "duration_ms": round(seconds * 1000, 1),
            },
        )
        return result

    @staticmethod
    def _team_of(ports: Ports, connection_id: str) -> str:
        with ports.uow() as uow:
            connection = uow.connections.get(connection_id)
        return connection.team_id if connection is not None else ""

    def _classified(self, job: Job) -> JobResult:
        try:
            return self._run(job)
        except (AmazonUnavailable, RateLimited, ConcurrentUpdate, AppCredentialsRejected) as error:
            # AppCredentialsRejected: the app's alarm is raised once and backs off; the
            # work stays due. ConcurrentUpdate: someone changed the same record meanwhile;
            # nothing was written, and the next attempt reads the new state.
            return JobResult(job, JobStatus.RETRY_LATER, str(error.code))
        except (TokenRevoked, TokenExpired) as error:
            return JobResult(job, JobStatus.RECONNECT_REQUIRED, str(error.code))
        except DIAGNOSED as error:
            # A refusal a person must fix (DESIGN §9): diagnosed, never retried in a loop.
            return JobResult(job, JobStatus.RETRY_LATER, str(error.code))
        except NotFound:
            return JobResult(job, JobStatus.NOTHING_TO_DO, "gone")

    def _run(self, job: Job) -> JobResult:
        if job.kind is JobKind.REFRESH_TOKEN:
            token = self.get_token(job.connection_id, Channel(job.target), ahead=self.refresh_ahead)
            return JobResult(job, JobStatus.DONE if token.refreshed else JobStatus.NOTHING_TO_DO)
        if job.kind is JobKind.EXPIRY_WARNING:
            events = self.warn(job.connection_id)
            status = JobStatus.DONE if events else JobStatus.NOTHING_TO_DO
            return JobResult(job, status, ", ".join(e.data.get("stage", "") for e in events))
        if job.kind is JobKind.ADVANCE_SETUP:
            step = self.advance_setup(job.connection_id, job.target)
            if step.waiting is not None:
                return JobResult(job, JobStatus.RETRY_LATER, step.waiting)
            moved = step.before is not step.after
            detail = f"{step.before} -> {step.after}"
            return JobResult(job, JobStatus.DONE if moved else JobStatus.NOTHING_TO_DO, detail)
        if job.kind is JobKind.FLUSH_LISTINGS:
            return self._flush_listings(job)
        if job.kind is JobKind.APP_CREDENTIALS_WARNING:
            if self.ports is None:
                return JobResult(job, JobStatus.NOTHING_TO_DO, "no ports")
            teams = WarnAppCredentialsExpiry(self.ports)(Channel(job.target))
            return JobResult(job, JobStatus.DONE if teams else JobStatus.NOTHING_TO_DO)
        if job.kind is JobKind.DISPATCH_WEBHOOKS:
            return self._dispatch_webhooks(job)
        runner = self.sync_cycle if job.kind is JobKind.SYNC_CYCLE else self.backfill
        outcome = runner(job.connection_id, job.target)
        status = {
            SyncStatus.DONE: JobStatus.DONE,
            SyncStatus.NOT_DUE: JobStatus.NOTHING_TO_DO,
            SyncStatus.RETRY_LATER: JobStatus.RETRY_LATER,
            SyncStatus.RECONNECT_REQUIRED: JobStatus.RECONNECT_REQUIRED,
        }[outcome.status]
        return JobResult(job, status, f"{outcome.windows} windows, {outcome.records} records")

    def _dispatch_webhooks(self, job: Job) -> JobResult:
        if self.webhooks is None:
            return JobResult(job, JobStatus.NOTHING_TO_DO, "webhooks not wired")
        report = self.webhooks(job.target or None)
        done = report.published or report.claimed
        detail = (
            f"{report.published} published, {report.delivered} delivered, "
            f"{report.failed_attempts} failed attempts"
        )
        return JobResult(job, JobStatus.DONE if done else JobStatus.NOTHING_TO_DO, detail)

    def _flush_listings(self, job: Job) -> JobResult:
        if self.flush_listings is None:
            return JobResult(job, JobStatus.NOTHING_TO_DO, "listing updates not wired")
        outcome = self.flush_listings.connection(job.connection_id)
        status = {
            FlushState.SENT: JobStatus.DONE,
            FlushState.RETRY: JobStatus.RETRY_LATER,
            FlushState.PAUSED: JobStatus.RECONNECT_REQUIRED,
        }.get(outcome.state, JobStatus.NOTHING_TO_DO)
        detail = f"{outcome.sent} sent, {outcome.accepted} accepted, {outcome.rejected} refused"
        return JobResult(job, status, detail)
