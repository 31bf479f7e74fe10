"""Token buckets, the arithmetic of Amazon's usage plans (DESIGN §11): a bucket of `burst`
tokens refilled at `rate` per second, one token per request. Pure, so the in-process budget,
the SQL budget (one row per bucket on PostgreSQL) and the sandbox's enforcement compute the
same numbers.
"""

from __future__ import annotations

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


# The share of a bucket a product's calls leave to sellerlink's own work (sync, setup,
# listings): a product's burst can delay that work, never starve it (DESIGN §11).
PRODUCT_HEADROOM = 0.1


def product_headroom(plan: RatePlan) -> float:
    """Tokens a product's call must leave in the bucket: at least one, else 10% of burst."""
    return max(1.0, PRODUCT_HEADROOM * plan.burst)


@frozen
class BudgetKey:
    """Whose bucket (DESIGN §11): one per app, selling partner (or Ads profile), region and
    operation, shared by the proxy, sync, setup and listings."""

    app: str
    partner: str
    region: str
    operation: str

    @property
    def text(self) -> str:
        return "|".join((self.app, self.partner, self.region, self.operation))


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

    def wait_for_token(self, now: float, keep: float = 0.0) -> float:
        """Seconds until one whole token is available above `keep` (0 if one is there)."""
        self._refill(now)
        if self.tokens >= keep + 1.0:
            return 0.0
        return (keep + 1.0 - self.tokens) / self.plan.rate

    def reserve(self, now: float, keep: float = 0.0) -> float:
        """Take a token now or in the future: returns how long the caller must wait before
        using it. Reserving keeps concurrent callers in line without a lock held while
        they sleep. `keep`: tokens the caller must leave in the bucket (a product's call
        leaves sellerlink's own work its headroom, see product_headroom)."""
        self._refill(now)
        if self.tokens >= self.plan.burst - EPSILON:
            self.anchor_pending = True
        self.tokens -= 1.0
        short = keep - self.tokens
        if short <= 0.0:
            return 0.0
        return short / self.plan.rate

    def cancel_reservation(self) -> None:
        self.tokens += 1.0

    def reserve_within(self, now: float, max_wait: float, *, product: bool) -> float | None:
        """A reservation the caller will wait for: the wait before sending (with the safety
        margin) or, when it would be longer than `max_wait`, None and nothing reserved.
        `product`: a product's call, which leaves sellerlink's own work its headroom."""
        wait = self.reserve(now, product_headroom(self.plan) if product else 0.0)
        if wait > 0:
            wait += SAFETY_MARGIN
        if wait > max_wait:
            self.cancel_reservation()
            return None
        return wait

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
