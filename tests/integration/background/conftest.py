"""Background work across processes on real databases: a migrated SQLite file, or a fresh
PostgreSQL database on the session's server (harness/postgres.py)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.persistence import Keyring, SqlDatabase
from harness.postgres import create_database, drop_database
from harness.stack import CallLog, FileClock, spawn

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def keyring() -> Keyring:
    return Keyring.generate("k1")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'sellerlink.db'}"
        return
    server = request.getfixturevalue("postgres_url")
    url = create_database(server, prefix="background")
    try:
        yield url
    finally:
        drop_database(server, url)


@pytest.fixture
def database(database_url: str, keyring: Keyring) -> Iterator[SqlDatabase]:
    db = SqlDatabase(database_url, keyring)
    db.upgrade()
    yield db
    db.dispose()


@pytest.fixture
def short_leases(monkeypatch: pytest.MonkeyPatch) -> None:
    """A killed worker's lease runs out in seconds, not production's 20 (its children read
    SELLERLINK_LEASE_SECONDS; harness/stack.py)."""
    monkeypatch.setenv("SELLERLINK_LEASE_SECONDS", "4")


@pytest.fixture
def work_dir(tmp_path: Path) -> Path:
    path = tmp_path / "work"
    path.mkdir()
    return path


@pytest.fixture
def clock(work_dir: Path) -> FileClock:
    clock = FileClock(work_dir / "clock")
    clock.set(START)
    return clock


@pytest.fixture
def calls(work_dir: Path) -> CallLog:
    return CallLog(work_dir / "calls")


Child = Callable[..., subprocess.Popen[bytes]]


@pytest.fixture
def child(
    database_url: str, keyring: Keyring, clock: FileClock, calls: CallLog, work_dir: Path
) -> Child:
    """Starts `python -m harness.stack MODE [EXTRA...]` on this test's database, clock, call
    log and work directory: `child("worker", "--slow-setup", "30")`."""

    def start(mode: str, *extra: str) -> subprocess.Popen[bytes]:
        return spawn(
            mode,
            database_url=database_url,
            keyring=keyring,
            clock_file=clock.path,
            log_file=calls.path,
            work_dir=work_dir,
            extra=extra,
        )

    return start
