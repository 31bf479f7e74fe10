"""A throwaway PostgreSQL server for the test session (a pytest plugin), also usable from
scripts (`benchmarks/sweep.py`) through `running_postgres()`.

How it gets a server (STACK.md "PostgreSQL for tests"):
1. SELLERLINK_TEST_POSTGRES_URL, if set, names an existing server
   (`postgresql+psycopg://user:pw@127.0.0.1:5432/postgres`); nothing is started.
2. Otherwise Debian's server binaries (/usr/lib/postgresql/<version>/bin, or the directory
   in SELLERLINK_TEST_POSTGRES_BIN_DIR). Missing ones
   are installed with `apt-get update && apt-get install -y postgresql` (when running as
   root, bounded by SELLERLINK_TEST_POSTGRES_INSTALL_TIMEOUT seconds, default 240; set
   SELLERLINK_TEST_POSTGRES_INSTALL=0 to never install).
3. `initdb` runs as the `postgres` user (it refuses root) in a temporary directory; the
   server listens on a free port on 127.0.0.1 only, with durability switched off (a test
   database needs no fsync), and is stopped and deleted at the end of the session.

If no server can be had, tests that need one fail in CI (CI=true) and are skipped
elsewhere, and either way the run ends with a banner saying PostgreSQL tests did not run.

Fixtures: `postgres_url` (session: the server's maintenance database) and
`postgres_module_url` (a fresh database for the requesting test module, dropped after it).
Helpers: `create_database(postgres_url)` and `drop_database(postgres_url, url)`.
Mark tests that need the server with `@pytest.mark.postgres`."""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from harness.debian import apt_install
from harness.server import free_port

URL_VARIABLE = "SELLERLINK_TEST_POSTGRES_URL"
BIN_DIR_VARIABLE = "SELLERLINK_TEST_POSTGRES_BIN_DIR"
INSTALL_VARIABLE = "SELLERLINK_TEST_POSTGRES_INSTALL"
INSTALL_TIMEOUT_VARIABLE = "SELLERLINK_TEST_POSTGRES_INSTALL_TIMEOUT"
START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server could be found, installed or started; the message says why."""


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


# -- finding and installing the binaries ---------------------------------------------------


def find_bin_dir() -> Path | None:
    """SELLERLINK_TEST_POSTGRES_BIN_DIR if set, else the newest Debian PostgreSQL server
    binaries, or pg_config's; None if there are none."""
    chosen = os.environ.get(BIN_DIR_VARIABLE)
    if chosen:
        bindir = Path(chosen)
        return bindir if (bindir / "initdb").exists() and (bindir / "postgres").exists() else None
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: [int(x) for x in re.findall(r"\d+", p.parent.parent.name)] or [0],
        reverse=True,
    )
    for initdb in candidates:
        if (initdb.parent / "postgres").exists():
            return initdb.parent
    pg_config = shutil.which("pg_config")
    if pg_config:
        result = subprocess.run(
            [pg_config, "--bindir"], capture_output=True, text=True, check=False
        )
        bindir = Path(result.stdout.strip())
        if (bindir / "initdb").exists() and (bindir / "postgres").exists():
            return bindir
    return None


def install_postgres() -> None:
    """Debian's `postgresql`, installed when missing (harness/debian.py)."""
    apt_install(
        "postgresql",
        what="PostgreSQL server binaries are",
        install_variable=INSTALL_VARIABLE,
        timeout_variable=INSTALL_TIMEOUT_VARIABLE,
        unavailable=PostgresUnavailable,
    )


# -- running a server ----------------------------------------------------------------------


