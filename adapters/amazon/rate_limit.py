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
from types import MappingProxyType

from attrs import define, frozen

# Float arithmetic on two clocks must not turn a whole token into 0.9999999 of one.
EPSILON = 1e-6
# The adapter sends a moment after its bucket says it may, so that Amazon's bucket, which
# refills on Amazon's clock, has refilled too.
SAFETY_MARGIN = 0.001
# The most of a token the refill-start correction may cost (see TokenBucket.settle).
SETTLE_CAP = 1.0


@frozen
class RatePlan:
    rate: float  # tokens added per second
    burst: int  # bucket size


# Amazon's documented default plans (AMAZON.md; sellers.json; Listings Items 2021-08-01).
RATE_PLANS: Mapping[str, RatePlan] = MappingProxyType(
    {
        "getMarketplaceParticipations": RatePlan(0.016, 15),
        "getAccount": RatePlan(0.016, 15),
        "getOrders": RatePlan(0.0167, 20),
        "searchListingsItems": RatePlan(5.0, 5),
        "getListingsItem": RatePlan(5.0, 10),
        "patchListingsItem": RatePlan(5.0, 5),
        # Reports API 2021-06-30 and FBA Inventory (AMAZON.md, from the models).
        "createReport": RatePlan(0.0167, 15),
        "getReport": RatePlan(2.0, 15),
        "getReportDocument": RatePlan(0.0167, 15),
        "getReports": RatePlan(0.0222, 10),
        "getInventorySummaries": RatePlan(2.0, 2),
        # Feeds API 2021-06-30 (models/feeds_2021-06-30.json).
        "createFeedDocument": RatePlan(0.5, 15),
        "createFeed": RatePlan(0.0083, 15),
        "getFeed": RatePlan(2.0, 15),
        "getFeedDocument": RatePlan(0.0222, 10),
    }
)


@define
class TokenBucket:
    """A bucket that starts full and refills continuously. Times are seconds on any
    monotonic scale the owner chooses (the sandbox uses its simulated clock)."""

    plan: RatePlan
    tokens: float
    updated: float
    anchor_pending: bool = False

    @classmethod
    def full(cls, plan: RatePlan, now: float) -> TokenBucket:
        return cls(plan, float(plan.burst), now)

    def _refill(self, now: float) -> None:
        if now > self.updated:
            self.tokens = min(
                float(self.plan.burst), self.tokens + (now - self.updated) * self.plan.rate
            )
            self.updated = now

    def try_take(self, now: float) -> bool:
        self._refill(now)
        if self.tokens >= 1.0 - EPSILON:
            self.tokens -= 1.0
            return True
        return False

    def wait_for_token(self, now: float) -> float:
        """Seconds until one whole token is available (0 if one is there now)."""
        self._refill(now)
        if self.tokens >= 1.0:
            return 0.0
        return (1.0 - self.tokens) / self.plan.rate

    def reserve(self, now: float) -> float:
        """Take a token now or in the future: returns how long the caller must wait before
        using it. Reserving keeps concurrent callers in line without a lock held while
        they sleep."""
        self._refill(now)
        if self.tokens >= self.plan.burst - EPSILON:
            self.anchor_pending = True
        self.tokens -= 1.0
        if self.tokens >= 0.0:
            return 0.0
        return -self.tokens / self.plan.rate

    def cancel_reservation(self) -> None:
        self.tokens += 1.0

    def settle(self, sent: float, received: float, cap: float) -> None:
        """Amazon's bucket starts refilling when Amazon takes the first token from a full
        bucket, somewhere between our sending and its answer; ours started at the sending.
        Once that answer is in, move our refill start to the answer (at most `cap` of a
        token), so that ours never runs ahead of Amazon's. Only the request that emptied a
        full bucket matters: while a bucket is not full both refill continuously."""
        if not self.anchor_pending:
            return
        self.anchor_pending = False
        self._refill(received)
        self.tokens -= min(cap, max(0.0, received - sent) * self.plan.rate)

    def drain(self, now: float) -> None:
        """Amazon said 429: whatever we believed, the bucket is empty now."""
        self._refill(now)
        self.tokens = min(self.tokens, 0.0)

    def set_rate(self, rate: float, now: float) -> None:
        self._refill(now)
        self.plan = RatePlan(rate, self.plan.burst)


class RateLimiter:
    """Buckets keyed by (selling partner, operation), shared by every thread of a process."""

    def __init__(
        self,
        seconds: Callable[[], float],
        plans: Mapping[str, RatePlan] = RATE_PLANS,
    ) -> None:
        self._seconds = seconds
        self._plans = plans
        self._buckets: dict[tuple[str, str], TokenBucket] = {}
        self._lock = threading.Lock()

    def _bucket(self, key: tuple[str, str], now: float) -> TokenBucket | None:
        bucket = self._buckets.get(key)
        if bucket is None:
            plan = self._plans.get(key[1])
            if plan is None:
                return None
            bucket = self._buckets[key] = TokenBucket.full(plan, now)
        return bucket

    def reserve(self, partner: str, operation: str, max_wait: float) -> float | None:
        """Reserve a token. Returns the wait (seconds) before sending, or None when the wait
        would exceed `max_wait` (nothing is reserved then)."""
        with self._lock:
            now = self._seconds()
            bucket = self._bucket((partner, operation), now)
            if bucket is None:
                return 0.0
            wait = bucket.reserve(now)
            if wait > 0:
                wait += SAFETY_MARGIN
            if wait > max_wait:
                bucket.cancel_reservation()
                return None
            return wait

    def wait_estimate(self, partner: str, operation: str) -> float:
        with self._lock:
            now = self._seconds()
            bucket = self._bucket((partner, operation), now)
            return 0.0 if bucket is None else bucket.wait_for_token(now)

    def settle(self, partner: str, operation: str, sent: float) -> None:
        with self._lock:
            now = self._seconds()
            bucket = self._bucket((partner, operation), now)
            if bucket is not None:
                bucket.settle(sent, now, SETTLE_CAP)

    def throttled(self, partner: str, operation: str) -> None:
        with self._lock:
            now = self._seconds()
            bucket = self._bucket((partner, operation), now)
            if bucket is not None:
                bucket.drain(now)

    def observe_limit(self, partner: str, operation: str, rate: float) -> None:
        """`x-amzn-RateLimit-Limit` tells the rate Amazon applies to this caller right now
        (AMAZON.md: best effort, never relied upon, so only a sane positive value counts)."""
        if not 0.0 < rate < 10_000:
            return
        with self._lock:
            now = self._seconds()
            bucket = self._bucket((partner, operation), now)
            if bucket is not None and abs(bucket.plan.rate - rate) > 1e-9:
                bucket.set_rate(rate, now)
