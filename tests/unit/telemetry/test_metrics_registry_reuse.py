"""Each registry gets series of its own. Tests and embedders make registries and drop them;
a new registry that Python happens to place where a dropped one lived must still count
(the series cache was once keyed by id(), and a counter read 0 in one test order)."""

from __future__ import annotations

import gc

from prometheus_client import CollectorRegistry

from adapters.telemetry import PrometheusMetrics

LABELS = {"api": "lwa", "operation": "Login with Amazon", "status": "200"}


def test_a_registry_in_a_dropped_registrys_place_counts_for_itself() -> None:
    seen: set[int] = set()
    for _ in range(500):
        registry = CollectorRegistry()
        reused = id(registry) in seen
        seen.add(id(registry))
        PrometheusMetrics(registry).amazon_call("lwa", "Login with Amazon", "200", 0.01)
        assert registry.get_sample_value("sellerlink_amazon_calls_total", LABELS) == 1
        if reused:
            return
        del registry
        gc.collect(0)
    raise AssertionError("no registry was ever placed where a dropped one lived")
