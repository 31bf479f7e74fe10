"""One HTTP exchange with Amazon: rate limiting, retries with backoff, and nothing leaked.

- Before an SP-API call the (selling partner, operation) bucket is consulted: the adapter
  waits for a token when the wait is short and raises RATE_LIMITED when it is not, rather
  than collecting 429s (AMAZON.md usage plans).
- 429 and 5xx (and transport failures) are retried with exponential backoff and full jitter,
  bounded in attempts and in total time; `Retry-After` is honoured; after the bound the
  caller gets RATE_LIMITED (throttled) or AMAZON_UNAVAILABLE (anything else).
- `x-amzn-RateLimit-Limit` on a response adjusts the bucket (AMAZON.md: best effort).
- Exceptions carry status codes and Amazon's error code, never a header or a body we sent,
  so no token or secret can reach a message (DESIGN §8: logs without secrets).
- Every attempt is counted (application.ports.Metrics: API, operation, status) and the
  whole exchange is one span (application.ports.Tracer) when tracing is on.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from typing import IO, Any

import httpx
from attrs import field, frozen

from adapters.amazon.settings import RetryPolicy
from application.ports import Metrics, RateBudget, Tracer
from application.telemetry import NullMetrics, NullTracer
from domain.errors import AmazonUnavailable, RateLimited
from domain.rate_budget import BudgetKey

RATE_LIMIT_HEADER = "x-amzn-RateLimit-Limit"


@frozen
class Call:
    method: str
    url: str
    headers: Mapping[str, str] = field(factory=dict, repr=False)
    params: Mapping[str, str] | None = None
    content: bytes | str | None = field(default=None, repr=False)
    # The shared rate budget's bucket (SP-API, and the sync's Ads reporting calls).
    budget: BudgetKey | None = None
    # History and backfill (the sync's background work): never waits for the budget, and
    # leaves the headroom a product's call leaves, so the most recent windows (what Ready
    # waits for) always find a token; throttled, it gives up until the next pass.
    background: bool = False
    # A read timeout may hide a request Amazon did process (a consumed authorization code):
    # such calls are not repeated after a timeout.
    retry_after_timeout: bool = True
    # What the caller calls this exchange in error messages ("LWA token", "Ads profiles").
    label: str = "Amazon"


_ADS_PREFIXES = ("/v2/", "/sp/", "/sb/", "/sd/", "/v3/", "/reporting/", "/adsAccounts")


def api_of(call: Call) -> str:
    """Which Amazon API a call belongs to, for metrics and spans: `lwa`, `ads`, `sp_api`,
    or `other` (a feed document's pre-signed storage URL)."""
    path = httpx.URL(call.url).path
    if path.endswith("/auth/o2/token"):
        return "lwa"
    if any(prefix in path for prefix in _ADS_PREFIXES):
        return "ads"
    if call.budget is not None:
        return "sp_api"
    if "/feeds/" in path or "/listings/" in path or "/sellers/" in path or "/orders/" in path:
        return "sp_api"
    return "other"


def host_of(call: Call) -> str:
    """Where the call went, as an operator checks it (host and port, no path or query)."""
    url = httpx.URL(call.url)
    return f"{url.host}:{url.port}" if url.port else url.host


def operation_of(call: Call) -> str:
    """SP-API's operation name, else the call's fixed label (never a path with ids in it)."""
    return call.budget.operation if call.budget is not None else call.label


def retry_after_seconds(response: httpx.Response) -> float | None:
    """Amazon's `Retry-After`, in seconds (never negative); None when absent or unreadable."""
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def rate_limit(response: httpx.Response) -> float | None:
    """The operation's rate Amazon reports (`x-amzn-RateLimit-Limit`, requests a second);
    None when absent or unreadable (AMAZON.md: best effort)."""
    value = response.headers.get(RATE_LIMIT_HEADER)
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return None


class Transport:
    def __init__(
        self,
        client: httpx.Client,
        *,
        policy: RetryPolicy,
        limiter: RateBudget,
        seconds: Callable[[], float],
        sleep: Callable[[float], None],
        timeout: float,
        max_rate_wait: float,
        rng: random.Random | None = None,
        metrics: Metrics | None = None,
        tracer: Tracer | None = None,
    ) -> None:
        self._client = client
        self._policy = policy
        self._limiter = limiter
        self._seconds = seconds
        self._sleep = sleep
        self._timeout = timeout
        self._max_rate_wait = max_rate_wait
        self._rng = rng or random.Random()
        self._metrics = metrics or NullMetrics()
        self._tracer = tracer or NullTracer()

    def backoff(self, attempt: int) -> float:
        """Full jitter (AWS architecture blog's "Exponential Backoff And Jitter")."""
        ceiling = min(self._policy.cap_seconds, self._policy.base_seconds * (2**attempt))
        return self._rng.uniform(0.0, ceiling)

    def send(self, call: Call) -> httpx.Response:
        api, operation = api_of(call), operation_of(call)
        with self._tracer.span(f"amazon {api} {operation}", {"api": api, "operation": operation}):
            return self._send(call, api, operation)

    def _send(self, call: Call, api: str, operation: str) -> httpx.Response:
        started = self._seconds()
        attempts = 0
        throttled = False
        last_status: int | None = None
        last_problem = "no answer"
        while True:
            budget = self._policy.max_total_seconds - (self._seconds() - started)
            if call.budget is not None:
                max_wait = 0.0 if call.background else min(self._max_rate_wait, budget)
                wait = self._limiter.reserve(
                    call.budget, max_wait=max_wait, product=call.background
                )
                if wait is None:
                    self._metrics.amazon_throttled(api, operation, "budget")
                    raise RateLimited(
                        f"{call.label}: the request quota is used up for now.",
                        context={
                            "operation": call.budget.operation,
                            "retry_after_seconds": round(
                                self._limiter.wait_estimate(call.budget), 3
                            ),
                            "attempts": attempts,
                        },
                    )
                if wait > 0:
                    self._metrics.rate_budget_wait(api, operation, wait)
                self._sleep(wait)
            attempts += 1
            retry_after: float | None = None
            sent = self._seconds()
            timer = time.perf_counter()
            try:
                response = self._client.request(
                    call.method,
                    call.url,
                    headers=dict(call.headers),
                    params=dict(call.params) if call.params is not None else None,
                    content=call.content,
                    timeout=self._timeout,
                )
            except httpx.TimeoutException:
                self._metrics.amazon_call(api, operation, "timeout", time.perf_counter() - timer)
                last_status, last_problem, throttled = None, "timed out", False
                if not call.retry_after_timeout:
                    raise AmazonUnavailable(
                        f"{call.label}: Amazon ({host_of(call)}) did not answer in time.",
                        context={"attempts": attempts, "host": host_of(call)},
                    ) from None
            except httpx.TransportError as exc:
                self._metrics.amazon_call(api, operation, "error", time.perf_counter() - timer)
                last_status, throttled = None, False
                last_problem = (
                    "could not connect"
                    if isinstance(exc, httpx.ConnectError)
                    else type(exc).__name__
                )
            else:
                status = str(response.status_code)
                self._metrics.amazon_call(api, operation, status, time.perf_counter() - timer)
                if call.budget is not None:
                    self._limiter.settle(call.budget, sent)
                self._observe_rate(call, response)
                if response.status_code == 429:
                    self._metrics.amazon_throttled(api, operation, "amazon")
                    throttled, last_status, last_problem = True, 429, "throttled"
                    retry_after = retry_after_seconds(response)
                    if call.budget is not None:
                        self._limiter.throttled(call.budget)
                elif response.status_code >= 500:
                    throttled, last_status = False, response.status_code
                    last_problem = f"HTTP {response.status_code}"
                    retry_after = retry_after_seconds(response)
                else:
                    return response
            delay = self.backoff(attempts - 1)
            if retry_after is not None:
                delay = max(delay, retry_after)
            if throttled and call.budget is not None:
                delay = max(delay, self._limiter.wait_estimate(call.budget))
            elapsed = self._seconds() - started
            if (
                (throttled and call.background)
                or attempts >= self._policy.max_attempts
                or (elapsed + delay > self._policy.max_total_seconds)
            ):
                break
            self._sleep(delay)
        context: dict[str, Any] = {
            "attempts": attempts,
            "amazon_status": last_status,
            "host": host_of(call),
        }
        if throttled:
            context["operation"] = call.budget.operation if call.budget else None
            raise RateLimited(f"{call.label}: Amazon kept throttling the request.", context=context)
        raise AmazonUnavailable(
            f"{call.label}: Amazon ({host_of(call)}) did not answer successfully ({last_problem}).",
            context=context,
        )

    def download(self, url: str, into: IO[bytes], *, label: str) -> None:
        """A document at a pre-signed URL (reports, feeds): no SP-API headers, streamed to
        `into` chunk by chunk so a large document never sits in memory."""
        try:
            with self._client.stream("GET", url, timeout=self._timeout) as response:
                if response.status_code != 200:
                    raise AmazonUnavailable(
                        f"{label}: the document download answered {response.status_code}.",
                        context={"amazon_status": response.status_code},
                    )
                for chunk in response.iter_bytes(1 << 16):
                    into.write(chunk)
        except httpx.HTTPError as exc:
            raise AmazonUnavailable(
                f"{label}: the document download failed ({type(exc).__name__})."
            ) from None

    def _observe_rate(self, call: Call, response: httpx.Response) -> None:
        rate = rate_limit(response)
        if call.budget is not None and rate is not None:
            self._limiter.observe_limit(call.budget, rate)
