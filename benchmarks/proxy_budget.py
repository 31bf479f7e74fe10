"""The shared rate budget under a product's burst, side by side in one run.

One embedded sellerlink (SQLite, the sandbox mounted at /sandbox, the sandbox clock running
SCALE times faster so Amazon's getOrders plan, 0.0167 requests/s with a burst of 20, becomes
SCALE/60 requests a second) on a loopback port, then:

1. through sellerlink: K product processes x THREADS threads call one seller's getOrders
   through the proxy at 3x Amazon's rate for PHASE_SECONDS while sellerlink's own sync reads
   the same seller's orders (the adapter call RunSyncCycle makes) every few seconds;
2. beside it, the same load from python-amazon-sp-api in K processes straight at the
   sandbox (another seller, so each side starts with a full bucket);
3. the proxy's added latency over a direct call (Ads GET /v2/profiles, not rate-limited),
   p50 and p99, sequential on loopback;
4. 100 concurrent access-token requests for one lapsed connection: how many LWA calls.

Printed: Amazon-side 429 share, rate used (Amazon's 200s over what the plan allowed in the
window), 429s a caller got without asking (Amazon's, passed on) versus RATE_LIMITED answers
past the caller's X-Sellerlink-Max-Wait, and the sync's outcomes. Times count on the sandbox
clock where Amazon's rules apply. Bounded: about a minute on a 2-core machine.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from adapters.amazon.rate_limit import RATE_PLANS
from harness.driver import Api, User, driving
from harness.own_sync import read_an_hour_of_orders
from harness.server import embedded_product

K = 4
THREADS = 8
SCALE = 60.0
PHASE_SECONDS = 15.0
MAX_WAIT = 300.0  # the longest X-Sellerlink-Max-Wait: sandbox seconds, 5 s of wall time
SYNC_EVERY = 3.0
LATENCY_SAMPLES = 100
SINGLE_FLIGHT = 100
JWT = "bench-proxy-budget-secret-0123456789-abcdef"
US = "ATVPDKIKX0DER"
AFTER, BEFORE = "2025-01-01T00:00:00Z", "2025-01-01T02:00:00Z"
PLAN = RATE_PLANS["getOrders"]
WALL_RATE = PLAN.rate * SCALE  # requests per wall-clock second Amazon allows
INTERVAL = K * THREADS / (3 * WALL_RATE)  # each thread's pace: together 3x the rate


# --------------------------------------------------------------------------- set-up


def refresh_token_for(api: Api, owner: User, container: Any) -> str:
    """An SP-API refresh token of another seller, obtained the way any app would: consent,
    then the code exchanged at the (sandbox) LWA endpoint with the app's credentials."""
    settings = container.amazon_settings()
    started = api.start(owner, "sp_api")
    assert started.status_code == 201, started.text
    consent_page = api.follow(started.json()["authorization_url"])
    query = api.amazon.consent(consent_page, "multi-profile-seller")
    answer = api.client.post(
        "/sandbox/auth/o2/token",
        data={
            "grant_type": "authorization_code",
            "code": query["spapi_oauth_code"],
            "redirect_uri": settings.sp_api_redirect_uri,
            "client_id": settings.sp_api_client_id,
            "client_secret": settings.sp_api_client_secret.reveal(),
        },
    )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["refresh_token"])


def sandbox_log(client: httpx.Client) -> list[dict[str, Any]]:
    return list(client.get("/sandbox/_admin/requests").json()["items"])


# --------------------------------------------------------------------------- the loads


def paced(call: Any, seconds: float, results: list[tuple[Any, ...]]) -> None:
    start = time.monotonic()
    due = start
    while True:
        now = time.monotonic()
        if now >= start + seconds:
            return
        if due > now:
            time.sleep(due - now)
        results.append(call())
        due = max(due + INTERVAL, time.monotonic() - INTERVAL)


def through_sellerlink(base_url: str, key: str, connection_id: str, ready: Any, out: Any) -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    url = (
        f"{base_url}/api/v1/connections/{connection_id}/amazon/sp-api/orders/v0/orders"
        f"?MarketplaceIds={US}&LastUpdatedAfter={AFTER}&LastUpdatedBefore={BEFORE}"
    )
    headers = {"Authorization": f"Bearer {key}", "X-Sellerlink-Max-Wait": str(MAX_WAIT)}
    results: list[tuple[Any, ...]] = []

    def thread() -> None:
        with httpx.Client(timeout=120) as client:

            def call() -> tuple[Any, ...]:
                answer = client.get(url, headers=headers)
                code = ""
                if answer.status_code >= 400:
                    body = answer.json()
                    code = body.get("code") or (body.get("errors") or [{}])[0].get("code", "")
                return (answer.status_code, code)

            paced(call, PHASE_SECONDS, results)

    _load_together(thread, ready)
    out.put(results)


