"""Records (DESIGN §12): keyset pages stay flat with depth, report ingest keeps up with a raw
executemany, and a large report is ingested in bounded memory. SQLite and PostgreSQL, each
figure measured side by side in one run:

1. 1,000,000 records of one team: a page of 100 at depth 900,000 vs at depth 0 (time ratio;
   the target is < 1.5).
2. A 100,000-row GET_SALES_AND_TRAFFIC_REPORT document (gzip) ingested the way the sync
   does it (stream-parse, hash, compare, write in batches of 5,000 with the team sequence)
   vs a raw DBAPI executemany of the same rows into the same empty table (throughput
   ratio; the target is >= 50 %).
3. A document of 200 MB uncompressed ingested in a fresh process: peak RSS above that
   process's baseline (the target is < 150 MB).

PostgreSQL is a throwaway server (harness/postgres.py) unless SELLERLINK_TEST_POSTGRES_URL
names one; `--sqlite-only` skips it. `--records` and `--document-mb` shrink the run.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from adapters.amazon import documents
from adapters.persistence import Keyring, SqlDatabase
from application.read_ahead import read_ahead
from application.sync_window import BATCH
from domain.connection import AccountType, Connection, Region
from domain.records import Dataset, IncomingRecord, RecordQuery, RecordScope
from domain.team import Team, TeamKind

KEYRING = Keyring.generate("bench")
AT = datetime(2026, 12, 1, tzinfo=UTC)
DAY = date(2026, 11, 30)
TEAM = "team_bench"
SCOPE = RecordScope(TEAM, "con_bench", "ATVPDKIKX0DER", Dataset.SALES_TRAFFIC)
COLUMNS = (
    "connection_id",
    "marketplace_id",
    "dataset",
    "key",
    "team_id",
    "seq",
    "payload",
    "payload_hash",
    "updated_at",
    "as_of",
    "deleted",
)


# --------------------------------------------------------------------------- databases


def _seed(db: SqlDatabase) -> None:
    with db.unit_of_work() as uow:
        uow.teams.add(Team(id=TEAM, name="Bench", kind=TeamKind.BRAND, created_at=AT))
        uow.connections.add(
            Connection(
                id=SCOPE.connection_id,
                team_id=TEAM,
                account_type=AccountType.SELLER,
                region=Region.NA,
                created_at=AT,
                selling_partner_id="A1BENCH",
            )
        )
        uow.commit()


def _empty_records(db: SqlDatabase) -> None:
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM records")
        connection.exec_driver_sql("DELETE FROM record_sequences")


def _placeholders(db: SqlDatabase) -> str:
    mark = "?" if db.dialect == "sqlite" else "%s"
    return ", ".join([mark] * len(COLUMNS))


def _raw_insert(db: SqlDatabase, rows: list[tuple[Any, ...]]) -> None:
    """The yardstick: the DBAPI's executemany, batches of the same size, one transaction."""
    sql = f"INSERT INTO records ({', '.join(COLUMNS)}) VALUES ({_placeholders(db)})"
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        if db.dialect == "sqlite":
            cursor.execute("BEGIN")
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])
        raw.commit()
    finally:
        raw.close()


def _row(record: IncomingRecord, seq: int, dialect: str) -> tuple[Any, ...]:
    stamp: Any = AT.replace(tzinfo=None) if dialect == "sqlite" else AT
    as_of: Any = None
    if record.as_of is not None:
        as_of = record.as_of.replace(tzinfo=None) if dialect == "sqlite" else record.as_of
    return (
        SCOPE.connection_id,
        SCOPE.marketplace_id,
        str(SCOPE.dataset),
        record.key,
        TEAM,
        seq,
        record.payload,
        record.hash,
        stamp,
        as_of,
        False,
    )


# --------------------------------------------------------------------------- documents


