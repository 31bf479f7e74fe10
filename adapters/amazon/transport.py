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
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from typing import Any

import httpx
from attrs import field, frozen

from adapters.amazon.rate_limit import RateLimiter
from adapters.amazon.settings import RetryPolicy
from domain.errors import AmazonUnavailable, RateLimited

RATE_LIMIT_HEADER = "x-amzn-RateLimit-Limit"


@frozen
class Call:
    method: str
    url: str
    headers: Mapping[str, str] = field(factory=dict, repr=False)
    params: Mapping[str, str] | None = None
    content: bytes | str | None = field(default=None, repr=False)
    # The usage plan and whose bucket: SP-API calls only.
    operation: str | None = None
    partner: str | None = None
    # A read timeout may hide a request Amazon did process (a consumed authorization code):
    # such calls are not repeated after a timeout.
    retry_after_timeout: bool = True
    # What the caller calls this exchange in error messages ("LWA token", "Ads profiles").
    label: str = "Amazon"


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


class Transport:
    def __init__(
        self,
        client: httpx.Client,
        *,
        policy: RetryPolicy,
        limiter: RateLimiter,
        seconds: Callable[[], float],
        sleep: Callable[[float], None],
        timeout: float,
        max_rate_wait: float,
        rng: random.Random | None = None,
    ) -> None:
        self._client = client
        self._policy = policy
        self._limiter = limiter
        self._seconds = seconds
        self._sleep = sleep
        self._timeout = timeout
        self._max_rate_wait = max_rate_wait
        self._rng = rng or random.Random()

    def backoff(self, attempt: int) -> float:
        """Full jitter (AWS architecture blog's "Exponential Backoff And Jitter")."""
        ceiling = min(self._policy.cap_seconds, self._policy.base_seconds * (2**attempt))
        return self._rng.uniform(0.0, ceiling)

    def send(self, call: Call) -> httpx.Response:
        started = self._seconds()
        attempts = 0
        throttled = False
        last_status: int | None = None
        last_problem = "no answer"
        while True:
            budget = self._policy.max_total_seconds - (self._seconds() - started)
            if call.operation is not None and call.partner is not None:
                wait = self._limiter.reserve(
                    call.partner, call.operation, max_wait=min(self._max_rate_wait, budget)
                )
                if wait is None:
                    raise RateLimited(
                        f"{call.label}: the request quota is used up for now.",
                        context={
                            "operation": call.operation,
                            "retry_after_seconds": round(
                                self._limiter.wait_estimate(call.partner, call.operation), 3
                            ),
                            "attempts": attempts,
                        },
                    )
                self._sleep(wait)
            attempts += 1
            retry_after: float | None = None
            sent = self._seconds()
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
                last_status, last_problem, throttled = None, "timed out", False
                if not call.retry_after_timeout:
                    raise AmazonUnavailable(
                        f"{call.label}: Amazon did not answer in time.",
                        context={"attempts": attempts},
                    ) from None
            except httpx.TransportError as exc:
                last_status, last_problem, throttled = None, type(exc).__name__, False
            else:
                if call.operation is not None and call.partner is not None:
                    self._limiter.settle(call.partner, call.operation, sent)
                self._observe_rate(call, response)
                if response.status_code == 429:
                    throttled, last_status, last_problem = True, 429, "throttled"
                    retry_after = _retry_after(response)
                    if call.operation is not None and call.partner is not None:
                        self._limiter.throttled(call.partner, call.operation)
                elif response.status_code >= 500:
                    throttled, last_status = False, response.status_code
                    last_problem = f"HTTP {response.status_code}"
                    retry_after = _retry_after(response)
                else:
                    return response
            delay = self.backoff(attempts - 1)
            if retry_after is not None:
                delay = max(delay, retry_after)
            if throttled and call.operation is not None and call.partner is not None:
                delay = max(delay, self._limiter.wait_estimate(call.partner, call.operation))
            elapsed = self._seconds() - started
            if attempts >= self._policy.max_attempts or (
                elapsed + delay > self._policy.max_total_seconds
            ):
                break
            self._sleep(delay)
        context: dict[str, Any] = {"attempts": attempts, "amazon_status": last_status}
        if throttled:
            context["operation"] = call.operation
            raise RateLimited(f"{call.label}: Amazon kept throttling the request.", context=context)
        raise AmazonUnavailable(
            f"{call.label}: Amazon did not answer successfully ({last_problem}).", context=context
        )

    def _observe_rate(self, call: Call, response: httpx.Response) -> None:
        if call.operation is None or call.partner is None:
            return
        value = response.headers.get(RATE_LIMIT_HEADER)
        if value is None:
            return
        try:
            rate = float(value)
        except ValueError:
            return
        self._limiter.observe_limit(call.partner, call.operation, rate)
