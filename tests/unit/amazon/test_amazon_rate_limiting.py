"""Token buckets, backoff and the transport's retry bounds, without a network (httpx's
MockTransport stands in for Amazon)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.amazon.rate_limit import RATE_PLANS, BudgetKey, RateLimiter, RatePlan, TokenBucket
from adapters.amazon.sandbox import SandboxClock
from adapters.amazon.settings import RetryPolicy
from adapters.amazon.transport import Call, Transport
from domain.errors import AmazonUnavailable, RateLimited

PLAN = RatePlan(0.5, 3)


def test_a_bucket_starts_full_and_refills_at_its_rate() -> None:
    bucket = TokenBucket.full(PLAN, 0.0)
    assert [bucket.try_take(0.0) for _ in range(4)] == [True, True, True, False]
    assert not bucket.try_take(1.9)
    assert bucket.try_take(2.0)
    assert bucket.wait_for_token(2.0) == pytest.approx(2.0)


def test_a_bucket_never_holds_more_than_its_burst() -> None:
    bucket = TokenBucket.full(PLAN, 0.0)
    bucket.try_take(0.0)
    assert [bucket.try_take(1000.0) for _ in range(4)] == [True, True, True, False]


@given(st.lists(st.floats(min_value=0, max_value=30), min_size=1, max_size=60))
def test_reservations_never_exceed_the_plan(gaps: list[float]) -> None:
    """However callers arrive, the times at which reserved tokens are used never exceed
    burst + rate x elapsed in any interval starting at zero."""
    bucket = TokenBucket.full(PLAN, 0.0)
    now, uses = 0.0, []
    for gap in gaps:
        now += gap
        uses.append(now + bucket.reserve(now))
    uses.sort()
    for count, at in enumerate(uses, start=1):
        assert count <= PLAN.burst + PLAN.rate * at + 1e-6


def key(partner: str, operation: str) -> BudgetKey:
    return BudgetKey("app", partner, "NA", operation)


def test_the_limiter_waits_short_and_refuses_long_waits() -> None:
    now = [0.0]
    limiter = RateLimiter(lambda: now[0], {"op": PLAN})
    assert [limiter.reserve(key("A", "op"), max_wait=0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.reserve(key("A", "op"), max_wait=1.0) is None  # needs 2 s
    wait = limiter.reserve(key("A", "op"), max_wait=5.0)
    assert wait == pytest.approx(2.0, abs=0.01)
    assert limiter.reserve(key("B", "op"), max_wait=0) == 0.0  # another partner's own bucket
    assert limiter.reserve(key("A", "unplanned"), max_wait=0) == 0.0


def test_a_429_empties_the_bucket() -> None:
    now = [0.0]
    limiter = RateLimiter(lambda: now[0], {"op": PLAN})
    limiter.throttled(key("A", "op"))
    assert limiter.wait_estimate(key("A", "op")) == pytest.approx(2.0)


def test_the_rate_limit_header_sets_the_rate() -> None:
    now = [0.0]
    limiter = RateLimiter(lambda: now[0], {"op": PLAN})
    limiter.observe_limit(key("A", "op"), 2.0)
    limiter.throttled(key("A", "op"))
    assert limiter.wait_estimate(key("A", "op")) == pytest.approx(0.5)
    limiter.observe_limit(key("A", "op"), -3.0)  # nonsense is ignored
    assert limiter.wait_estimate(key("A", "op")) == pytest.approx(0.5)


def test_settling_moves_the_refill_start_to_amazons_answer_once() -> None:
    bucket = TokenBucket.full(PLAN, 0.0)
    bucket.reserve(0.0)
    bucket.settle(0.0, 1.0, cap=1.0)  # Amazon may have taken it as late as t=1
    assert bucket.tokens == pytest.approx(2.0)
    bucket.reserve(1.0)
    bucket.settle(1.0, 2.0, cap=1.0)  # not from a full bucket: nothing to correct
    assert bucket.wait_for_token(2.0) == 0.0
    assert bucket.tokens == pytest.approx(1.5)


def test_amazons_documented_plans() -> None:
    assert RATE_PLANS["getMarketplaceParticipations"] == RatePlan(0.016, 15)
    assert RATE_PLANS["patchListingsItem"] == RatePlan(5.0, 5)


# ------------------------------------------------------------------------ transport


def _transport(
    handler: httpx.MockTransport, clock: SandboxClock, policy: RetryPolicy = RetryPolicy()
) -> Transport:
    return Transport(
        httpx.Client(transport=handler),
        policy=policy,
        limiter=RateLimiter(clock.seconds, RATE_PLANS),
        seconds=clock.seconds,
        sleep=clock.sleep,
        timeout=1.0,
        max_rate_wait=10.0,
        rng=random.Random(3),
    )


def _clock() -> SandboxClock:
    return SandboxClock(datetime(2026, 1, 1, tzinfo=UTC), scale=0)


def test_full_jitter_backoff_stays_under_its_exponential_ceiling() -> None:
    transport = _transport(httpx.MockTransport(lambda r: httpx.Response(200)), _clock())
    for attempt in range(8):
        delays = [transport.backoff(attempt) for _ in range(200)]
        ceiling = min(8.0, 0.5 * 2**attempt)
        assert all(0 <= d <= ceiling for d in delays)
        assert max(delays) > ceiling / 2


def test_5xx_is_retried_up_to_the_attempt_bound() -> None:
    calls = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(503)

    transport = _transport(httpx.MockTransport(answer), _clock())
    with pytest.raises(AmazonUnavailable) as caught:
        transport.send(Call("GET", "http://127.0.0.1/x"))
    assert len(calls) == 4
    assert caught.value.context == {"attempts": 4, "amazon_status": 503, "host": "127.0.0.1"}


def test_retries_stop_at_the_total_time_bound() -> None:
    clock = _clock()
    transport = _transport(
        httpx.MockTransport(lambda r: httpx.Response(500, headers={"Retry-After": "7"})),
        clock,
        RetryPolicy(max_attempts=10, max_total_seconds=20.0),
    )
    before = clock.now()
    with pytest.raises(AmazonUnavailable) as caught:
        transport.send(Call("GET", "http://127.0.0.1/x"))
    assert caught.value.context["attempts"] == 3  # 0, 7, 14; a third wait would pass 20 s
    assert clock.now() - before <= timedelta(seconds=20)


def test_retry_after_is_honoured() -> None:
    clock = _clock()
    answers = iter([httpx.Response(429, headers={"Retry-After": "30"}), httpx.Response(200)])
    transport = _transport(
        httpx.MockTransport(lambda r: next(answers)), clock, RetryPolicy(max_total_seconds=60)
    )
    before = clock.now()
    assert transport.send(Call("GET", "http://127.0.0.1/x")).status_code == 200
    assert clock.now() - before >= timedelta(seconds=30)


def test_persistent_429_is_rate_limited() -> None:
    transport = _transport(httpx.MockTransport(lambda r: httpx.Response(429)), _clock())
    with pytest.raises(RateLimited):
        transport.send(Call("GET", "http://127.0.0.1/x"))


def test_a_rate_limit_header_from_amazon_adjusts_the_bucket() -> None:
    clock = _clock()
    transport = _transport(
        httpx.MockTransport(
            lambda r: httpx.Response(200, headers={"x-amzn-RateLimit-Limit": "0.5"})
        ),
        clock,
    )
    op = "getMarketplaceParticipations"
    for _ in range(15):
        transport.send(Call("GET", "http://127.0.0.1/x", budget=key("A", op)))
    # Amazon said 0.5/s: the next token is 2 s away, not the documented 62.5 s.
    before = clock.now()
    transport.send(Call("GET", "http://127.0.0.1/x", budget=key("A", op)))
    assert timedelta(seconds=1.9) <= clock.now() - before <= timedelta(seconds=2.1)


def test_transport_failures_never_escape_as_httpx_errors() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    transport = _transport(httpx.MockTransport(refuse), _clock())
    with pytest.raises(AmazonUnavailable):
        transport.send(Call("GET", "http://127.0.0.1/x"))


def test_the_sandbox_clock_runs_scaled_and_only_forward() -> None:
    ticks = iter([0.0, 0.0, 2.0, 2.0])
    clock = SandboxClock(datetime(2026, 1, 1, tzinfo=UTC), scale=10, monotonic=lambda: next(ticks))
    assert clock.seconds() == 0.0
    assert clock.seconds() == 20.0
    with pytest.raises(ValueError, match="forward"):
        clock.advance(-1)
    frozen = _clock()
    frozen.sleep(5)
    assert frozen.now() == datetime(2026, 1, 1, 0, 0, 5, tzinfo=UTC)


@pytest.mark.parametrize(("repeatable", "attempts"), [(True, 4), (False, 1)])
def test_timeouts_are_retried_only_when_repeating_is_safe(repeatable: bool, attempts: int) -> None:
    calls = []

    def slow(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ReadTimeout("slow", request=request)

    transport = _transport(httpx.MockTransport(slow), _clock())
    with pytest.raises(AmazonUnavailable) as caught:
        transport.send(Call("POST", "http://127.0.0.1/x", retry_after_timeout=repeatable))
    assert len(calls) == attempts
    assert caught.value.context["attempts"] == attempts
