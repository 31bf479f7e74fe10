"""The scale-out runtime: the reconciler's jobs spread over worker processes with procrastinate
on PostgreSQL (`sellerlink worker`; DESIGN §8).

Two procrastinate tasks:
- `sellerlink.reconcile` (periodic, every `interval` seconds, deferred once per tick however
  many workers run): requeues the jobs of workers that died (procrastinate's heartbeat tells
  which), then runs a reconciler pass and defers one `sellerlink.run_job` per due Job, with
  the Job's key as procrastinate's queueing lock, so a thing never has two jobs waiting.
- `sellerlink.run_job`: runs one Job through application.reconciler.RunJob. Amazon being
  unavailable or throttling raises RetryLater, which procrastinate retries with exponential
  backoff and jitter (JitteredBackoff), so a 5xx storm is not met by every worker at once.

Why jobs are not deferred in the same transaction as the state change that needs them: the
state change itself is the durable record (a marketplace in Setting up, a token near its
end, a cursor with a backfill pending), and the reconciler turns it into a job on its next
tick. That is the transactional-outbox guarantee without an outbox: nothing committed can be
missed, and nothing rolled back can leave a job behind. Deferring from inside the SQL unit of
work would need the persistence adapter to write procrastinate's tables (coupling two
adapters, which import-linter forbids) for a latency gain of at most `interval` seconds.
"""

from __future__ import annotations

import asyncio
import logging
import random
import threading
import time
from collections.abc import Callable
from typing import Any

import procrastinate
import psycopg
from procrastinate import exceptions as procrastinate_errors
from procrastinate.jobs import Job as ProcrastinateJob
from procrastinate.retry import BaseRetryStrategy, RetryDecision

from application.app import Application
from application.reconciler import Job, JobStatus

log = logging.getLogger("sellerlink.worker")

QUEUE = "sellerlink"
RUN_JOB = "sellerlink.run_job"
RECONCILE = "sellerlink.reconcile"
# A worker silent this long is dead: its jobs are requeued.
STALLED_AFTER_SECONDS = 30.0
# Serializes procrastinate schema installs when several workers start at once.
_SCHEMA_LOCK_KEY = 0x5E11_0B0B


class RetryLater(Exception):
    """Amazon was unavailable or throttling: the job runs again after a backoff."""


