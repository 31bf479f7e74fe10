"""400 days pass: the expiry warnings fire, the SP-API authorization ends, a
reconnect brings the connection back, the backfill covers the gap, and no work is done
twice. On the in-process fake; tests/integration/background runs it over HTTP."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from domain.connection import Health
from domain.grant import Channel

STEP = timedelta(hours=6)


@pytest.mark.slow
def test_four_hundred_days_of_background_work(seller, amazon, world):
    day0 = seller.clock.now()
    expires = seller.expires_at()
    assert expires == day0 + timedelta(days=365)
    steps = 0

    seller.live(timedelta(days=380), step=STEP)
    steps += 380 * 4

    # The warnings: one per threshold (30 days, 7 days, the last day); each once.
    stages = [e.data["stage"] for e in seller.events("token.expiring")]
    assert stages == ["30d", "7d", "last_day"]
    # The end: noticed once, the connection needs a reconnect, nothing was refused.
    assert len(seller.events("token.expired")) == 1
    assert seller.events("token.revoked") == []
    assert seller.health() is Health.RECONNECT_REQUIRED
    windows_at_expiry = [w for w in amazon.sync_windows if w[3] <= expires]
    last_good = max(end for *_, end in windows_at_expiry)
    assert expires - last_good < timedelta(hours=7)
    assert all(start < expires for *_, start, _ in amazon.sync_windows)  # none while expired

    # The seller re-authorizes (seed 002's "Reconnect Selling Partner API").
    world.connect("us-seller", Channel.SP_API, connection_id=seller.connection_id)
    reconnected = seller.clock.now()
    assert seller.health() is Health.CONNECTED
    assert len(seller.events("sync.backfill_scheduled")) == 1

    seller.live(timedelta(days=20), step=STEP)
    steps += 20 * 4

    completed = [
        e for e in seller.events("sync.backfill_completed") if e.data["reason"] == "reconnect"
    ]
    # Every dataset with a time window retrieved the gap once (inventory is a snapshot).
    assert sorted(e.data["dataset"] for e in completed) == [
        "ads_campaigns",
        "orders",
        "sales_traffic",
    ]
    windows = sorted((start, end) for *_, start, end in amazon.sync_windows)
    for (_, end), (start, _) in itertools.pairwise(windows):
        assert start == end, f"gap or overlap at {end} / {start}"
    covered = sum(((end - start) for start, end in windows), timedelta(0))
    assert covered == windows[-1][1] - windows[0][0]  # no window fetched twice
    assert windows[0][0] <= day0 + timedelta(hours=1)
    assert windows[-1][1] > reconnected + timedelta(days=19)
    # At most one refresh per token per pass: nothing refreshed twice.
    assert amazon.refresh_calls <= 2 * steps
    assert seller.health() is Health.CONNECTED
