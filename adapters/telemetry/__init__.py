"""Operations (DESIGN §15): logs, metrics and traces.

Entry points for bootstrap/:
- `configure_logging(level=, fmt=)`: JSON lines or console, redaction last, every stdlib
  logger (uvicorn, alembic, procrastinate) routed through it.
- `PrometheusMetrics()`: application.ports.Metrics in prometheus_client's default registry
  (the one Litestar's Prometheus plugin serves); `.set_snapshot(...)` sets the gauges.
- `OtelTracer(tracer_provider(endpoint=...))`, `litestar_plugin(provider)`: traces, only
  with the `otel` extra installed (`tracing_available()`).
"""

from adapters.telemetry.logs import configure_logging
from adapters.telemetry.metrics import PrometheusMetrics
from adapters.telemetry.redaction import redact_text
from adapters.telemetry.tracing import (
    OtelTracer,
    litestar_plugin,
    tracer_provider,
    tracing_available,
)

__all__ = [
    "OtelTracer",
    "PrometheusMetrics",
    "configure_logging",
    "litestar_plugin",
    "redact_text",
    "tracer_provider",
    "tracing_available",
]