def straight_at_the_sandbox(
    base_url: str, refresh_token: str, app: dict[str, str], ready: Any, out: Any
) -> None:
    from sp_api.api.orders.orders_v0 import OrdersV0  # type: ignore[import-untyped]
    from sp_api.auth import AccessTokenClient  # type: ignore[import-untyped]
    from sp_api.base import (  # type: ignore[import-untyped]
        SellingApiException,
        SellingApiRequestThrottledException,
    )

    host = base_url.removeprefix("http://") + "/sandbox"

    class SandboxLwa(AccessTokenClient):  # type: ignore[misc]
        scheme = "http://"

    SandboxLwa.host = host
    credentials = {"lwa_app_id": app["client_id"], "lwa_client_secret": app["client_secret"]}
    results: list[tuple[Any, ...]] = []

    class SandboxOrders(OrdersV0):  # type: ignore[misc]
        @property
        def headers(self) -> dict[str, str]:
            # The library slices its Host header out of an https:// endpoint.
            return dict(super().headers) | {"host": base_url.removeprefix("http://")}

    def thread() -> None:
        orders = SandboxOrders(
            refresh_token=refresh_token,
            credentials=credentials,
            auth_token_client_class=SandboxLwa,
        )
        orders.endpoint = f"{base_url}/sandbox"

        def call() -> tuple[Any, ...]:
            try:
                orders.get_orders(LastUpdatedAfter=AFTER, LastUpdatedBefore=BEFORE)
                return (200, "")
            except SellingApiRequestThrottledException:
                return (429, "QuotaExceeded")
            except SellingApiException as error:
                return (getattr(error, "code", 0) or 0, type(error).__name__)

        paced(call, PHASE_SECONDS, results)

    _load_together(thread, ready)
    out.put(results)


def _load_together(thread: Callable[[], None], ready: Any) -> None:
    """THREADS threads of this process, started when every process is ready, so that all
    the processes' load begins at the same moment."""
    workers = [threading.Thread(target=thread) for _ in range(THREADS)]
    ready.wait(timeout=300)
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


def run_processes(
    target: Any, *args: Any, alongside: threading.Thread | None = None
) -> list[tuple[Any, ...]]:
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    ready = context.Barrier(K + 1)
    processes = [context.Process(target=target, args=(*args, ready, out)) for _ in range(K)]
    for process in processes:
        process.start()
    ready.wait(timeout=300)
    if alongside is not None:
        alongside.start()
    results: list[tuple[Any, ...]] = []
    for _ in processes:
        results.extend(out.get(timeout=PHASE_SECONDS + 180))
    for process in processes:
        process.join(timeout=30)
    return results


def amazon_side(entries: list[dict[str, Any]]) -> tuple[Counter[int], float]:
    """Amazon's answers to getOrders, and what the plan allowed from the first to the last
    (a full bucket plus the rate over that span of sandbox time)."""
    orders = [e for e in entries if e["path"].endswith("/orders/v0/orders")]
    if not orders:
        return Counter(), 0.0
    first, last = (datetime.fromisoformat(orders[i]["at"]) for i in (0, -1))
    return Counter(e["status"] for e in orders), PLAN.burst + PLAN.rate * (
        last - first
    ).total_seconds()


def pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "n/a"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# --------------------------------------------------------------------------- main


