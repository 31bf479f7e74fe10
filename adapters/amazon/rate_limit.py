"""Token buckets: Amazon's usage plans, applied per (selling partner, operation).

SP-API throttles each selling partner and operation with a token bucket of a documented
rate and burst (AMAZON.md, sellers.json "Usage Plan"). The adapter keeps the same bucket on
its side so that it waits before Amazon would refuse instead of collecting 429s; the
sandbox enforces the same plans with the same class, so both sides agree by construction
of the data, not by sharing state.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping

from adapters.amazon.usage_plans import RATE_PLANS as _PLANS_FROM_MODELS
from domain.rate_budget import (
    SETTLE_CAP,
    BudgetKey,
    RatePlan,
    TokenBucket,
    product_headroom,
)

__all__ = ["RATE_PLANS", "BudgetKey", "RateLimiter", "RatePlan", "TokenBucket"]

# The usage plans of Amazon's models (usage_plans.py), by operation name.
RATE_PLANS = _PLANS_FROM_MODELS
# A bucket learnt from `x-amzn-RateLimit-Limit` for an operation the models do not list: the
# header tells the rate, never the burst, so assume none.
LEARNT_BURST = 1


class RateLimiter:
    """The rate budget of one process (application.ports.RateBudget): a bucket per
    BudgetKey, shared by every thread. On PostgreSQL the SQL budget replaces it so that every
    process spends the same buckets; on SQLite (one process) this is the budget."""

    def __init__(
        self,
        seconds: Callable[[], float],
        plans: Mapping[str, RatePlan] = RATE_PLANS,
    ) -> None:
        self._seconds = seconds
        self._plans = plans
        self._buckets: dict[BudgetKey, TokenBucket] = {}
        self._lock = threading.Lock()

    def _bucket(self, key: BudgetKey, now: float) -> TokenBucket | None:
        bucket = self._buckets.get(key)
        if bucket is None:
            plan = self._plans.get(key.operation)
            if plan is None:
                return None
            bucket = self._buckets[key] = TokenBucket.full(plan, now)
        return bucket

    def reserve(self, key: BudgetKey, max_wait: float, *, product: bool = False) -> float | None:
        """Reserve a token. Returns the wait (seconds) before sending, or None when the wait
        would exceed `max_wait` (nothing is reserved then)."""
        with self._lock:
            now = self._seconds()
            bucket = self._bucket(key, now)
            if bucket is None:
                return 0.0
            return bucket.reserve_within(now, max_wait, product=product)

    def wait_estimate(self, key: BudgetKey, *, product: bool = False) -> float:
        with self._lock:
            now = self._seconds()
            bucket = self._bucket(key, now)
            if bucket is None:
                return 0.0
            return bucket.wait_for_token(now, product_headroom(bucket.plan) if product else 0.0)

    def settle(self, key: BudgetKey, sent: float) -> None:
        with self._lock:
            now = self._seconds()
            bucket = self._bucket(key, now)
            if bucket is not None:
                bucket.settle(sent, now, SETTLE_CAP)

    def throttled(self, key: BudgetKey) -> None:
        with self._lock:
            now = self._seconds()
            bucket = self._bucket(key, now)
            if bucket is not None:
                bucket.drain(now)

    def observe_limit(self, key: BudgetKey, rate: float) -> None:
        """`x-amzn-RateLimit-Limit` tells the rate Amazon applies to this caller right now
        (AMAZON.md: best effort, never relied upon, so only a sane positive value counts). An
        operation without a documented plan gets a bucket at that rate."""
        if not 0.0 < rate < 10_000:
            return
        with self._lock:
            now = self._seconds()
            bucket = self._bucket(key, now)
            if bucket is None:
                self._buckets[key] = TokenBucket(RatePlan(rate, LEARNT_BURST), 0.0, now)
            elif abs(bucket.plan.rate - rate) > 1e-9:
                bucket.set_rate(rate, now)
