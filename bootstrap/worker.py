"""`sellerlink worker`: the background worker as its own process. On PostgreSQL it runs
procrastinate workers (scale-out: start as many as you like); on SQLite, the in-process
loop (one process is enough for the embedded default)."""

from __future__ import annotations

import signal
import threading

import prometheus_client

from adapters.telemetry import configure_logging
from adapters.worker import InProcessWorker
from bootstrap.container import Container


def run_worker(container: Container, *, once: bool = False) -> None:
    settings = container.settings()
    configure_logging(level=settings.log_level, fmt=settings.log_format)
    if settings.worker_metrics_port:
        # Counters of this process's jobs and Amazon calls; the gauges are the API's.
        prometheus_client.start_http_server(settings.worker_metrics_port, addr="127.0.0.1")
    database = container.database()
    database.upgrade()
    app = container.application()
    worker = InProcessWorker(app, interval=settings.worker_interval_seconds)
    if once:
        report = worker.run_pass()
        print(f"one pass: {report.jobs} job(s) {report.by_status}, {report.errors} error(s)")
        return
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
