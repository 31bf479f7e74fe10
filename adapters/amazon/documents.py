"""Report documents, read as streams (DESIGN §12: "large report documents are streamed").

A document is first downloaded to a temporary file (fetch, then write: no database work
waits on the download), then read through gzip and a chunked JSON reader (json_stream.py),
so a 200 MB report is never whole in memory: one object at a time goes to the caller.

The parsers turn Amazon's documents into records (docs/amazon-datasets.md):
- GET_SALES_AND_TRAFFIC_REPORT (sellerSalesAndTrafficReport.json): one record per
  `salesAndTrafficByAsin` entry, keyed by the report's day and the child ASIN (the by-ASIN
  section aggregates over the whole report range, so sellerlink asks for one day at a time).
- GET_VENDOR_SALES_REPORT + GET_VENDOR_TRAFFIC_REPORT (vendorSalesReport.json,
  vendorTrafficReport.json): `salesByAsin` and `trafficByAsin` entries of one day and ASIN
  joined into one record `{date, asin, sales, traffic}`.
- Amazon Ads reporting v3: a (gzipped) JSON array of rows, one record per (date, campaign).
"""

from __future__ import annotations

import gzip
import tempfile
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import IO, Any, cast

import msgspec

from adapters.amazon.json_stream import JsonStream
from domain.records import IncomingRecord, payload_hash

_SPOOL = 1 << 20  # documents up to 1 MB stay in memory; larger ones go to disk


def temporary_document() -> IO[bytes]:
    return tempfile.SpooledTemporaryFile(max_size=_SPOOL)


def open_document(raw: IO[bytes], compression: str | None) -> IO[bytes]:
    raw.seek(0)
    if (compression or "").upper() == "GZIP":
        return cast(IO[bytes], gzip.GzipFile(fileobj=raw, mode="rb"))
    return raw


_ENCODE = msgspec.json.Encoder().encode


def _record(key: str, payload: Any, as_of: datetime) -> IncomingRecord:
    """The row as compact JSON, hashed as the bytes it is (no second encoding)."""
    raw = _ENCODE(payload)
    return IncomingRecord(key, raw.decode(), as_of, hash=payload_hash(raw))


def _day(value: str | date) -> datetime:
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def sales_and_traffic(document: IO[bytes], day: date) -> Iterator[IncomingRecord]:
    when, at = day.isoformat(), _day(day)
    for entry in JsonStream(document).section("salesAndTrafficByAsin"):
        asin = entry.get("childAsin") or entry.get("parentAsin") or entry.get("sku")
        if not asin:
            continue
        yield _record(f"{when}/{asin}", {"date": when, **entry}, at)


def vendor_sales_and_traffic(sales: IO[bytes], traffic: IO[bytes]) -> Iterator[IncomingRecord]:
    """The traffic document (one small entry per ASIN and day) is indexed first; the sales
    document is then streamed and joined to it."""
    views: dict[tuple[str, str], dict[str, Any]] = {}
    for entry in JsonStream(traffic).section("trafficByAsin"):
        views[(str(entry.get("startDate", ""))[:10], str(entry.get("asin", "")))] = entry
    for entry in JsonStream(sales).section("salesByAsin"):
        key = (str(entry.get("startDate", ""))[:10], str(entry.get("asin", "")))
        if not all(key):
            continue
        payload = {"date": key[0], "asin": key[1], "sales": entry, "traffic": views.pop(key, None)}
        yield _record(f"{key[0]}/{key[1]}", payload, _day(key[0]))
    for (when, asin), entry in sorted(views.items()):
        if when and asin:
            payload = {"date": when, "asin": asin, "sales": None, "traffic": entry}
            yield _record(f"{when}/{asin}", payload, _day(when))


def ads_campaign_rows(document: IO[bytes]) -> Iterator[IncomingRecord]:
    for row in JsonStream(document).items():
        when, campaign = row.get("date"), row.get("campaignId")
        if not when or campaign is None:
            continue
        yield _record(f"{str(when)[:10]}/{campaign}", row, _day(str(when)))
