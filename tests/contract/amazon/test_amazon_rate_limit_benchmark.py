"""The rate-limit benchmark (benchmarks/rate_limit.py) in miniature, so it cannot rot: the
adapter uses nearly all of Amazon's allowed rate without a single 429, the naive loop
collects 429s."""

from __future__ import annotations

import pytest

from benchmarks.rate_limit import run


@pytest.mark.slow
def test_the_adapter_uses_the_allowed_rate_without_429s_unlike_a_naive_loop() -> None:
    ours, naive = run(seconds=3.0, scale=75.0, partners=5)
    assert ours["strategy"] == "sellerlink"
    assert ours["429"] == 0
    assert float(ours["used"]) >= 0.9
    assert float(naive["share_429"]) > 0.3
