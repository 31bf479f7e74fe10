"""Background workers: the runtimes that run the level-triggered reconciler's jobs
(application/reconciler.py; DESIGN §8; issue 7).

Entry points for bootstrap/ (the only place that wires these):

- Embedded default (`sellerlink serve`): `InProcessWorker(app, interval=30.0)`;
  `.start()` runs a daemon thread doing one reconciler pass every `interval` seconds,
  `.stop(timeout)` stops it between two jobs and joins it. `.run_pass()` (or the function
  `run_pass(app)`) runs one pass in the caller's thread and returns a `PassReport`.
- Scale-out (`sellerlink worker` against PostgreSQL):
  `run_procrastinate_worker(app_factory, database_url, concurrency=4, interval=30.0)`
  from `adapters.worker.procrastinate_runtime` (imported lazily: the embedded default
  never loads procrastinate). `app_factory()` builds this process's Application (on the
  same PostgreSQL database); `database_url` is a libpq URL for procrastinate's psycopg
  connector (`postgresql://...`, no `+psycopg`). It applies procrastinate's schema if
  missing, then runs a worker that executes one job per reconciler Job, plus a periodic
  reconciler pass that defers the due jobs (one queued job per `Job.key`) and requeues
  stalled jobs of killed workers. Blocks until SIGINT/SIGTERM.

A lost job, a killed worker or a restart delays work by one pass and never loses it: the
database state is the queue (application/reconciler.py).
"""

from adapters.worker.inprocess import InProcessWorker, PassReport, run_pass

__all__ = ["InProcessWorker", "PassReport", "run_pass"]