class JitteredBackoff(BaseRetryStrategy):
    """Exponential backoff with "equal jitter": attempt n waits between half and all of
    min(cap, base * 2**n) seconds, so retries of many jobs spread out instead of arriving
    together. Only RetryLater is retried; a bug fails the job (the reconciler will find the
    work again on its next pass anyway)."""

    def __init__(
        self,
        *,
        base: float = 2.0,
        cap: float = 300.0,
        max_attempts: int = 8,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.base = base
        self.cap = cap
        self.max_attempts = max_attempts
        self.rng = rng

    def delay(self, attempts: int) -> float:
        ceiling = min(self.cap, self.base * 2.0**attempts)
        return ceiling / 2 + self.rng() * ceiling / 2

    def get_retry_decision(
        self, *, exception: BaseException, job: ProcrastinateJob
    ) -> RetryDecision | None:
        if not isinstance(exception, RetryLater) or job.attempts + 1 >= self.max_attempts:
            return None
        # procrastinate takes whole units; milliseconds keep the jitter.
        return RetryDecision(retry_in={"milliseconds": round(self.delay(job.attempts) * 1000)})


def libpq_url(database_url: str) -> str:
    """SQLAlchemy's `postgresql+psycopg://...` as the libpq URL procrastinate wants."""
    scheme, sep, rest = database_url.partition("://")
    if not sep or not scheme.startswith("postgresql"):
        raise ValueError("the procrastinate runtime needs a PostgreSQL database URL")
    return "postgresql://" + rest


class _AppHolder:
    """This process's Application, built on first use (after procrastinate forked nothing:
    procrastinate runs in one process, tasks in its threads)."""

    def __init__(self, factory: Callable[[], Application]) -> None:
        self._factory = factory
        self._app: Application | None = None
        self._lock = threading.Lock()

    def get(self) -> Application:
        with self._lock:
            if self._app is None:
                self._app = self._factory()
            return self._app


def create_procrastinate_app(
    app_factory: Callable[[], Application], database_url: str, *, interval: float = 30
) -> procrastinate.App:
    """The procrastinate App with sellerlink's two tasks. `interval` (seconds, 1-59 and a
    divisor of 60, or a multiple of 60) is the reconciler's tick."""
    connector = procrastinate.PsycopgConnector(conninfo=libpq_url(database_url))
    papp = procrastinate.App(connector=connector)
    holder = _AppHolder(app_factory)

    @papp.task(name=RUN_JOB, queue=QUEUE, retry=JitteredBackoff())
    def run_job(kind: str, connection_id: str, target: str = "", found_at: float = 0.0) -> str:
        job = Job.from_args({"kind": kind, "connection_id": connection_id, "target": target})
        result = holder.get().run_job(job, found_at=found_at or None)
        if result.status is JobStatus.RETRY_LATER:
            raise RetryLater(f"{job.key}: {result.detail}")
        return str(result.status)

    @papp.periodic(cron=_cron(interval))
    @papp.task(name=RECONCILE, queue=QUEUE, queueing_lock=RECONCILE)
    async def reconcile(timestamp: int) -> int:
        await requeue_stalled(papp)
        jobs = await asyncio.to_thread(holder.get().reconcile)
        return await defer_jobs(run_job, jobs)

    papp.sellerlink_run_job = run_job  # type: ignore[attr-defined]
    papp.sellerlink_reconcile = reconcile  # type: ignore[attr-defined]
    return papp


async def defer_jobs(task: Any, jobs: list[Job]) -> int:
    deferred = 0
    for job in jobs:
        try:
            await task.configure(queueing_lock=job.key).defer_async(
                **job.to_args(), found_at=time.time()
            )
            deferred += 1
        except procrastinate_errors.AlreadyEnqueued:
            continue  # one is already waiting for this thing
    return deferred


async def requeue_stalled(papp: procrastinate.App) -> int:
    """Jobs left in `doing` by a worker that stopped sending heartbeats (killed, or its host
    died) go back to the queue. The jobs are idempotent, so a job that did finish its work
    before its worker died does nothing the second time."""
    requeued = 0
    for job in await papp.job_manager.get_stalled_jobs(
        seconds_since_heartbeat=STALLED_AFTER_SECONDS
    ):
        try:
            await papp.job_manager.retry_job(job)
            requeued += 1
        except Exception:
            # Typically: the reconciler already queued a job under the same lock.
            log.info("stalled job %s not requeued", job.id, exc_info=True)
    return requeued


def _cron(interval: float) -> str:
    if interval <= 0 or interval != int(interval):
        raise ValueError("interval must be a positive whole number of seconds")
    interval = int(interval)
    if interval % 60 == 0:
        return f"*/{interval // 60} * * * *"
    if 60 % interval:
        raise ValueError("an interval under a minute must divide 60")
    return f"* * * * * */{interval}"


def ensure_schema(database_url: str, papp: procrastinate.App) -> bool:
    """Installs procrastinate's tables if they are missing; returns whether it did. An
    advisory lock lets several workers start together."""
    with psycopg.connect(libpq_url(database_url)) as connection:
        connection.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK_KEY,))
        row = connection.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()
        if row is not None and row[0] is not None:
            return False
        connection.execute(papp.schema_manager.get_schema())
        connection.commit()
        return True


def run_procrastinate_worker(
    app_factory: Callable[[], Application],
    database_url: str,
    concurrency: int = 4,
    interval: float = 30,
    *,
    schedule_every: float | None = None,
    install_signal_handlers: bool = True,
) -> None:
    """`sellerlink worker`: install procrastinate's schema if needed, run one reconciler
    pass at once (a restarted worker does not wait a tick), then work until SIGINT/SIGTERM.
    `schedule_every` (tests) also runs a pass every that many seconds from this process."""
    papp = create_procrastinate_app(app_factory, database_url, interval=interval)
    ensure_schema(database_url, papp)

    async def main() -> None:
        async with papp.open_async():
            reconcile = papp.sellerlink_reconcile  # type: ignore[attr-defined]
            worker = asyncio.create_task(
                papp.run_worker_async(
                    queues=[QUEUE],
                    concurrency=concurrency,
                    install_signal_handlers=install_signal_handlers,
                    wait=True,
                )
            )
            await reconcile(0)
            while schedule_every and not worker.done():
                await asyncio.sleep(schedule_every)
                await reconcile(0)
            await worker

    asyncio.run(main())
