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

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from attrs import define

from application.unit_of_work import UnitOfWorkFactory

# Longer than one Amazon call may take with its retries (10 s timeout, a few tries), so a
# live holder never loses its lease; short enough that a killed holder's work resumes soon.
LEASE_FOR = timedelta(seconds=90)


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


def sync_lease(connection_id: str, marketplace_id: str) -> str:
    return f"sync:{connection_id}:{marketplace_id}"


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
        lease (and must do the work); it is dropped when the block ends."""
        claimer = self.claim(name)
        try:
            yield claimer is not None
        finally:
            if claimer is not None:
                self.release(name, claimer)