def _as_postgres(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def _give_to_postgres(path: Path) -> None:
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(path, user.pw_uid, user.pw_gid)


def _wait_until_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    import psycopg

    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    deadline = time.monotonic() + START_TIMEOUT
    last_error = ""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise PostgresUnavailable(f"postgres exited with {process.returncode}: {_tail(log)}")
        try:
            with psycopg.connect(conninfo, connect_timeout=2):
                return
        except psycopg.OperationalError as error:
            last_error = str(error)
        time.sleep(0.05)
    raise PostgresUnavailable(f"postgres did not accept connections: {last_error} {_tail(log)}")


def _tail(log: Path) -> str:
    try:
        return log.read_text(errors="replace")[-1500:]
    except OSError:
        return ""


# Stops the server if the process that started it dies without cleaning up (a killed test
# run): polls the parent once a second, then fast-shuts-down the server and deletes its data.
_WATCHDOG = """
import os, shutil, signal, sys, time
parent, group, root = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
while True:
    try:
        os.kill(parent, 0)
    except ProcessLookupError:
        break
    time.sleep(1)
for sig in (signal.SIGINT, signal.SIGKILL):
    try:
        os.killpg(group, sig)
    except ProcessLookupError:
        break
    time.sleep(10)
shutil.rmtree(root, ignore_errors=True)
"""


@contextlib.contextmanager
def running_postgres() -> Iterator[str]:
    """Yields the SQLAlchemy URL of a PostgreSQL server's maintenance database: the one in
    SELLERLINK_TEST_POSTGRES_URL, or a fresh one started here and stopped on exit. Raises
    PostgresUnavailable when there is none."""
    existing = os.environ.get(URL_VARIABLE)
    if existing:
        yield existing
        return
    bin_dir = find_bin_dir()
    if bin_dir is None:
        install_postgres()
        bin_dir = find_bin_dir()
        if bin_dir is None:
            raise PostgresUnavailable("apt-get installed postgresql but no initdb was found")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            raise PostgresUnavailable("there is no `postgres` user to run initdb as") from None
    root = Path(tempfile.mkdtemp(prefix="sellerlink-pg-"))
    root.chmod(0o755)
    data = root / "data"
    log = root / "postgres.log"
    process: subprocess.Popen[bytes] | None = None
    watchdog: subprocess.Popen[bytes] | None = None
    try:
        _give_to_postgres(root)
        init = subprocess.run(
            _as_postgres(
                [
                    str(bin_dir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--no-locale",
                    "--no-sync",
                ]
            ),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if init.returncode != 0:
            raise PostgresUnavailable(f"initdb failed: {init.stderr[-1500:]}")
        port = free_port()
        with open(log, "wb") as log_file:
            _give_to_postgres(log)
            process = subprocess.Popen(
                _as_postgres(
                    [
                        str(bin_dir / "postgres"),
                        "-D",
                        str(data),
                        "-p",
                        str(port),
                        "-k",
                        str(root),
                        "-h",
                        "127.0.0.1",
                        "-c",
                        "fsync=off",
                        "-c",
                        "synchronous_commit=off",
                        "-c",
                        "full_page_writes=off",
                        "-c",
                        "max_connections=200",
                    ]
                ),
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        watchdog = subprocess.Popen(
            [sys.executable, "-c", _WATCHDOG, str(os.getpid()), str(process.pid), str(root)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
        _wait_until_ready(url, process, log)
        yield url
    finally:
        if watchdog is not None:
            watchdog.kill()
            watchdog.wait(timeout=STOP_TIMEOUT)
        if process is not None and process.poll() is None:
            # SIGINT is PostgreSQL's "fast shutdown"; runuser passes it on.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=STOP_TIMEOUT)
        shutil.rmtree(root, ignore_errors=True)


# -- databases -----------------------------------------------------------------------------


def _autocommit_connection(postgres_url: str):  # type: ignore[no-untyped-def]
    import psycopg

    conninfo = (
        make_url(postgres_url).set(drivername="postgresql").render_as_string(hide_password=False)
    )
    return psycopg.connect(conninfo, autocommit=True)


def create_database(postgres_url: str, prefix: str = "test") -> str:
    """A new empty database on the server; returns its SQLAlchemy URL."""
    name = f"{re.sub(r'[^a-z0-9_]', '_', prefix.lower())[:40]}_{secrets.token_hex(4)}"
    with _autocommit_connection(postgres_url) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return make_url(postgres_url).set(database=name).render_as_string(hide_password=False)


def drop_database(postgres_url: str, database_url: str) -> None:
    name = make_url(database_url).database
    with _autocommit_connection(postgres_url) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# -- pytest plugin -------------------------------------------------------------------------

_NOT_RUN: list[str] = []
NOT_RUN_PREFIX = "PostgreSQL tests cannot run:"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The session's PostgreSQL server (maintenance database URL)."""
    try:
        server = running_postgres()
        url = server.__enter__()
    except PostgresUnavailable as error:
        message = f"{NOT_RUN_PREFIX} {error}"
        _NOT_RUN.append(message)
        if in_ci():
            pytest.fail(f"{message} (CI=true: this is a failure, not a skip)", pytrace=False)
        pytest.skip(message)
    try:
        yield url
    finally:
        server.__exit__(None, None, None)


@pytest.fixture(scope="module")
def postgres_module_url(postgres_url: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh, empty database for one test module, dropped after it."""
    url = create_database(postgres_url, prefix=request.module.__name__.rsplit(".", 1)[-1])
    try:
        yield url
    finally:
        drop_database(postgres_url, url)


def _not_run_reason(stats: dict[str, list[object]]) -> str | None:
    """Why the PostgreSQL tests did not run, from this process or from any test report (with
    pytest-xdist the fixture fails or skips in a worker; only its report reaches here)."""
    if _NOT_RUN:
        return _NOT_RUN[0]
    for outcome in ("failed", "error", "skipped"):
        for report in stats.get(outcome, []):
            text = str(getattr(report, "longrepr", "") or "")
            if NOT_RUN_PREFIX in text:
                return text[text.index(NOT_RUN_PREFIX) :].splitlines()[0].strip("')\"")
    return None


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    reason = _not_run_reason(terminalreporter.stats)
    if reason is None:
        return
    terminalreporter.write_sep("!", "POSTGRESQL TESTS DID NOT RUN", red=True, bold=True)
    terminalreporter.write_line(reason, red=True, bold=True)
    terminalreporter.write_line(
        "Every @pytest.mark.postgres test was skipped"
        + (" and failed the run (CI=true)." if in_ci() else "; in CI this fails the run."),
        red=True,
        bold=True,
    )
