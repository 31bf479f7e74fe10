"""The refresh sweep at 10k and 1M grants, on SQLite and PostgreSQL.

The question: does "which grants are due for an access-token refresh in the next hour"
cost the same with a million grants as with ten thousand? It should, if the query is
answered from `ix_grants_access_token_due` and only touches the due rows. So both data
sets hold the same number of due grants (DUE), and everything else is noise the index
must skip: tokens refreshed for later, grants without a refresh token (a vendor's unused
SP-API channel), revoked grants, disconnected connections.

Printed per back end and size: load time, the median time of the sweep's id query and of
the repository call that loads the due connections (decrypting their tokens), the query
plan, and the 1M/10k ratio (goal < 3).

Rows that the sweep returns hold real AES-GCM ciphertexts (the repository decrypts them);
the other rows hold random bytes of the same length, which nothing here decrypts.

Run: `.venv/bin/python benchmarks/sweep.py` (or `make bench`). PostgreSQL comes from
harness/postgres.py (a throwaway server on a free loopback port, stopped at the end);
`--sizes 10000,100000` and `--backends sqlite` make shorter runs.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adapters.persistence import Keyring, SqlDatabase
from adapters.persistence.crypto import (
    grant_access_token_aad,
    grant_refresh_token_aad,
)
from adapters.persistence.diagnostics import explain
from adapters.persistence.repositories.connections import access_tokens_due

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
HORIZON = NOW + timedelta(hours=1)
DUE = 250
TEAMS = 100
KEYRING = Keyring.generate("bench")
CIPHERTEXT_BYTES = 12 + 40 + 16


def _sqlite_time(value: object) -> object:
    """A time column as SQLite stores it (naive UTC text); any other value as it is."""
    if not isinstance(value, datetime):
        return value
    return value.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


Row = tuple[object, ...]
Tables = tuple[list[Row], list[Row], list[Row]]  # teams, connections, grants

_GENERATED: dict[int, Tables] = {}


def generate(grants: int, seed: int = 5) -> Tables:
    """Teams, connections and grants as tuples in table column order (times aware UTC);
    made once per size and shared by the back ends."""
    if grants in _GENERATED:
        return _GENERATED[grants]
    rng = random.Random(seed)
    teams: list[Row] = [
        (f"team_{t}", f"Team {t}", "brand", "pro", None, 3, NOW, 0) for t in range(TEAMS)
    ]
    connection_count = grants // 2
    # The due connections (never disconnected ones): their SP-API grant's access token ends
    # within the hour; both their grants hold real ciphertexts (the sweep decrypts both).
    due = set(rng.sample([c for c in range(connection_count) if c % 97], DUE))
    connections: list[Row] = []
    grant_rows: list[Row] = []
    for c in range(connection_count):
        connection_id = f"con_{c:07d}"
        team_id = f"team_{c % TEAMS}"
        disconnected = NOW - timedelta(days=3) if c % 97 == 0 else None
        connections.append(
            (
                connection_id, team_id, "seller", "NA", NOW - timedelta(days=30),
                f"Account {c}", f"A{c:012d}", f"E{c:012d}", "ads,sp_api", None, False,
                disconnected, disconnected, 0,
            )
        )  # fmt: skip
        for offset, channel in enumerate(("ads", "sp_api")):
            n = 2 * c + offset
            refresh: bytes | None
            access: bytes | None
            if c in due:
                refresh = KEYRING.seal(
                    f"Atzr|bench-{n}", grant_refresh_token_aad(team_id, connection_id, channel)
                ).ciphertext
                access = KEYRING.seal(
                    f"Atza|bench-{n}", grant_access_token_aad(team_id, connection_id, channel)
                ).ciphertext
                if channel == "sp_api":
                    access_expires = NOW + timedelta(seconds=rng.randrange(60, 3540))
                else:
                    access_expires = NOW + timedelta(seconds=rng.randrange(3 * 3600, 86400))
                revoked = None
            else:
                kind = rng.random()
                refresh = access = rng.randbytes(CIPHERTEXT_BYTES)
                access_expires = NOW + timedelta(seconds=rng.randrange(3 * 3600, 30 * 86400))
                revoked = None
                if disconnected is not None or kind < 0.05:  # never authorized / forgotten
                    refresh = access = None
                    access_expires = None
                elif kind < 0.10:  # revoked: its access token was dropped
                    revoked = NOW - timedelta(days=1)
                    access = None
                    access_expires = None
            authorized = NOW - timedelta(days=rng.randrange(1, 360))
            grant_rows.append(
                (
                    connection_id, channel, refresh, "bench" if refresh else None,
                    '["scope"]', authorized,
                    authorized + timedelta(days=365) if channel == "sp_api" else None,
                    revoked, f"A{c:012d}", access, "bench" if access else None,
                    access_expires, authorized, None,
                )
            )  # fmt: skip
    _GENERATED[grants] = (teams, connections, grant_rows)
    return _GENERATED[grants]


TEAM_COLUMNS = "id, name, kind, plan, max_connections, marketplace_retry_limit, created_at, version"
CONNECTION_COLUMNS = (
    "id, team_id, account_type, region, created_at, display_name, selling_partner_id, "
    "ads_account_id, required_channels, selected_profile_id, profile_auto_selected, "
    "disconnected_at, unusable_since, version"
)
GRANT_COLUMNS = (
    "connection_id, channel, refresh_token_ciphertext, refresh_token_key_id, scopes, "
    "authorized_at, expires_at, revoked_at, account_id, access_token_ciphertext, "
    "access_token_key_id, access_token_expires_at, last_refresh_at, last_refresh_error"
)
TIME_FIELDS = {"teams": (6,), "connections": (4, 11, 12), "grants": (5, 6, 7, 11, 12)}


def load_sqlite(db: SqlDatabase, data: Tables) -> None:
    raw = db.engine.raw_connection()
    try:
        driver = raw.driver_connection
        assert driver is not None
        cursor = driver.cursor()  # sqlite3's own: its executemany takes a generator
        cursor.execute("PRAGMA cache_size=-262144")  # 256 MiB for the bulk load
        cursor.execute("BEGIN IMMEDIATE")
        for table, columns, rows in zip(
            ("teams", "connections", "grants"),
            (TEAM_COLUMNS, CONNECTION_COLUMNS, GRANT_COLUMNS),
            data,
            strict=True,
        ):
            times = TIME_FIELDS[table]
            marks = ", ".join("?" * len(columns.split(", ")))
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})",
                (
                    tuple(_sqlite_time(v) if i in times else v for i, v in enumerate(row))
                    for row in rows
                ),
            )
        cursor.execute("COMMIT")
        cursor.execute("ANALYZE")
    finally:
        raw.close()


def load_postgres(db: SqlDatabase, data: Tables) -> None:
    raw = db.engine.raw_connection()
    try:
        driver = raw.driver_connection
        assert driver is not None
        with driver.cursor() as cursor:
            for table, columns, rows in zip(
                ("teams", "connections", "grants"),
                (TEAM_COLUMNS, CONNECTION_COLUMNS, GRANT_COLUMNS),
                data,
                strict=True,
            ):
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        driver.commit()
        driver.autocommit = True
        with driver.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        driver.autocommit = False
    finally:
        raw.close()


def median_seconds(work: Callable[[], object], runs: int) -> float:
    work()  # warm the caches and the statement cache
    gc.collect()
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


class Measured(NamedTuple):
    due: int  # grants the sweep query finds due
    due_connections: int  # connections the repository call returns
    query: float  # seconds, median
    repository: float  # seconds, median
    plan: str


def measure(db: SqlDatabase) -> Measured:
    def id_query() -> int:
        with db.engine.connect() as connection:
            return len(connection.execute(access_tokens_due(HORIZON)).all())

    def repository() -> int:
        with db.unit_of_work() as uow:
            return len(uow.connections.with_access_tokens_expiring_before(HORIZON))

    due_ids = id_query()
    due_connections = repository()
    with db.engine.connect() as connection:
        plan = explain(connection, access_tokens_due(HORIZON), analyze=True)
    return Measured(
        due=due_ids,
        due_connections=due_connections,
        query=median_seconds(id_query, 21),
        repository=median_seconds(repository, 9),
        plan=plan,
    )


@contextmanager
def database(backend: str, size: int, postgres_url: str | None) -> Iterator[SqlDatabase]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="sellerlink-bench-") as directory:
            db = SqlDatabase(f"sqlite:///{directory}/bench.db", KEYRING)
            try:
                yield db
            finally:
                db.dispose()
        return
    from harness.postgres import create_database, drop_database

    assert postgres_url is not None
    url = create_database(postgres_url, f"bench_{size}")
    db = SqlDatabase(url, KEYRING)
    try:
        yield db
    finally:
        db.dispose()
        drop_database(postgres_url, url)


def run_backend(backend: str, sizes: list[int], postgres_url: str | None) -> None:
    results: dict[int, Measured] = {}
    for size in sizes:
        started = time.perf_counter()
        cached = size in _GENERATED
        data = generate(size)
        generated = "shared" if cached else f"{time.perf_counter() - started:4.1f} s"
        with database(backend, size, postgres_url) as db:
            db.upgrade()
            started = time.perf_counter()
            (load_sqlite if backend == "sqlite" else load_postgres)(db, data)
            loaded = time.perf_counter() - started
            result = measure(db)
        results[size] = result
        print(
            f"[{backend}] {size:>9,} grants: generated {generated}, loaded in "
            f"{loaded:5.1f} s; due grants {result.due}, due connections "
            f"{result.due_connections}; sweep query {result.query * 1000:7.2f} ms, "
            f"repository call {result.repository * 1000:7.2f} ms"
        )
        print(f"[{backend}] plan at {size:,}:")
        for line in result.plan.splitlines():
            print(f"    {line}")
        sys.stdout.flush()
    if len(sizes) >= 2:
        small, large = results[min(sizes)], results[max(sizes)]
        for what in ("query", "repository"):
            ratio = getattr(large, what) / getattr(small, what)
            verdict = "OK" if ratio < 3 else "ABOVE GOAL"
            print(
                f"[{backend}] {what}: {max(sizes):,}/{min(sizes):,} time ratio "
                f"{ratio:.2f} (goal < 3: {verdict})"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    print(
        f"refresh sweep benchmark: {DUE} grants due in the next hour at every size; "
        f"cpus {os.cpu_count()}"
    )
    started = time.perf_counter()
    if "sqlite" in backends:
        run_backend("sqlite", sizes, None)
    if "postgres" in backends:
        from harness.postgres import PostgresUnavailable, running_postgres

        try:
            with running_postgres() as url:
                run_backend("postgres", sizes, url)
        except PostgresUnavailable as error:
            print(f"[postgres] NOT RUN: {error}")
            return 1
    print(f"total {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
