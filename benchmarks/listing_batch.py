"""100,000 SKUs through the listing rules, per-SKU coalescing and feed building.

The question: how long does sellerlink take to turn a whole catalogue into what Amazon
receives, and how much does batching save against a naive plan of one Listings Items PATCH
per SKU at Amazon's 5 requests per second (AMAZON.md)?

What runs (pure CPU, no network, no database):
1. rules: every SKU arrives as a product snapshot and is decided under seed 003's settings
   (buffer 6, ceiling 4, minimum price 5.00 USD; a few SKUs fall under the buffer or the
   minimum) — `SkuListing.receive_first`, i.e. `ListingSettings.decide`;
2. coalescing: a second, later snapshot for 30% of the SKUs (half of them a new value,
   half the same value again): the latest value wins and nothing is counted twice;
3. planning: the changes Amazon does not hold yet, planned into feeds of <= 25,000
   messages (`plan_batch`);
4. feed building: each feed's `JSON_LISTINGS_FEED` document, serialized to bytes.

Goal: the batch is built in < 1.5 s and needs <= 4 feed submissions.

Run: `.venv/bin/python benchmarks/listing_batch.py [--skus 100000] [--repeat 3]`.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from adapters.amazon.listings_feed import build_document
from application.listing_send import to_update
from domain.listing import ListingSettings, Money, ProductSnapshot
from domain.listing_batch import (
    FEED_SUBMISSION_WINDOW,
    FEED_SUBMISSIONS_PER_WINDOW,
    SkuListing,
    plan_batch,
)

US = "ATVPDKIKX0DER"
SELLER = "A1SBXUSSELLER01"
PATCH_RATE = 5.0  # Listings Items PATCH, requests per second (AMAZON.md)
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def catalogue(n: int) -> tuple[list[ProductSnapshot], list[ProductSnapshot]]:
    """The first snapshot of every SKU, and a later one for 30% of them."""
    prices = [Money(Decimal(f"{4 + (i % 50)}.99"), "USD") for i in range(50)]
    first = [ProductSnapshot(f"SKU-{i:06d}", i % 23, prices[i % 50]) for i in range(n)]
    later = []
    for i in range(0, n, 10):
        for j in (i, i + 1, i + 2):
            if j < n:
                same = j % 2 == 0
                available = first[j].available if same else first[j].available + 7
                later.append(ProductSnapshot(first[j].sku, available, first[j].price))
    return first, later


def build(
    settings: ListingSettings,
    first: list[ProductSnapshot],
    later: list[ProductSnapshot],
) -> tuple[int, int, list[bytes]]:
    listings = {p.sku: SkuListing.receive_first("con_1", US, p, settings, T0) for p in first}
    at = T0 + timedelta(minutes=5)
    for product in later:
        listings[product.sku].receive(product, settings, at)
    changes = [c for c in (lst.change() for lst in listings.values()) if c is not None]
    plan = plan_batch(changes)
    documents = [build_document(SELLER, [to_update(c) for c in feed]) for feed in plan.requests]
    return len(listings), len(changes), documents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    settings = ListingSettings(
        "con_1",
        inventory_buffer=6,
        inventory_ceiling=4,
        minimum_price=Money(Decimal("5.00"), "USD"),
    )
    first, later = catalogue(args.skus)
    timings = []
    cpu = []
    for _ in range(args.repeat):
        gc.collect()
        started, started_cpu = time.perf_counter(), time.process_time()
        skus, sent, documents = build(settings, first, later)
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    elapsed = statistics.median(timings)
    cpu_time = statistics.median(cpu)
    feeds = len(documents)
    submissions_windows = -(-feeds // FEED_SUBMISSIONS_PER_WINDOW)
    naive_requests = skus  # one Listings Items PATCH per SKU
    naive_seconds = naive_requests / PATCH_RATE
    print(f"SKUs: {skus:,}; later snapshots coalesced: {len(later):,}")
    print(f"changes to send: {sent:,} (the rest are under the minimum price)")
    print(
        f"batch built in {elapsed:.3f} s (median of {args.repeat}; "
        f"runs: {', '.join(f'{t:.3f}' for t in timings)}); CPU time {cpu_time:.3f} s "
        f"(wall time includes waiting for a core on a busy machine)"
    )
    print(
        f"feeds: {feeds} JSON_LISTINGS_FEED submissions "
        f"({sum(len(d) for d in documents) / 1e6:.1f} MB), within "
        f"{submissions_windows} feed quota window(s) of "
        f"{int(FEED_SUBMISSION_WINDOW.total_seconds() // 60)} minutes"
    )
    print(
        f"naive plan: {naive_requests:,} PATCH requests = {naive_seconds:,.0f} s "
        f"({naive_seconds / 3600:.1f} h) at {PATCH_RATE:.0f}/s"
    )
    print(
        f"  (without coalescing, one PATCH per snapshot received: {skus + len(later):,} requests)"
    )
    print(f"request ratio naive/batched: {naive_requests / max(feeds, 1):,.0f}x")
    print(f"time ratio naive-at-5/s / batch build: {naive_seconds / elapsed:,.0f}x")
    print(
        f"goal (< 1.5 s and <= 4 feeds): wall {'met' if elapsed < 1.5 else 'NOT met'}, "
        f"CPU {'met' if cpu_time < 1.5 else 'NOT met'}, feeds "
        f"{'met' if feeds <= 4 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