def main() -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    data_dir = Path(tempfile.mkdtemp(prefix="proxy-budget-"))
    with (
        embedded_product(data_dir, JWT, clock_scale=SCALE) as (base_url, container),
        driving(base_url, JWT, timeout=120) as api,
    ):
        client = api.client
        owner = api.create_team("Bench", plan="pro")["owner"]
        connection = api.connect(owner, "us-seller")["connection"]
        key = api.api_key(owner, ["amazon:access"], "bench").token
        refresh_token = refresh_token_for(api, owner, container)
        settings = container.amazon_settings()
        app = {
            "client_id": settings.sp_api_client_id,
            "client_secret": settings.sp_api_client_secret.reveal(),
        }

        # 1. through sellerlink, with sellerlink's own sync
        mark = len(sandbox_log(client))
        sync: list[str] = []

        def own_sync() -> None:
            application, amazon = container.application(), container.amazon()
            stop = time.monotonic() + PHASE_SECONDS
            while time.monotonic() + SYNC_EVERY < stop:
                time.sleep(SYNC_EVERY)
                sync.append(read_an_hour_of_orders(application, amazon, connection))

        syncing = threading.Thread(target=own_sync)
        proxied = run_processes(
            through_sellerlink, base_url, key, connection["id"], alongside=syncing
        )
        syncing.join()
        proxy_amazon, proxy_allowed = amazon_side(sandbox_log(client)[mark:])

        # 2. python-amazon-sp-api straight at the sandbox
        mark = len(sandbox_log(client))
        direct = run_processes(straight_at_the_sandbox, base_url, refresh_token, app)
        direct_amazon, direct_allowed = amazon_side(sandbox_log(client)[mark:])

        # 3. added latency
        token = client.post(
            f"/api/v1/connections/{connection['id']}/access-token",
            headers={"Authorization": f"Bearer {key}"},
            json={"channel": "ads"},
        ).json()
        proxy_url = f"/api/v1/connections/{connection['id']}/amazon/ads/v2/profiles"
        direct_ms: list[float] = []
        proxy_ms: list[float] = []
        for _ in range(LATENCY_SAMPLES):
            t0 = time.perf_counter()
            assert client.get(
                token["endpoint"] + "/v2/profiles", headers=token["headers"]
            ).is_success
            t1 = time.perf_counter()
            assert client.get(proxy_url, headers={"Authorization": f"Bearer {key}"}).is_success
            t2 = time.perf_counter()
            direct_ms.append((t1 - t0) * 1000)
            proxy_ms.append((t2 - t1) * 1000)

        # 4. single flight: every access token lapsed, 100 callers at once
        client.post("/sandbox/_admin/clock", json={"advance_seconds": 7200})
        mark = len(sandbox_log(client))
        barrier = threading.Barrier(SINGLE_FLIGHT)
        tokens: list[str] = []

        def ask() -> None:
            with httpx.Client(base_url=base_url, timeout=120) as own:
                barrier.wait()
                answer = own.post(
                    f"/api/v1/connections/{connection['id']}/access-token",
                    headers={"Authorization": f"Bearer {key}"},
                    json={"channel": "sp_api"},
                )
                tokens.append(answer.json().get("access_token", f"HTTP {answer.status_code}"))

        askers = [threading.Thread(target=ask) for _ in range(SINGLE_FLIGHT)]
        for asker in askers:
            asker.start()
        for asker in askers:
            asker.join()
        lwa_calls = sum(
            1 for e in sandbox_log(client)[mark:] if e["path"].endswith("/auth/o2/token")
        )

    report(proxied, proxy_amazon, proxy_allowed, sync, direct, direct_amazon, direct_allowed)
    print(
        f"proxy added latency (Ads GET /v2/profiles, {LATENCY_SAMPLES} sequential pairs): "
        f"direct p50 {percentile(direct_ms, 0.5):.2f} ms p99 {percentile(direct_ms, 0.99):.2f} ms; "
        f"proxy p50 {percentile(proxy_ms, 0.5):.2f} ms p99 {percentile(proxy_ms, 0.99):.2f} ms; "
        f"added p50 {percentile(proxy_ms, 0.5) - percentile(direct_ms, 0.5):.2f} ms "
        f"p99 {percentile(proxy_ms, 0.99) - percentile(direct_ms, 0.99):.2f} ms "
        f"(x{statistics.median(proxy_ms) / statistics.median(direct_ms):.2f} at the median)"
    )
    print(
        f"{SINGLE_FLIGHT} concurrent access-token requests for one lapsed connection: "
        f"{lwa_calls} LWA call(s), {len(set(tokens))} distinct answer(s)"
    )


def report(
    proxied: list[tuple[Any, ...]],
    proxy_amazon: Counter[int],
    proxy_allowed: float,
    sync: list[str],
    direct: list[tuple[Any, ...]],
    direct_amazon: Counter[int],
    direct_allowed: float,
) -> None:
    def row(label: str, left: str, right: str) -> None:
        print(f"  {label:<46}{left:>22}{right:>26}")

    proxy_codes = Counter(c for s, c in proxied if s >= 400)
    unasked = sum(1 for s, c in proxied if s == 429 and c != "RATE_LIMITED")
    direct_429 = sum(1 for s, _ in direct if s == 429)
    print(
        f"proxy_budget: K={K} processes x {THREADS} threads, one seller's getOrders at 3x "
        f"Amazon's rate; sandbox clock x{SCALE:g} (plan {PLAN.rate}/s burst {PLAN.burst} = "
        f"{WALL_RATE:.2f}/s of wall time), {PHASE_SECONDS:g} s per side, max wait {MAX_WAIT:g} "
        "sandbox-s"
    )
    row("", "through sellerlink", "python-amazon-sp-api")
    row("requests made by the products", str(len(proxied)), str(len(direct)))
    row(
        "  answered 200", str(sum(1 for s, _ in proxied if s == 200)), str(len(direct) - direct_429)
    )
    row(
        "Amazon-side 429 share (sandbox log)",
        pct(proxy_amazon[429], sum(proxy_amazon.values())),
        pct(direct_amazon[429], sum(direct_amazon.values())),
    )
    row(
        "rate used (Amazon 200s / plan allowance)",
        pct(proxy_amazon[200], proxy_allowed),
        pct(direct_amazon[200], direct_allowed),
    )
    row("429s a caller got without asking", str(unasked), str(direct_429))
    row("RATE_LIMITED past the caller's max wait", str(proxy_codes["RATE_LIMITED"]), "-")
    row(
        "other refusals",
        str(sum(proxy_codes.values()) - proxy_codes["RATE_LIMITED"] - unasked),
        "-",
    )
    row("sellerlink's own sync calls meanwhile", ", ".join(sync) or "none", "-")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
