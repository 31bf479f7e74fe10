"""The shared rate budget on PostgreSQL (DESIGN §11): every process spends the same bucket,
one row updated under its lock, so two processes together never take more than Amazon's
burst plus its rate, and what one learns (a 429, a new rate) the other sees."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from adapters.persistence import SqlDatabase
from adapters.persistence.rate_budget import SqlRateBudget
from domain.rate_budget import BudgetKey, RatePlan
from harness.databases import empty_database
from tests.integration.persistence.conftest import same_database

pytestmark = pytest.mark.postgres

PLANS = {"getOrders": RatePlan(10.0, 5)}
KEY = BudgetKey("app", "A1SELLER", "NA", "getOrders")
NOW = [1_000.0]


@pytest.fixture
def budgets(postgres_sql_db: SqlDatabase) -> Iterator[tuple[SqlRateBudget, SqlRateBudget]]:
    empty_database(postgres_sql_db)
    other = same_database(postgres_sql_db)  # another process, as far as the database knows
    yield (
        SqlRateBudget(postgres_sql_db.engine, lambda: NOW[0], PLANS),
        SqlRateBudget(other.engine, lambda: NOW[0], PLANS),
    )
    other.dispose()


def test_two_processes_spend_one_bucket_without_double_spending(
    budgets: tuple[SqlRateBudget, SqlRateBudget],
) -> None:
    waits: list[float] = []
    lock = threading.Lock()

    def spend(budget: SqlRateBudget) -> None:
        for _ in range(5):
            wait = budget.reserve(KEY, max_wait=60.0)
            assert wait is not None
            with lock:
                waits.append(wait)

    threads = [threading.Thread(target=spend, args=(budgets[i % 2],)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # 30 reservations at one instant: the burst of 5 goes at once, then one every 0.1 s.
    assert sorted(round(w, 2) for w in waits) == [0.0] * 5 + [
        round(k / 10 + 0.001, 2) for k in range(1, 26)
    ]


def test_a_429_seen_by_one_process_holds_back_the_other(
    budgets: tuple[SqlRateBudget, SqlRateBudget],
) -> None:
    first, second = budgets
    assert first.reserve(KEY, max_wait=0.0) == 0.0
    first.throttled(KEY)
    assert second.reserve(KEY, max_wait=0.01) is None  # nothing reserved: it would wait
    assert second.wait_estimate(KEY) == pytest.approx(0.1)


def test_an_operation_without_a_documented_plan_learns_its_rate(
    budgets: tuple[SqlRateBudget, SqlRateBudget],
) -> None:
    first, second = budgets
    unknown = BudgetKey("app", "A1SELLER", "NA", "GET /catalog/{}/items/{}")
    assert first.reserve(unknown, max_wait=0.0) == 0.0  # nothing known: not held back
    first.observe_limit(unknown, 2.0)
    assert second.wait_estimate(unknown) == pytest.approx(0.5)