def _entry(n: int) -> dict[str, Any]:
    """One salesAndTrafficByAsin entry as sellerSalesAndTrafficReport.json describes it."""
    asin = f"B{n:09d}"
    return {
        "parentAsin": f"B{n // 4:09d}",
        "childAsin": asin,
        "sku": f"SKU-{n}",
        "salesByAsin": {
            "unitsOrdered": n % 7,
            "unitsOrderedB2B": n % 3,
            "orderedProductSales": {"amount": round(n % 1000 * 1.37, 2), "currencyCode": "USD"},
            "orderedProductSalesB2B": {"amount": 0.0, "currencyCode": "USD"},
            "totalOrderItems": n % 7,
            "totalOrderItemsB2B": n % 3,
        },
        "trafficByAsin": {
            "browserSessions": n % 50,
            "mobileAppSessions": n % 40,
            "sessions": n % 90,
            "browserPageViews": n % 60,
            "mobileAppPageViews": n % 70,
            "pageViews": n % 130,
            "buyBoxPercentage": 54.0,
            "unitSessionPercentage": 9.09,
        },
    }


def write_document(path: Path, *, rows: int | None = None, megabytes: int | None = None) -> int:
    """A gzipped report document, written as a stream; returns the number of entries."""
    header = {
        "reportSpecification": {
            "reportType": "GET_SALES_AND_TRAFFIC_REPORT",
            "reportOptions": {"dateGranularity": "DAY", "asinGranularity": "CHILD"},
            "dataStartTime": DAY.isoformat(),
            "dataEndTime": DAY.isoformat(),
            "marketplaceIds": [SCOPE.marketplace_id],
        },
        "salesAndTrafficByDate": [],
    }
    limit = (megabytes or 0) * 1_000_000
    written = n = 0
    with gzip.open(path, "wt", compresslevel=1) as out:
        head = json.dumps(header)[:-1] + ', "salesAndTrafficByAsin": ['
        out.write(head)
        written += len(head)
        while (rows is not None and n < rows) or (rows is None and written < limit):
            text = ("," if n else "") + json.dumps(_entry(n))
            out.write(text)
            written += len(text)
            n += 1
        out.write("]}")
    return n


def _parsed(path: Path) -> Iterator[IncomingRecord]:
    with path.open("rb") as raw, documents.open_document(raw, "GZIP") as stream:
        yield from documents.sales_and_traffic(stream, DAY)


def ingest(db: SqlDatabase, path: Path) -> int:
    """What DatasetSync._store does with a downloaded report: batches of 5,000 records,
    each written in its own short transaction with the team's sequence."""
    total = 0
    for batch in read_ahead(_parsed(path), BATCH):
        with db.unit_of_work() as uow:
            total += uow.records.write(SCOPE, batch, at=AT).created
            uow.commit()
    return total


# --------------------------------------------------------------------------- measures


def _best(runs: list[float]) -> float:
    return statistics.median(runs)


def paging(db: SqlDatabase, total: int) -> tuple[float, float]:
    _empty_records(db)
    payload = json.dumps(_entry(1))
    record = IncomingRecord("x", payload)
    rows = []
    for n in range(1, total + 1):
        rows.append(
            _row(IncomingRecord(f"k{n:08d}", payload, None, hash=record.hash), n, db.dialect)
        )
        if len(rows) == 100_000:
            _raw_insert(db, rows)
            rows = []
    if rows:
        _raw_insert(db, rows)
    if db.dialect == "postgresql":
        with db.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE records")

    def page(after: int) -> float:
        started = time.perf_counter()
        with db.unit_of_work() as uow:
            found = uow.records.page(RecordQuery(team_id=TEAM, after=after, limit=100))
        assert len(found) == 100, len(found)
        return time.perf_counter() - started

    depth = int(total * 0.9)
    shallow, deep = [], []
    for _ in range(30):
        shallow.append(page(0))
        deep.append(page(depth))
    return _best(shallow), _best(deep)


def write_only(db: SqlDatabase, parsed: list[IncomingRecord]) -> float:
    """The write path alone (records already parsed): where the parse's share shows."""
    _empty_records(db)
    started = time.perf_counter()
    for start in range(0, len(parsed), BATCH):
        with db.unit_of_work() as uow:
            uow.records.write(SCOPE, parsed[start : start + BATCH], at=AT)
            uow.commit()
    return time.perf_counter() - started


