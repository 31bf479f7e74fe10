"""How much of Amazon's allowed rate sellerlink uses, and how many 429s it collects.

Drives getMarketplaceParticipations (0.016 req/s, burst 15 per selling partner) for 50
selling partners against the sandbox's enforced limits, twice in the same run:

- sellerlink: AmazonHttpGateway, whose per-(partner, operation) token bucket waits for
  Amazon's bucket; when the wait is long it raises RATE_LIMITED with a retry-after and the
  caller (here: one loop per partner, standing in for the worker) comes back then;
- naive: a loop that calls as fast as it can and, on a 429, sleeps one second and retries.

The sandbox's clock runs SCALE times faster than the wall clock (both sides share it), so a
run covers SCALE x RUN_SECONDS simulated seconds. Everything listens on and talks to
127.0.0.1 only, and the script stops by itself (about 2 x RUN_SECONDS plus set-up).

Printed: requests, successes, 429s, the allowed number (per partner: burst + rate x
simulated duration), the share of the allowed rate used, and the share of 429s.
Goal for sellerlink: >= 95 % used, <= 1 % 429s.
"""

from __future__ import annotations

import argparse
import logging
import random
import threading
import time
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import attrs
import httpx

from adapters.amazon import AmazonHttpGateway, AmazonSettings, RetryPolicy
from adapters.amazon.rate_limit import RATE_PLANS
from adapters.amazon.sandbox import Sandbox, SandboxClock, Scenario, create_sandbox_app
from adapters.amazon.sandbox.serve import SandboxServer
from domain.connection import Region
from domain.errors import AmazonUnavailable, RateLimited
from domain.secret import Secret

OPERATION = "getMarketplaceParticipations"
PLAN = RATE_PLANS[OPERATION]
PARTNERS = 50
NAIVE_RETRY_SECONDS = 1.0  # simulated


def bench_scenarios(count: int) -> list[Scenario]:
    return [
        Scenario(
            name=f"bench-seller-{i:02d}",
            summary="benchmark account",
            account_name=f"Bench Seller {i:02d}",
            account_type="seller",
            selling_partner_id=f"A1SBXBENCH{i:05d}",
            ads_account_id=f"A1SBXBENCH{i:05d}",
            participations=("US",),
        )
        for i in range(count)
    ]


def authorize_all(
    http: httpx.Client, base: str, settings: AmazonSettings, scenarios: list[Scenario]
) -> dict[str, Secret]:
    """Consent as each account and exchange its code: partner id -> access token."""
    tokens = {}
    for scenario in scenarios:
        params = {
            "application_id": settings.sp_api_application_id,
            "state": "bench",
            "redirect_uri": settings.sp_api_redirect_uri,
        }
        answer = http.post(
            f"{base}/apps/authorize/consent",
            data={**params, "account": scenario.name, "decision": "approve"},
        )
        query = parse_qs(urlsplit(answer.headers["location"]).query)
        grant = http.post(
            f"{base}/auth/o2/token",
            data={
                "grant_type": "authorization_code",
                "code": query["spapi_oauth_code"][0],
                "redirect_uri": settings.sp_api_redirect_uri,
                "client_id": settings.sp_api_client_id,
                "client_secret": settings.sp_api_client_secret.reveal(),
            },
        ).json()
        tokens[scenario.selling_partner_id] = Secret(grant["access_token"])
    return tokens


def run_threads(
    tokens: dict[str, Secret], loop: Callable[[str, Secret, float], None], seconds: float
) -> None:
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(target=loop, args=(partner, token, deadline), daemon=True)
        for partner, token in tokens.items()
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 30)


def sellerlink_loop(gateway: AmazonHttpGateway, clock: SandboxClock) -> Callable[..., None]:
    def loop(partner: str, token: Secret, deadline: float) -> None:
        while time.monotonic() < deadline:
            try:
                gateway.marketplace_participations(Region.NA, token, partner)
            except RateLimited as limited:
                retry_after = limited.context.get("retry_after_seconds")
                wait = (
                    float(retry_after)
                    if isinstance(retry_after, int | float) and retry_after
                    else 1.0
                )
                remaining = (deadline - time.monotonic()) * clock.scale
                clock.sleep(min(wait, max(0.0, remaining)))
            except AmazonUnavailable:
                clock.sleep(1.0)

    return loop


