"""The adapter against the sandbox over real loopback HTTP.

One sandbox server per module (reset before every test) on a frozen simulated clock that
the adapter shares: the adapter's backoff "sleeps" move the clock instead of waiting, and
both sides' rate-limit buckets see the same time.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import httpx
import pytest

from adapters.amazon import AmazonHttpGateway, AmazonSettings
from adapters.amazon.sandbox import SandboxClock
from adapters.amazon.sandbox.serve import SandboxServer
from adapters.amazon.settings import RetryPolicy
from tests.contract.amazon.sandbox_helpers import START, Amazon


@pytest.fixture(scope="module")
def clock() -> SandboxClock:
    return SandboxClock(START, scale=0)


@pytest.fixture(scope="module")
def server(clock: SandboxClock) -> Iterator[SandboxServer]:
    with SandboxServer(clock=clock) as running:
        yield running


@pytest.fixture
def settings(server: SandboxServer) -> AmazonSettings:
    return AmazonSettings.for_sandbox(
        server.base_url,
        timeout_seconds=2.0,
        retry=RetryPolicy(max_attempts=4, base_seconds=0.5, cap_seconds=8, max_total_seconds=30),
    )


@pytest.fixture
def amazon(server: SandboxServer, settings: AmazonSettings) -> Iterator[Amazon]:
    server.sandbox.reset()
    server.sandbox.settings = settings  # the apps the sandbox knows: the gateway's
    helper = Amazon(server, settings)
    yield helper
    helper.http.close()


@pytest.fixture
def gateway(settings: AmazonSettings, clock: SandboxClock) -> Iterator[AmazonHttpGateway]:
    client = httpx.Client()
    gw = AmazonHttpGateway(settings, client, clock.now, sleep=clock.sleep, rng=random.Random(7))
    yield gw
    client.close()
