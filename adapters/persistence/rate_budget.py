"""The shared rate budget on PostgreSQL (DESIGN §11): application.ports.RateBudget as one
row per bucket, so the proxy, sync, setup and listings of every process spend the same
Amazon quota. Each operation on a bucket is one short transaction holding that row's lock
(SELECT ... FOR UPDATE, the token-bucket arithmetic of domain/rate_budget.py, UPDATE); no
lock is held while a caller waits for its reserved token. On SQLite, one process serves
everything and the in-process budget is used instead (bootstrap chooses).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, Row, Table, select, update
from sqlalchemy.dialects.postgresql import insert

from adapters.persistence.shared_state_rows import RateBucketRow
from domain.rate_budget import (
    SETTLE_CAP,
    BudgetKey,
    RatePlan,
    TokenBucket,
    product_headroom,
)

T = TypeVar("T")
_TABLE: Table = RateBucketRow.__table__  # type: ignore[assignment]
# A bucket learnt from `x-amzn-RateLimit-Limit` (no documented plan): no burst assumed.
LEARNT_BURST = 1


class SqlRateBudget:
    def __init__(
        self,
        engine: Engine,
        seconds: Callable[[], float],
        plans: Mapping[str, RatePlan],
    ) -> None:
        self._engine = engine
        self._seconds = seconds
        self._plans = plans

    def _locked(self, connection: Connection, key: BudgetKey) -> Row[Any] | None:
        return connection.execute(
            select(_TABLE).where(_TABLE.c.key == key.text).with_for_update()
        ).first()

    def _create(
        self, connection: Connection, key: BudgetKey, plan: RatePlan, tokens: float
    ) -> None:
        connection.execute(
            insert(_TABLE)
            .values(
                key=key.text,
                rate=plan.rate,
                burst=plan.burst,
                tokens=tokens,
                updated=self._seconds(),
                anchor_pending=False,
            )
            .on_conflict_do_nothing(index_elements=["key"])
        )

    def _with_bucket(self, key: BudgetKey, act: Callable[[TokenBucket, float], T], default: T) -> T:
        with self._engine.begin() as connection:
            row = self._locked(connection, key)
            if row is None:
                plan = self._plans.get(key.operation)
                if plan is None:
                    return default
                self._create(connection, key, plan, float(plan.burst))
                row = self._locked(connection, key)
                if row is None:  # pragma: no cover - the insert above guarantees a row
                    return default
            bucket = TokenBucket(
                RatePlan(row.rate, row.burst), row.tokens, row.updated, row.anchor_pending
            )
            result = act(bucket, self._seconds())
            connection.execute(
                update(_TABLE)
                .where(_TABLE.c.key == key.text)
                .values(
                    rate=bucket.plan.rate,
                    tokens=bucket.tokens,
                    updated=bucket.updated,
                    anchor_pending=bucket.anchor_pending,
                )
            )
            return result

    def reserve(self, key: BudgetKey, max_wait: float, *, product: bool = False) -> float | None:
        def act(bucket: TokenBucket, now: float) -> float | None:
            return bucket.reserve_within(now, max_wait, product=product)

        default: float | None = 0.0  # no documented plan and nothing learnt: no bucket
        return self._with_bucket(key, act, default)

    def wait_estimate(self, key: BudgetKey, *, product: bool = False) -> float:
        return self._with_bucket(
            key,
            lambda b, now: b.wait_for_token(now, product_headroom(b.plan) if product else 0.0),
            0.0,
        )

    def settle(self, key: BudgetKey, sent: float) -> None:
        self._with_bucket(key, lambda b, now: b.settle(sent, now, SETTLE_CAP), None)

    def throttled(self, key: BudgetKey) -> None:
        self._with_bucket(key, lambda b, now: b.drain(now), None)

    def observe_limit(self, key: BudgetKey, rate: float) -> None:
        if not 0.0 < rate < 10_000:
            return
        with self._engine.begin() as connection:
            if self._locked(connection, key) is None and key.operation not in self._plans:
                self._create(connection, key, RatePlan(rate, LEARNT_BURST), 0.0)
                return
        self._with_bucket(key, lambda b, now: b.set_rate(rate, now), None)
