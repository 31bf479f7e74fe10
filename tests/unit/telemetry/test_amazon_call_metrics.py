"""The Amazon transport counts what operators alert on: every exchange by API,
operation and status, 429s from Amazon, waits for the rate budget, and calls the budget
refused to wait for. httpx's MockTransport stands in for Amazon; the counts are read from
a registry of the test's own."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import httpx
import pytest
from prometheus_client import CollectorRegistry

from adapters.amazon.rate_limit import RATE_PLANS, BudgetKey, RateLimiter
from adapters.amazon.sandbox import SandboxClock
from adapters.amazon.settings import RetryPolicy
from adapters.amazon.transport import Call, Transport
from adapters.telemetry import PrometheusMetrics
from domain.errors import RateLimited

SP = "https://sellingpartnerapi-na.amazon.com"


def _transport(
    answer: httpx.MockTransport, registry: CollectorRegistry, max_wait: float
) -> Transport:
    clock = SandboxClock(datetime(2026, 1, 1, tzinfo=UTC), scale=0)
    return Transport(
        httpx.Client(transport=answer),
        policy=RetryPolicy(),
        limiter=RateLimiter(clock.seconds, RATE_PLANS),
        seconds=clock.seconds,
        sleep=clock.sleep,
        timeout=1.0,
        max_rate_wait=max_wait,
        rng=random.Random(3),
        metrics=PrometheusMetrics(registry),
    )


def _value(registry: CollectorRegistry, name: str, **labels: str) -> float:
    return registry.get_sample_value(name, labels) or 0.0


def test_calls_429s_and_budget_waits_are_counted() -> None:
    registry = CollectorRegistry()
    answers = iter([httpx.Response(429), *[httpx.Response(200, json={"payload": []})] * 40])
    transport = _transport(httpx.MockTransport(lambda r: next(answers)), registry, 120.0)
    call = Call(
        "GET",
        SP + "/listings/2021-08-01/items/A1SELLER",
        budget=BudgetKey("app", "A1SELLER", "NA", "searchListingsItems"),
    )
    for _ in range(12):  # burst 5: the later ones wait for the bucket
        transport.send(call)
    labels = {"api": "sp_api", "operation": "searchListingsItems"}
    assert _value(registry, "sellerlink_amazon_calls_total", **labels, status="429") == 1
    assert _value(registry, "sellerlink_amazon_calls_total", **labels, status="200") == 12
    assert _value(registry, "sellerlink_amazon_throttled_total", **labels, source="amazon") == 1
    assert _value(registry, "sellerlink_rate_budget_wait_seconds_count", **labels) >= 2
    assert _value(registry, "sellerlink_rate_budget_wait_seconds_sum", **labels) > 0


def test_a_call_the_budget_will_not_wait_for_is_counted_as_budget_throttled() -> None:
    registry = CollectorRegistry()
    transport = _transport(
        httpx.MockTransport(lambda r: httpx.Response(200, json={"payload": []})), registry, 0.0
    )
    call = Call(
        "GET", SP + "/orders/v0/orders", budget=BudgetKey("app", "A1SELLER", "NA", "getOrders")
    )
    for _ in range(20):  # burst 20
        transport.send(call)
    with pytest.raises(RateLimited):
        transport.send(call)
    labels = {"api": "sp_api", "operation": "getOrders", "source": "budget"}
    assert _value(registry, "sellerlink_amazon_throttled_total", **labels) == 1


def test_lwa_and_ads_calls_are_told_apart_by_their_path() -> None:
    registry = CollectorRegistry()
    transport = _transport(
        httpx.MockTransport(lambda r: httpx.Response(200, json={})), registry, 1.0
    )
    transport.send(Call("POST", "https://api.amazon.com/auth/o2/token", label="Login with Amazon"))
    transport.send(
        Call("GET", "https://advertising-api.amazon.com/v2/profiles", label="Ads profiles")
    )
    assert _value(registry, "sellerlink_amazon_calls_total", api="lwa",
                  operation="Login with Amazon", status="200") == 1  # fmt: skip
    assert _value(registry, "sellerlink_amazon_calls_total", api="ads",
                  operation="Ads profiles", status="200") == 1  # fmt: skip
