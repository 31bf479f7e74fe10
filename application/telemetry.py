"""The do-nothing Metrics and Tracer: what the ports hold unless the composition root plugs
in Prometheus or OpenTelemetry, so tests and the CLI need neither."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager


class NullMetrics:
    def amazon_call(self, api: str, operation: str, status: str, seconds: float) -> None:
        pass

    def amazon_throttled(self, api: str, operation: str, source: str) -> None:
        pass

    def rate_budget_wait(self, api: str, operation: str, seconds: float) -> None:
        pass

    def lwa_refresh(self, channel: str, result: str) -> None:
        pass

    def job_finished(self, kind: str, outcome: str, seconds: float, lag_seconds: float) -> None:
        pass

    def webhook_delivery(self, outcome: str, lag_seconds: float) -> None:
        pass

    def records_synced(self, dataset: str, count: int) -> None:
        pass


class NullTracer:
    @contextmanager
    def span(self, name: str, attributes: Mapping[str, str]) -> Iterator[None]:
        yield
