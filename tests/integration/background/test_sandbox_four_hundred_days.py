"""400 days against the HTTP sandbox over loopback: the expiry warnings fire, the
SP-API authorization ends, a reconnect brings the connection back, the backfill covers the
gap, and no work is done twice. The same story as tests/unit/background's fake-Amazon run,
through the real gateway, LWA and the Orders API's wire format."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import timedelta

import pytest

from domain.connection import Health
from domain.grant import Channel
from tests.integration.background.sandbox_stack import SandboxWorld, sandbox_world
from tests.unit.background.support import Background, ready_seller

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

STEP = timedelta(hours=12)


@pytest.fixture
def stack() -> Iterator[SandboxWorld]:
    with sandbox_world() as stack:
        yield stack


def _windows(stack: SandboxWorld) -> list[tuple]:
    return sorted((start, end) for *_, start, end in stack.gateway.sync_windows)


def test_four_hundred_days_against_the_sandbox(stack: SandboxWorld) -> None:
    seller: Background = ready_seller(stack.world)
    day0 = seller.clock.now()
    expires = seller.expires_at()
    assert expires - day0 == timedelta(days=365)

    seller.live(timedelta(days=380), step=STEP)

    stages = [e.data["stage"] for e in seller.events("token.expiring")]
    assert stages == ["30d", "7d", "last_day"]
    assert len(seller.events("token.expired")) == 1
    assert seller.events("token.revoked") == []
    assert seller.health() is Health.RECONNECT_REQUIRED
    assert all(start < expires for start, _ in _windows(stack))

    stack.world.connect("us-seller", Channel.SP_API, connection_id=seller.connection_id)
    reconnected = seller.clock.now()
    assert seller.health() is Health.CONNECTED

    seller.live(timedelta(days=20), step=STEP)

    gaps = [e for e in seller.events("sync.backfill_completed") if e.data["reason"] == "reconnect"]
    # Every dataset with time windows retrieved the gap once (inventory is a snapshot).
    assert sorted(e.data["dataset"] for e in gaps) == ["ads_campaigns", "orders", "sales_traffic"]
    windows = _windows(stack)
    for (_, end), (start, _) in itertools.pairwise(windows):
        assert start == end, f"gap or overlap at {end} / {start}"
    assert windows[0][0] <= day0 + timedelta(hours=1)
    assert windows[-1][1] > reconnected + timedelta(days=19)
    passes = (380 + 20) * 2
    assert stack.gateway.refresh_calls <= 2 * passes
    assert seller.health() is Health.CONNECTED
