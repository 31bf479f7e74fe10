"""`sellerlink worker`: the background worker as its own process. On PostgreSQL it runs
procrastinate workers (scale-out: start as many as you like); on SQLite, the in-process
loop (one process is enough for the embedded default)."""

from __future__ import annotations

import logging
import signal
import threading

import httpx
import prometheus_client

from adapters.persistence import missing_key_ids
from adapters.telemetry import configure_logging
from adapters.worker import InProcessWorker
from bootstrap.container import (
    Container,
    follow_sandbox_clock,
    require_existing_data,
    sandbox_url,
)
from bootstrap.heap import settle_after_start_up
from domain.errors import ValidationFailed

log = logging.getLogger("sellerlink.worker")


def run_worker(container: Container, *, once: bool = False) -> None:
    settings = container.settings()
    try:
        configure_logging(level=settings.log_level, fmt=settings.log_format)
    except ValueError as wrong:  # SELLERLINK_LOG_FORMAT or _LOG_LEVEL mistyped
        raise SystemExit(str(wrong)) from None
    if settings.worker_metrics_port:
        # Counters of this process's jobs and Amazon calls; the gauges are the API's.
        prometheus_client.start_http_server(settings.worker_metrics_port, addr="127.0.0.1")
    try:
        require_existing_data(settings)
    except ValidationFailed as refused:
        raise SystemExit(refused.detail) from None
    database = container.database()
    database.upgrade()
    preflight(container)
    follow_sandbox_clock(container)
    app = container.application()
    worker = InProcessWorker(app, interval=settings.worker_interval_seconds, webhook_threads=2)
    if once:
        report = worker.run_pass()
        print(f"one pass: {report.jobs} job(s) {report.by_status}, {report.errors} error(s)")
        return
    settle_after_start_up()
    url = settings.effective_database_url
    if url.startswith("postgresql"):
        from adapters.worker.procrastinate_runtime import run_procrastinate_worker

        run_procrastinate_worker(
            container.application,
            url.replace("postgresql+psycopg://", "postgresql://"),
            interval=settings.worker_interval_seconds,
        )
        return
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    worker.start()
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        worker.stop(timeout=10)


def preflight(container: Container) -> None:
    """What a worker must share with the API, checked before any job runs: the encryption
    keys (a missing key id is named, not met as a traceback in every job) and, in sandbox
    mode, a reachable sandbox (the serve's port)."""
    settings = container.settings()
    missing = missing_key_ids(container.database())
    if missing:
        raise SystemExit(keys_missing_message(missing, container.keyring().ids))
    if settings.sandbox:
        url = sandbox_url(settings)
        try:
            httpx.get(url + "/_admin/clock", timeout=3.0).raise_for_status()
        except httpx.HTTPError as error:
            log.warning(
                "AMAZON_UNAVAILABLE: the Amazon sandbox at %s does not answer (%s). Start "
                "`sellerlink serve` first, and give this worker the same SELLERLINK_HOST/"
                "SELLERLINK_PORT (or SELLERLINK_SANDBOX_BASE_URL) as the serve.",
                url,
                type(error).__name__,
            )


def keys_missing_message(missing: dict[str, int], have: tuple[str, ...]) -> str:
    named = ", ".join(f"{key_id!r} ({count} token(s))" for key_id, count in sorted(missing.items()))
    return (
        f"This process cannot open tokens sealed with encryption key {named}: its keyring "
        f"has {list(have)}. Every process (API, workers, CLI) must use the same "
        "SELLERLINK_ENCRYPTION_KEYS (or the same SELLERLINK_DATA_DIR in the embedded mode)."
    )
