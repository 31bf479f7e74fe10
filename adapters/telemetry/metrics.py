"""sellerlink's Prometheus series, in the registry Litestar's Prometheus plugin exposes at
`/metrics` (prometheus_client's default registry), so one scrape has HTTP and sellerlink.

Counters and histograms are incremented through the application's Metrics port
(`PrometheusMetrics`); the gauges (connections by health, marketplaces by state, jobs due,
app credentials) describe the database and are set from a snapshot just before each scrape
(`set_snapshot`), so every API replica answers the same numbers and no worker has to be
scraped for them. Series are created once per process: tests build many apps in one.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Mapping
from typing import Any

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram

_LATENCY = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_LAG = (1.0, 5.0, 15.0, 30.0, 60.0, 300.0, 900.0, 3600.0)


class _Series:
    def __init__(self, registry: CollectorRegistry) -> None:
        r = registry
        self.amazon_calls = Counter(
            "sellerlink_amazon_calls_total",
            "HTTP exchanges with Amazon, by API, operation and status",
            ["api", "operation", "status"],
            registry=r,
        )
        self.amazon_seconds = Histogram(
            "sellerlink_amazon_call_duration_seconds",
            "Duration of one HTTP exchange with Amazon",
            ["api", "operation"],
            buckets=_LATENCY,
            registry=r,
        )
        self.throttled = Counter(
            "sellerlink_amazon_throttled_total",
            "Calls held back: Amazon answered 429 (source=amazon) or the rate budget refused"
            " to wait (source=budget)",
            ["api", "operation", "source"],
            registry=r,
        )
        self.budget_wait = Histogram(
            "sellerlink_rate_budget_wait_seconds",
            "Time waited for a rate-limit token before calling Amazon",
            ["api", "operation"],
            buckets=(0.01, 0.1, 0.5, 1.0, 2.0, 5.0, 10.0),
            registry=r,
        )
        self.lwa_refreshes = Counter(
            "sellerlink_lwa_refreshes_total",
            "Access-token refreshes with Login with Amazon, by channel and result",
            ["channel", "result"],
            registry=r,
        )
        self.jobs = Counter(
            "sellerlink_jobs_total",
            "Background jobs run, by kind and outcome",
            ["kind", "outcome"],
            registry=r,
        )
        self.job_seconds = Histogram(
            "sellerlink_job_duration_seconds",
            "Duration of one background job",
            ["kind"],
            buckets=_LATENCY,
            registry=r,
        )
        self.job_lag = Histogram(
            "sellerlink_job_lag_seconds",
            "How long a job waited between being found due and starting",
            ["kind"],
            buckets=_LAG,
            registry=r,
        )
        self.webhook_deliveries = Counter(
            "sellerlink_webhook_deliveries_total",
            "Webhook delivery attempts, by outcome",
            ["outcome"],
            registry=r,
        )
        self.webhook_lag = Histogram(
            "sellerlink_webhook_delivery_lag_seconds",
            "Time from the event to its delivery attempt",
            buckets=_LAG,
            registry=r,
        )
        self.records = Counter(
            "sellerlink_records_synced_total",
            "Records written by syncs, by dataset",
            ["dataset"],
            registry=r,
        )
        self.connections = Gauge(
            "sellerlink_connections",
            "Connections by health",
            ["health"],
            registry=r,
        )
        self.marketplaces = Gauge(
            "sellerlink_marketplaces",
            "Selected marketplaces by state",
            ["state"],
            registry=r,
        )
        self.jobs_due = Gauge(
            "sellerlink_jobs_due",
            "Background jobs due now, by kind",
            ["kind"],
            registry=r,
        )
        self.app_credentials = Gauge(
            "sellerlink_app_credentials_rejected",
            "1 when Login with Amazon rejects every client secret of the app",
            ["channel"],
            registry=r,
        )
        self.rotate_by_days = Gauge(
            "sellerlink_app_credentials_rotate_by_days",
            "Days left before the app's newest client secret must be rotated",
            ["channel"],
            registry=r,
        )


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
        _set_all(self._s.connections, snapshot.connections_by_health)
        _set_all(self._s.marketplaces, snapshot.marketplaces_by_state)
        _set_all(self._s.jobs_due, snapshot.jobs_due_by_kind)
        _set_all(self._s.app_credentials, snapshot.app_credentials_rejected)
        _set_all(self._s.rotate_by_days, snapshot.rotate_by_days)


def _set_all(gauge: Gauge, values: Mapping[str, float]) -> None:
    gauge.clear()
    for label, value in values.items():
        gauge.labels(label).set(value)
