"""The procrastinate runtime's own rules, without PostgreSQL: jittered backoff, the tick,
the database URL, and one queued job per key (procrastinate's InMemoryConnector)."""

from __future__ import annotations

import asyncio

import procrastinate
import pytest
from procrastinate import testing
from procrastinate.jobs import Job as ProcrastinateJob

from adapters.worker.procrastinate_runtime import (
    JitteredBackoff,
    RetryLater,
    _cron,
    defer_jobs,
    libpq_url,
)
from application.reconciler import Job, JobKind


def _job(attempts: int) -> ProcrastinateJob:
    return ProcrastinateJob(
        id=1, queue="sellerlink", lock=None, queueing_lock=None, task_name="t", attempts=attempts
    )


@pytest.mark.parametrize("attempts", [0, 1, 2, 5, 10])
def test_backoff_waits_between_half_and_all_of_the_exponential_ceiling(attempts):
    low = JitteredBackoff(rng=lambda: 0.0, max_attempts=100)
    high = JitteredBackoff(rng=lambda: 0.999999, max_attempts=100)
    ceiling = min(300.0, 2.0 * 2**attempts)
    assert low.delay(attempts) == pytest.approx(ceiling / 2)
    assert ceiling / 2 < high.delay(attempts) <= ceiling


def test_only_amazon_being_unavailable_is_retried_and_not_forever():
    strategy = JitteredBackoff(max_attempts=3)
    assert strategy.get_retry_decision(exception=RetryLater("x"), job=_job(0)) is not None
    assert strategy.get_retry_decision(exception=RetryLater("x"), job=_job(2)) is None
    assert strategy.get_retry_decision(exception=ValueError("bug"), job=_job(0)) is None


def test_retries_of_many_jobs_spread_out():
    strategy = JitteredBackoff()
    delays = {round(strategy.delay(4), 3) for _ in range(50)}
    assert len(delays) > 40


@pytest.mark.parametrize(
    ("interval", "cron"),
    [(30, "* * * * * */30"), (1, "* * * * * */1"), (30.0, "* * * * * */30"), (120, "*/2 * * * *")],
)
def test_the_reconciler_tick_as_cron(interval, cron):
    assert _cron(interval) == cron


@pytest.mark.parametrize("interval", [0, -5, 7, 2.5])
def test_a_tick_must_fit_the_minute(interval):
    with pytest.raises(ValueError, match="interval"):
        _cron(interval)


def test_database_urls_become_libpq_urls():
    assert libpq_url("postgresql+psycopg://u:p@127.0.0.1:5/db") == "postgresql://u:p@127.0.0.1:5/db"
    assert libpq_url("postgresql://h/db") == "postgresql://h/db"
    with pytest.raises(ValueError, match="PostgreSQL"):
        libpq_url("sqlite:///x.db")


def test_a_thing_never_has_two_jobs_waiting():
    connector = testing.InMemoryConnector()
    papp = procrastinate.App(connector=connector)

    @papp.task(name="sellerlink.run_job", queue="sellerlink")
    def run_job(kind: str, connection_id: str, target: str = "", found_at: float = 0.0) -> None:
        return None

    jobs = [
        Job(JobKind.REFRESH_TOKEN, "con_1", "sp_api"),
        Job(JobKind.REFRESH_TOKEN, "con_1", "ads"),
        Job(JobKind.ADVANCE_SETUP, "con_1", "ATVPDKIKX0DER"),
    ]

    async def scenario() -> tuple[int, int]:
        async with papp.open_async():
            first = await defer_jobs(run_job, jobs)
            again = await defer_jobs(run_job, jobs)  # the next tick, nothing run yet
            return first, again

    first, again = asyncio.run(scenario())
    assert (first, again) == (3, 0)
    assert len(connector.jobs) == 3
    assert {j["queueing_lock"] for j in connector.jobs.values()} == {j.key for j in jobs}