def naive_loop(http: httpx.Client, base: str, clock: SandboxClock) -> Callable[..., None]:
    def loop(partner: str, token: Secret, deadline: float) -> None:
        headers = {"x-amz-access-token": token.reveal()}
        while time.monotonic() < deadline:
            response = http.get(f"{base}/sellers/v1/marketplaceParticipations", headers=headers)
            if response.status_code == 429:
                clock.sleep(NAIVE_RETRY_SECONDS)

    return loop


def measure(
    name: str,
    sandbox: Sandbox,
    clock: SandboxClock,
    tokens: dict[str, Secret],
    loop: Callable[..., None],
    seconds: float,
) -> dict[str, float | str]:
    sandbox.counters.clear()
    sandbox.buckets.clear()
    started = clock.seconds()
    run_threads(tokens, loop, seconds)
    simulated = clock.seconds() - started
    ok = sandbox.counters[f"{OPERATION}:ok"]
    throttled = sandbox.counters[f"{OPERATION}:throttled"]
    allowed = len(tokens) * (PLAN.burst + PLAN.rate * simulated)
    return {
        "strategy": name,
        "requests": ok + throttled,
        "ok": ok,
        "429": throttled,
        "allowed": allowed,
        "used": ok / allowed,
        "share_429": throttled / max(1, ok + throttled),
        "simulated_s": simulated,
    }


def run(seconds: float, scale: float, partners: int) -> list[dict[str, float | str]]:
    """Both strategies, one after the other, against one sandbox on 127.0.0.1."""
    clock = SandboxClock(scale=scale)
    scenarios = bench_scenarios(partners)
    # The sandbox only needs the apps' credentials; where it listens is known once it runs.
    apps = AmazonSettings.for_sandbox(
        "http://127.0.0.1/sandbox",
        max_rate_wait_seconds=2.0,
        retry=RetryPolicy(max_attempts=4, max_total_seconds=120.0),
    )
    sandbox = Sandbox(clock, apps, extra_scenarios=scenarios)
    results = []
    with SandboxServer(create_sandbox_app(sandbox=sandbox)) as srv:
        settings = attrs.evolve(apps, sandbox_base_url=srv.base_url)
        limits = httpx.Limits(max_connections=partners + 10)
        with httpx.Client(limits=limits, timeout=30) as http:
            for name in ("sellerlink", "naive"):
                sandbox.reset()
                tokens = authorize_all(http, srv.base_url, settings, scenarios)
                if name == "sellerlink":
                    gateway = AmazonHttpGateway(
                        settings, http, clock.now, sleep=clock.sleep, rng=random.Random(1)
                    )
                    loop = sellerlink_loop(gateway, clock)
                else:
                    loop = naive_loop(http, srv.base_url, clock)
                results.append(measure(name, sandbox, clock, tokens, loop, seconds))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="wall seconds per strategy")
    parser.add_argument("--scale", type=float, default=75.0, help="simulated seconds per second")
    parser.add_argument("--partners", type=int, default=PARTNERS)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    results = run(args.seconds, args.scale, args.partners)

    print(
        f"getMarketplaceParticipations, {args.partners} selling partners, "
        f"rate {PLAN.rate}/s burst {PLAN.burst}, {args.seconds:g} s per strategy at "
        f"{args.scale:g}x simulated time"
    )
    header = f"{'strategy':<12}{'requests':>10}{'ok':>8}{'429':>8}{'allowed':>10}"
    print(header + f"{'rate used':>11}{'429 share':>11}{'sim s':>9}")
    for r in results:
        print(
            f"{r['strategy']:<12}{r['requests']:>10}{r['ok']:>8}{r['429']:>8}"
            f"{r['allowed']:>10.0f}{r['used']:>11.1%}{r['share_429']:>11.2%}"
            f"{r['simulated_s']:>9.0f}"
        )
    ours = results[0]
    met = float(ours["used"]) >= 0.95 and float(ours["share_429"]) <= 0.01
    print(f"goal (sellerlink >= 95 % used, <= 1 % 429s): {'met' if met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