def ingest_vs_raw(db: SqlDatabase, path: Path) -> tuple[float, float, float, int]:
    parsed = list(_parsed(path))
    rows = [_row(r, n, db.dialect) for n, r in enumerate(parsed, start=1)]
    raw_times, ours = [], []
    writes = [write_only(db, parsed) for _ in range(2)]
    for _ in range(2):
        _empty_records(db)
        started = time.perf_counter()
        _raw_insert(db, rows)
        raw_times.append(time.perf_counter() - started)
        _empty_records(db)
        started = time.perf_counter()
        created = ingest(db, path)
        ours.append(time.perf_counter() - started)
        assert created == len(rows), (created, len(rows))
    return min(raw_times), min(ours), min(writes), len(rows)


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def _high_water_mb() -> float:
    """VmHWM: this process image's peak RSS. (ru_maxrss would not do: on Linux it carries
    the forking parent's peak across exec.)"""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024 / 1e6
    raise RuntimeError("no VmHWM in /proc/self/status")


def memory_child(url: str, path: str) -> None:
    """Runs in a fresh process: baseline RSS, ingest, peak RSS."""
    db = SqlDatabase(url, KEYRING)
    with db.unit_of_work() as uow:  # warm up the engine, the pool and the mappers
        uow.records.page(RecordQuery(team_id=TEAM, limit=1))
    baseline = _rss_mb()
    created = ingest(db, Path(path))
    print(json.dumps({"baseline": baseline, "peak": _high_water_mb(), "rows": created}))
    db.dispose()


def memory(db: SqlDatabase, path: Path) -> dict[str, float]:
    _empty_records(db)
    child = subprocess.run(
        [sys.executable, __file__, "--memory-child", db.url.render_as_string(False), str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=1800,
    )
    figures: dict[str, float] = json.loads(child.stdout.strip().splitlines()[-1])
    return figures


def run(name: str, url: str, args: argparse.Namespace, work: Path) -> list[str]:
    db = SqlDatabase(url, KEYRING)
    db.upgrade()
    _seed(db)
    lines = []
    shallow, deep = paging(db, args.records)
    lines.append(
        f"{name:10} page of 100 in {args.records:,} records: depth 0 {shallow * 1e3:.2f} ms, "
        f"depth {int(args.records * 0.9):,} {deep * 1e3:.2f} ms, ratio {deep / shallow:.2f} "
        f"(target < 1.5)"
    )
    report = work / "report-100k.json.gz"
    if not report.exists():
        write_document(report, rows=args.rows)
    raw, ours, writes, rows = ingest_vs_raw(db, report)
    lines.append(
        f"{name:10} ingest of a {rows:,}-row report: raw executemany {rows / raw:,.0f} rows/s, "
        f"sellerlink {rows / ours:,.0f} rows/s, ratio {raw / ours:.0%} (target >= 50%); "
        f"its write path alone (parsed records) {rows / writes:,.0f} rows/s, "
        f"ratio {raw / writes:.0%}"
    )
    big = work / f"report-{args.document_mb}mb.json.gz"
    if not big.exists():
        write_document(big, megabytes=args.document_mb)
    figures = memory(db, big)
    lines.append(
        f"{name:10} ingest of a {args.document_mb} MB document ({figures['rows']:,.0f} rows): "
        f"peak RSS {figures['peak'] - figures['baseline']:.0f} MB above the baseline of "
        f"{figures['baseline']:.0f} MB (target < 150 MB)"
    )
    _empty_records(db)
    db.dispose()
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--document-mb", type=int, default=200)
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--memory-child", nargs=2, metavar=("URL", "PATH"))
    args = parser.parse_args()
    if args.memory_child:
        memory_child(*args.memory_child)
        return 0
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="sellerlink-records-") as tmp:
        work = Path(tmp)
        lines += run("sqlite", f"sqlite:///{work / 'bench.db'}", args, work)
        for line in lines:
            print(line, flush=True)
        if not args.sqlite_only:
            from harness.postgres import (
                PostgresUnavailable,
                create_database,
                drop_database,
                running_postgres,
            )

            try:
                with running_postgres() as server:
                    url = create_database(server, "bench_records")
                    try:
                        for line in run("postgresql", url, args, work):
                            print(line, flush=True)
                    finally:
                        drop_database(server, url)
            except PostgresUnavailable as error:
                print(f"postgresql skipped: {error}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
