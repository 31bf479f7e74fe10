"""Background workers: the runtimes that run the level-triggered reconciler's jobs
(application/reconciler.py; DESIGN §8).

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

Running `sellerlink worker` against PostgreSQL (every process, API and workers alike, uses
the same two settings):

    export SELLERLINK_DATABASE_URL=postgresql+psycopg://sellerlink:secret@db:5432/sellerlink
    export SELLERLINK_ENCRYPTION_KEYS=k1:<32 bytes, base64url>
    export SELLERLINK_WORKER_INTERVAL_SECONDS=30   # the reconciler's tick (divides 60)
    sellerlink db upgrade                          # once per release
    sellerlink worker                              # as many as you like, on any hosts

Each worker installs procrastinate's tables if they are missing, runs a reconciler pass at
once, then works procrastinate's `sellerlink` queue (4 jobs at a time) until SIGINT/SIGTERM.
Ticks are deferred once however many workers run; a killed worker's jobs are requeued once
its heartbeat is 30 s old, and its work is found again by the next tick anyway. Token
refreshes stay single-flight across all of them: benchmarks/refresh_single_flight.py
measured 1.00 LWA refresh per connection-hour for 1, 4 and 16 workers (a per-process token
cache makes K), and 1 refresh for 100 concurrent callers of one lapsed token.
On SQLite (`sellerlink worker` without a PostgreSQL URL) the same command runs the
in-process loop instead; one process is enough there.
"""

from adapters.worker.inprocess import InProcessWorker, PassReport, run_pass

__all__ = ["InProcessWorker", "PassReport", "run_pass"]
