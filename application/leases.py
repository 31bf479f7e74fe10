"""Leases around Amazon calls (DESIGN §15: never wait on Amazon inside a database
transaction). A job claims a named lease in a short transaction it commits, calls Amazon
with no transaction open, then stores the outcome and drops the lease in another short
one. Other writers (another team's settings, a product's submission) never wait for Amazon;
a second worker sees the lease and leaves the work alone; a holder that was killed leaves a
lease that runs out, and the work is picked up.

Leases run on the wall clock, not the application clock: they bound how long a real process
may take over a real HTTP call, whatever a sandbox's simulated clock says.
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from attrs import define

from application.unit_of_work import UnitOfWorkFactory

# A live holder renews its lease every third of this while it waits on Amazon (however
# long Amazon takes); a killed holder's lease runs out within it and the work resumes.
LEASE_FOR = timedelta(seconds=20)

_log = logging.getLogger("sellerlink.leases")


def wall_clock() -> datetime:
    return datetime.now(UTC)


def new_claimer() -> str:
    """Unique across processes and hosts (the application's id generator may be a
    deterministic counter in each process)."""
    return f"{os.getpid()}-{uuid.uuid4().hex}"


def refresh_lease(connection_id: str, channel: str) -> str:
    return f"refresh:{connection_id}:{channel}"


def setup_lease(connection_id: str, marketplace_id: str) -> str:
    return f"setup:{connection_id}:{marketplace_id}"


def listings_lease(connection_id: str) -> str:
    return f"listings:{connection_id}"


def sync_lease(connection_id: str, marketplace_id: str, dataset: str) -> str:
    return f"sync:{connection_id}:{marketplace_id}:{dataset}"


@define
class Leases:
    """Each claim is its own holder (a fresh claimer id), so two threads of one process
    exclude each other as two processes do."""

    uow: UnitOfWorkFactory
    lease_for: timedelta = LEASE_FOR
    now: Callable[[], datetime] = wall_clock

    def claim(self, name: str) -> str | None:
        """One short committed transaction; the claimer id when this caller now holds
        `name`, None when someone else does."""
        claimer = new_claimer()
        now = self.now()
        with self.uow() as uow:
            claimed = uow.leases.claim(name, claimer, now=now, until=now + self.lease_for)
            uow.commit()
        return claimer if claimed else None

    def release(self, name: str, claimer: str) -> None:
        with self.uow() as uow:
            uow.leases.release(name, claimer)
            uow.commit()

    @contextmanager
    def held(self, name: str) -> Iterator[bool]:
        """`with leases.held(name) as mine:` — `mine` says whether this caller holds the
        lease (and must do the work); it is renewed while the block runs and dropped when
        it ends."""
        claimer = self.claim(name)
        if claimer is None:
            yield False
            return
        try:
            with self.renewing(name, claimer):
                yield True
        finally:
            self.release(name, claimer)

    @contextmanager
    def renewing(self, name: str, claimer: str) -> Iterator[None]:
        """Keep `claimer`'s lease alive from a background thread while the block waits on
        Amazon; the thread stops with the block (and dies with a killed process, after
        which the lease runs out)."""
        stop = threading.Event()
        period = self.lease_for.total_seconds() / 3

        def renew() -> None:
            while not stop.wait(period):
                now = self.now()
                try:
                    with self.uow() as uow:
                        uow.leases.claim(name, claimer, now=now, until=now + self.lease_for)
                        uow.commit()
                except Exception:  # a missed renewal is tried again next period
                    _log.warning("lease_renewal_failed", extra={"lease": name}, exc_info=True)

        thread = threading.Thread(target=renew, name=f"lease {name}", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()
