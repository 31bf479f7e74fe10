"""The embedded default's worker: a thread in the server process that runs a reconciler
pass every `interval` seconds and the pass's jobs one after another (DESIGN §8).

Nothing is queued in memory between passes, so stopping (or crashing) loses nothing: the
next start's first pass finds the same due work in the database.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable

from attrs import frozen

from application.app import Application
from application.reconciler import JobKind, JobResult

log = logging.getLogger("sellerlink.worker")
# How long a webhook dispatcher thread rests when there was nothing to send.
WEBHOOK_IDLE_SECONDS = 0.25
# Rounds per endpoint a dispatcher runs in one go: a healthy endpoint keeps sending while a
# slow one waits out its timeout, and a stop is still heard within a few batches.
WEBHOOK_ROUNDS = 10


@frozen
class PassReport:
    jobs: int
    by_status: dict[str, int]
    errors: int

    @classmethod
    def of(cls, results: list[JobResult], errors: int) -> PassReport:
        return cls(len(results) + errors, dict(Counter(str(r.status) for r in results)), errors)


def run_pass(
    app: Application,
    should_stop: Callable[[], bool] = lambda: False,
    skip: frozenset[JobKind] = frozenset(),
) -> PassReport:
    """One reconciler pass and its jobs. A job that raises (a bug, or the database going
    away) is logged and the pass goes on: the work stays due and the next pass retries.
    `should_stop` is asked between jobs, so stopping never waits for a whole pass; jobs of
    the kinds in `skip` are left to someone else (the webhook dispatcher threads)."""
    results: list[JobResult] = []
    errors = 0
    found_at = time.time()
    for job in app.reconcile():
        if should_stop():
            break
        if job.kind in skip:
            continue
        try:
            result = app.run_job(job, found_at=found_at)
        except Exception:
            errors += 1  # RunJob logged it with its traceback
            continue
        results.append(result)
    return PassReport.of(results, errors)


class InProcessWorker:
    """`InProcessWorker(app, interval=30).start()` ... `.stop()`; or use it as a context
    manager. `run_pass()` runs one pass in the caller's thread (tests, `sellerlink worker
    --once`)."""

    def __init__(
        self,
        app: Application,
        *,
        interval: float = 30.0,
        name: str = "sellerlink-worker",
        webhook_threads: int = 0,
    ):
        """`webhook_threads` > 0: webhooks are sent by that many threads of their own, every
        moment rather than once a pass, so a slow receiver never holds up token refreshes
        or setups (their claims keep them from sending anything twice)."""
        if interval <= 0:
            raise ValueError("interval must be positive")
        self.app = app
        self.interval = interval
        self.passes = 0
        self._name = name
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._webhook_threads = webhook_threads
        self._dispatchers: list[threading.Thread] = []

    def run_pass(self) -> PassReport:
        sending = any(t.is_alive() for t in self._dispatchers)
        skip = frozenset({JobKind.DISPATCH_WEBHOOKS}) if sending else frozenset()
        report = run_pass(self.app, self._stop.is_set, skip)
        self.passes += 1
        return report

    def start(self) -> InProcessWorker:
        if self._thread is not None and self._thread.is_alive():
            return self
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name=self._name, daemon=True)
        self._thread.start()
        self._dispatchers = [
            threading.Thread(target=self._dispatch, name=f"{self._name}-webhooks", daemon=True)
            for _ in range(self._webhook_threads)
        ]
        for thread in self._dispatchers:
            thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """Asks the loops to stop and waits for the job (or the sending) in hand to finish."""
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout)
        for dispatcher in self._dispatchers:
            dispatcher.join(timeout)
        self._dispatchers = []

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def __enter__(self) -> InProcessWorker:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _dispatch(self) -> None:
        while not self._stop.is_set():
            try:
                report = self.app.dispatch_webhooks(rounds=WEBHOOK_ROUNDS)
            except Exception:
                log.exception("webhook dispatch failed")
                report = None
            if report is None or not (report.published or report.claimed):
                self._stop.wait(WEBHOOK_IDLE_SECONDS)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_pass()
            except Exception:
                # The reconciler's own reads failed (database unavailable): try next time.
                log.exception("reconciler pass failed")
            self._stop.wait(self.interval)
