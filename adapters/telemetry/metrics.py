"""sellerlink's Prometheus series, in the registry Litestar's Prometheus plugin exposes at
`/metrics` (prometheus_client's default registry), so one scrape has HTTP and sellerlink.

Counters and histograms are incremented through the application's Metrics port
(`PrometheusMetrics`); the gauges (connections by health, marketplaces by state, jobs due,
app credentials) describe the database and are set from a snapshot just before each scrape
(`set_snapshot`), so every API replica answers the same numbers and no worker has to be
scraped for them. Series are created once per process: tests build many apps in one.

The series are declared as data in series.toml (name, help, labels, buckets, and for a
gauge the snapshot's mapping it shows); `_Series` gives each its Python type.
"""

from __future__ import annotations

import threading
import tomllib
import weakref
from collections.abc import Mapping
from importlib.resources import files
from typing import Any

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram

_KINDS: dict[str, type[Counter] | type[Histogram] | type[Gauge]] = {
    "counter": Counter,
    "histogram": Histogram,
    "gauge": Gauge,
}


def _declared() -> dict[str, dict[str, Any]]:
    table = tomllib.loads(files(__package__).joinpath("series.toml").read_text("utf-8"))
    for spec in table["series"].values():
        if "buckets" in spec:
            spec["buckets"] = tuple(table["buckets"][spec["buckets"]])
    return dict(table["series"])


# The declarations, as data (series.toml); _Series names each one with its Python type.
_DECLARED = _declared()


class _Series:
    amazon_calls: Counter
    amazon_seconds: Histogram
    throttled: Counter
    budget_wait: Histogram
    lwa_refreshes: Counter
    jobs: Counter
    job_seconds: Histogram
    job_lag: Histogram
    webhook_deliveries: Counter
    webhook_lag: Histogram
    records: Counter
    connections: Gauge
    marketplaces: Gauge
    jobs_due: Gauge
    app_credentials: Gauge
    rotate_by_days: Gauge

    def __init__(self, registry: CollectorRegistry) -> None:
        # Each gauge with the Snapshot mapping it shows.
        self.snapshot_gauges: list[tuple[Gauge, str]] = []
        for key, spec in _DECLARED.items():
            kind = _KINDS[spec["kind"]]
            extra = {"buckets": spec["buckets"]} if "buckets" in spec else {}
            made = kind(spec["name"], spec["help"], spec["labels"], registry=registry, **extra)
            setattr(self, key, made)
            if isinstance(made, Gauge):
                self.snapshot_gauges.append((made, spec["snapshot"]))


def _check_declared() -> None:
    """series.toml and _Series name the same series, each of the kind its type says:
    a mismatch fails at import, not at the first scrape."""
    typed = dict(_Series.__annotations__)
    declared = {key: _KINDS[spec["kind"]].__name__ for key, spec in _DECLARED.items()}
    if typed != declared:
        raise RuntimeError(f"series.toml {declared} and _Series {typed} disagree")


_check_declared()


_lock = threading.Lock()
# Keyed by the registry itself, weakly: keyed by id(), a registry created after another was
# garbage-collected could get its id and be handed series registered in the dead one.
_series: weakref.WeakKeyDictionary[CollectorRegistry, _Series] = weakref.WeakKeyDictionary()


def series(registry: CollectorRegistry = REGISTRY) -> _Series:
    with _lock:
        found = _series.get(registry)
        if found is None:
            found = _series[registry] = _Series(registry)
        return found


class PrometheusMetrics:
    """application.ports.Metrics over prometheus_client."""

    def __init__(self, registry: CollectorRegistry = REGISTRY) -> None:
        self._s = series(registry)

    def amazon_call(self, api: str, operation: str, status: str, seconds: float) -> None:
        self._s.amazon_calls.labels(api, operation, status).inc()
        self._s.amazon_seconds.labels(api, operation).observe(seconds)

    def amazon_throttled(self, api: str, operation: str, source: str) -> None:
        self._s.throttled.labels(api, operation, source).inc()

    def rate_budget_wait(self, api: str, operation: str, seconds: float) -> None:
        self._s.budget_wait.labels(api, operation).observe(seconds)

    def lwa_refresh(self, channel: str, result: str) -> None:
        self._s.lwa_refreshes.labels(channel, result).inc()

    def job_finished(self, kind: str, outcome: str, seconds: float, lag_seconds: float) -> None:
        self._s.jobs.labels(kind, outcome).inc()
        self._s.job_seconds.labels(kind).observe(seconds)
        self._s.job_lag.labels(kind).observe(lag_seconds)

    def webhook_delivery(self, outcome: str, lag_seconds: float) -> None:
        self._s.webhook_deliveries.labels(outcome).inc()
        self._s.webhook_lag.observe(lag_seconds)

    def records_synced(self, dataset: str, count: int) -> None:
        self._s.records.labels(dataset).inc(max(0, count))

    def set_snapshot(self, snapshot: Any) -> None:
        """`snapshot`: application.operations.Snapshot (duck-typed: adapters see only its
        mappings)."""
        for gauge, mapping in self._s.snapshot_gauges:
            _set_all(gauge, getattr(snapshot, mapping))


def _set_all(gauge: Gauge, values: Mapping[str, float]) -> None:
    gauge.clear()
    for label, value in values.items():
        gauge.labels(label).set(value)
