"""What the operations layer costs a request: the same route served by the
same web API with and without the request-log line, the Prometheus middleware and the
redaction step, side by side in one run.

Both apps answer `GET /errors/TOKEN_REVOKED` (no database, no Amazon) through Litestar's
in-process TestClient, so only the middleware differs. Logs go to an in-memory stream as
JSON lines through the full pipeline (redaction included). Printed: requests per second
for each and the ratio; and log lines per second through the pipeline with and without
the redaction step. Runs in a few seconds and stops by itself.
"""

from __future__ import annotations

import io
import logging
import time
from typing import Any

import structlog
from litestar import Litestar
from litestar.testing import TestClient

from adapters.http.error_docs import explain_error
from adapters.telemetry import configure_logging
from adapters.telemetry.redaction import redact_event
from bootstrap.container import in_memory_container
from bootstrap.web import create_app

REQUESTS = 1500
LINES = 20000


def per_second(clients: list[TestClient[Any]], n: int, rounds: int = 10) -> list[float]:
    """Interleaved rounds, so a busy machine slows both sides alike."""
    spent = [0.0] * len(clients)
    for client in clients:
        for _ in range(50):
            client.get("/errors/TOKEN_REVOKED")
    for _ in range(rounds):
        for i, client in enumerate(clients):
            started = time.perf_counter()
            for _ in range(n // rounds):
                client.get("/errors/TOKEN_REVOKED")
            spent[i] += time.perf_counter() - started
    return [n / s for s in spent]


def lines_per_second(redacting: bool) -> float:
    stream = io.StringIO()
    configure_logging(level="INFO", fmt="json", stream=stream)
    handler = logging.getLogger().handlers[0]
    formatter: Any = handler.formatter
    if not redacting:
        formatter.processors = [p for p in formatter.processors if p is not redact_event]
    log = logging.getLogger("sellerlink.bench")
    started = time.perf_counter()
    for i in range(LINES):
        log.info("request", extra={"path": f"/api/v1/connections/con_{i}", "status": 200})
    return LINES / (time.perf_counter() - started)


def main() -> None:
    stream = io.StringIO()
    configure_logging(level="INFO", fmt="json", stream=stream)
    bare = Litestar(route_handlers=[explain_error], logging_config=None)
    full = create_app(in_memory_container())
    with TestClient(bare) as plain, TestClient(full) as instrumented:
        bare_rps, full_rps = per_second([plain, instrumented], REQUESTS)
    print(f"requests/s  bare Litestar {bare_rps:8.0f}   sellerlink (log line + metrics) "
          f"{full_rps:8.0f}   ratio {full_rps / bare_rps:.2f}")  # fmt: skip
    with_redaction = lines_per_second(True)
    without = lines_per_second(False)
    print(f"log lines/s without redaction {without:8.0f}   with {with_redaction:8.0f}   "
          f"ratio {with_redaction / without:.2f}")  # fmt: skip
    structlog.reset_defaults()


if __name__ == "__main__":
    main()
