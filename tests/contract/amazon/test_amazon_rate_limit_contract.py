"""Rate limits: the sandbox enforces Amazon's usage plans per selling partner; the adapter
keeps to them (waiting or raising RATE_LIMITED instead of collecting 429s), retries 429
with backoff, and honours `x-amzn-RateLimit-Limit` (AMAZON.md "Throttling")."""

from __future__ import annotations

from collections.abc import Iterator

import attrs
import pytest

from adapters.amazon import AmazonHttpGateway, AmazonSettings, RetryPolicy
from adapters.amazon.sandbox import SandboxClock
from domain.connection import Region
from domain.errors import RateLimited
from domain.grant import Channel
from domain.rate_budget import BudgetKey
from domain.secret import Secret
from tests.contract.amazon.sandbox_helpers import Amazon

PARTICIPATIONS = "getMarketplaceParticipations"


def _sp_token(amazon: Amazon, gateway: AmazonHttpGateway, account: str = "us-seller") -> Secret:
    code = amazon.sp_code(account)[1]
    return gateway.exchange_code(Channel.SP_API, Region.NA, code).access_token


def _raw_participations(amazon: Amazon, token: Secret) -> int:
    return amazon.http.get(
        f"{amazon.base}/sellers/v1/marketplaceParticipations",
        headers={"x-amz-access-token": token.reveal()},
    ).status_code


def test_the_sandbox_allows_a_burst_of_15_then_answers_429_quota_exceeded(
    amazon: Amazon, gateway: AmazonHttpGateway
) -> None:
    token = _sp_token(amazon, gateway)
    statuses = [_raw_participations(amazon, token) for _ in range(16)]
    assert statuses == [200] * 15 + [429]


def test_the_sandbox_refills_at_0_016_per_second(
    amazon: Amazon, gateway: AmazonHttpGateway
) -> None:
    token = _sp_token(amazon, gateway)
    for _ in range(15):
        _raw_participations(amazon, token)
    amazon.admin("clock", {"advance_seconds": 60})
    assert _raw_participations(amazon, token) == 429  # 0.96 of a token
    amazon.admin("clock", {"advance_seconds": 3})
    assert _raw_participations(amazon, token) == 200


def test_limits_are_per_selling_partner(amazon: Amazon, gateway: AmazonHttpGateway) -> None:
    us = _sp_token(amazon, gateway, "us-seller")
    eu = _sp_token(amazon, gateway, "eu-seller")
    for _ in range(15):
        _raw_participations(amazon, us)
    assert _raw_participations(amazon, us) == 429
    assert _raw_participations(amazon, eu) == 200


def test_the_adapter_raises_rate_limited_instead_of_collecting_429s(
    amazon: Amazon, gateway: AmazonHttpGateway
) -> None:
    token = _sp_token(amazon, gateway)
    for _ in range(15):
        gateway.marketplace_participations(Region.NA, token, "A1SBXUSSELLER01")
    with pytest.raises(RateLimited) as caught:
        gateway.marketplace_participations(Region.NA, token, "A1SBXUSSELLER01")
    assert amazon.sandbox_429s(PARTICIPATIONS) == 0
    assert 60 < caught.value.context["retry_after_seconds"] <= 63
    # Once the bucket has refilled the next call passes.
    amazon.admin("clock", {"advance_seconds": 63})
    assert gateway.marketplace_participations(Region.NA, token, "A1SBXUSSELLER01")


@pytest.fixture
def patient(settings: AmazonSettings, clock: SandboxClock) -> Iterator[AmazonHttpGateway]:
    """A gateway allowed to wait a whole refill (62.5 s) for its bucket."""
    gateway = AmazonHttpGateway(
        attrs.evolve(settings, max_rate_wait_seconds=120, retry=RetryPolicy(max_total_seconds=300)),
        clock=clock.now,
        sleep=clock.sleep,
    )
    yield gateway
    gateway.close()


def test_the_adapter_waits_for_its_bucket_when_the_wait_is_short(
    amazon: Amazon, patient: AmazonHttpGateway, clock: SandboxClock
) -> None:
    token = _sp_token(amazon, patient)
    before = clock.now()
    for _ in range(17):
        patient.marketplace_participations(Region.NA, token, "A1SBXUSSELLER01")
    waited = (clock.now() - before).total_seconds()
    assert amazon.sandbox_429s(PARTICIPATIONS) == 0
    assert 2 / 0.016 <= waited < 2 / 0.016 + 1


def test_a_429_from_amazon_is_retried_after_a_refill(
    amazon: Amazon, patient: AmazonHttpGateway, clock: SandboxClock
) -> None:
    token = _sp_token(amazon, patient)
    amazon.faults({"kind": "throttle", "target": "sp_api", "count": 1})
    before = clock.now()
    assert patient.marketplace_participations(Region.NA, token, "A1SBXUSSELLER01")
    waited = (clock.now() - before).total_seconds()
    # After a 429 the adapter trusts Amazon: its bucket is empty, so it waits a refill.
    assert 1 / 0.016 <= waited < 1 / 0.016 + 9
    statuses = [r["status"] for r in amazon.admin("requests").json()["items"][-2:]]
    assert statuses == [429, 200]


def test_persistent_throttling_ends_as_rate_limited(
    amazon: Amazon, gateway: AmazonHttpGateway
) -> None:
    code = amazon.ads_code("us-seller")
    token = gateway.exchange_code(Channel.ADS, Region.NA, code).access_token
    amazon.faults({"kind": "throttle", "target": "ads"})
    with pytest.raises(RateLimited) as caught:
        gateway.list_profiles(Region.NA, token)
    assert caught.value.context["attempts"] == 4
    ads_requests = [r for r in amazon.admin("requests").json()["items"] if r["family"] == "ads"]
    assert [r["status"] for r in ads_requests] == [429] * 4


def test_the_sandbox_reports_the_plan_rate_and_the_adapter_keeps_it(
    amazon: Amazon, gateway: AmazonHttpGateway
) -> None:
    token = _sp_token(amazon, gateway)
    gateway.marketplace_participations(Region.NA, token, "A1SBXUSSELLER01")
    last = amazon.admin("requests").json()["items"][-1]
    assert last["status"] == 200
    bucket = BudgetKey(gateway.settings.sp_api_client_id, "A1SBXUSSELLER01", "NA", PARTICIPATIONS)
    assert gateway.limiter.wait_estimate(bucket) == 0
