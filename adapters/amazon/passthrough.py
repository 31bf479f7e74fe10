"""A product's call passed on to Amazon (DESIGN §11), and the headers a product needs to
call Amazon itself.

- The URL is the API's regional host (or the sandbox) + the checked path: the path never
  chooses the host, and the built URL is checked again against the base before sending.
- The shared rate budget is spent like sellerlink's own calls (same BudgetKey: app, selling
  partner or profile, region, operation), but a product queues at most
  PRODUCT_QUEUE_SECONDS ahead, so sellerlink's own work keeps its place; a 429 drains the
  bucket and is waited out while the caller's max wait allows, then RATE_LIMITED with the
  seconds to wait.
- The answer is streamed: status and Amazon's headers first, the body chunk by chunk.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator, Mapping

import httpx

from adapters.amazon.settings import AmazonSettings, HostFamily
from adapters.amazon.sp_api import first_error
from adapters.amazon.transport import rate_limit, retry_after_seconds
from adapters.amazon.usage_plans import operation_for
from application.ports import ApiAccess, PassThroughCall, RateBudget
from domain.connection import Region
from domain.errors import AmazonUnavailable, PathNotAllowed, RateLimited
from domain.grant import Channel
from domain.rate_budget import BudgetKey
from domain.secret import Secret

# What a product may say about its request body and the answer it wants; nothing else of
# its headers reaches Amazon (its Authorization least of all).
FORWARDED_REQUEST_HEADERS = ("content-type", "accept", "accept-language", "if-match")
_KEPT_ANSWER_HEADERS = ("content-type", "retry-after")
MAX_ERROR_BODY = 64 * 1024
# How far ahead a product's call may reserve the shared bucket. sellerlink's own calls (sync,
# setup, listings) reserve up to their max_rate_wait (10 s), so a product's burst can delay
# them by about this much, never make them fail (DESIGN §11: one budget, sellerlink first).
PRODUCT_QUEUE_SECONDS = 1.0
_ID_LIKE = re.compile(r"^(?=.*[0-9])[^/]{6,}$")


class HttpPassThroughAnswer:
    def __init__(self, response: httpx.Response, channel: Channel, waited_ms: int) -> None:
        self._response = response
        self._channel = channel
        self.status = response.status_code
        self.waited_ms = waited_ms
        self.headers: Mapping[str, str] = {
            name: value
            for name, value in response.headers.items()
            if name.lower().startswith("x-amzn-") or name.lower() in _KEPT_ANSWER_HEADERS
        }
        self._error: tuple[str, str] | None = None

    def error_text(self) -> tuple[str, str]:
        if self._error is None:
            self._response.read()
            self._error = _error_of(self._response, self._channel)
        return self._error

    def chunks(self) -> Iterator[bytes]:
        try:
            yield from self._response.iter_bytes()
        finally:
            self._response.close()

    def close(self) -> None:
        self._response.close()


def _error_of(response: httpx.Response, channel: Channel) -> tuple[str, str]:
    if len(response.content) > MAX_ERROR_BODY:
        return "", ""
    if channel is Channel.SP_API:
        return first_error(response)
    try:
        body = response.json()
        return str(body.get("code") or "")[:64], str(body.get("details") or "")[:400]
    except (ValueError, AttributeError):
        return "", ""


class PassThroughClient:
    def __init__(
        self,
        settings: AmazonSettings,
        client: httpx.Client,
        budget: RateBudget,
        *,
        seconds: Callable[[], float],
        sleep: Callable[[float], None],
        rng: random.Random | None = None,
    ) -> None:
        self._settings = settings
        self._client = client
        self._budget = budget
        self._seconds = seconds
        self._sleep = sleep
        self._rng = rng or random.Random()

    def _base(self, channel: Channel, region: Region) -> str:
        family = HostFamily.ADS_API if channel is Channel.ADS else HostFamily.SP_API
        return self._settings.base_url(family, region).rstrip("/")

    def api_access(
        self, channel: Channel, region: Region, access_token: Secret, profile_id: str | None
    ) -> ApiAccess:
        return ApiAccess(self._base(channel, region), self._auth(channel, access_token, profile_id))

    def _auth(self, channel: Channel, token: Secret, profile_id: str | None) -> dict[str, str]:
        if channel is Channel.SP_API:
            return {"x-amz-access-token": token.reveal()}
        headers = {
            "Authorization": f"Bearer {token.reveal()}",
            "Amazon-Advertising-API-ClientId": self._settings.ads_client_id,
        }
        if profile_id:
            headers["Amazon-Advertising-API-Scope"] = profile_id
        return headers

    def _url(self, call: PassThroughCall) -> str:
        base = self._base(call.channel, call.region)
        url = f"{base}/{call.path}" + (f"?{call.query}" if call.query else "")
        built, expected = httpx.URL(url), httpx.URL(base + "/")
        if (built.scheme, built.host, built.port) != (
            expected.scheme,
            expected.host,
            expected.port,
        ) or not built.raw_path.startswith(expected.raw_path):
            raise PathNotAllowed("The path would leave Amazon's API host; it is not sent.")
        return url

    def budget_key(self, call: PassThroughCall) -> BudgetKey:
        bare = call.path.split("?", 1)[0]
        if call.channel is Channel.SP_API:
            operation = operation_for(call.method, bare)
        else:
            folded = "/".join("{}" if _ID_LIKE.match(s) else s for s in bare.strip("/").split("/"))
            operation = f"ads {call.method} /{folded}"
        app = self._settings.client_id(call.channel)
        return BudgetKey(app, call.partner, str(call.region), operation)

    def forward(self, call: PassThroughCall) -> HttpPassThroughAnswer:
        url = self._url(call)
        key = self.budget_key(call)
        headers = {
            k: v for k, v in call.headers.items() if k.lower() in FORWARDED_REQUEST_HEADERS
        } | self._auth(call.channel, call.access_token, call.profile_id)
        started = self._seconds()
        deadline = started + max(0.0, call.max_wait_seconds)
        waited = 0.0
        attempt = 0
        while True:
            remaining = max(0.0, deadline - self._seconds())
            wait = self._budget.reserve(
                key, max_wait=min(PRODUCT_QUEUE_SECONDS, remaining), product=True
            )
            if wait is None:
                # The bucket is spoken for further ahead than a product may queue: wait
                # outside it, so sellerlink's own work, which may queue longer, goes first.
                estimate = self._budget.wait_estimate(key, product=True)
                if estimate > remaining:
                    raise _rate_limited(estimate, key)
                pause = max(estimate - PRODUCT_QUEUE_SECONDS, 0.0) + self._rng.uniform(0.01, 0.1)
                pause = min(pause, remaining)
                self._sleep(pause)
                waited += pause
                continue
            if wait > 0:
                self._sleep(wait)
                waited += wait
            sent = self._seconds()
            try:
                request = self._client.build_request(
                    call.method, url, headers=headers, content=call.body or None
                )
                response = self._client.send(request, stream=True)
            except httpx.HTTPError as error:
                raise AmazonUnavailable(
                    f"Amazon did not answer ({type(error).__name__}).",
                    context={"operation": key.operation},
                ) from None
            self._budget.settle(key, sent)
            self._observe(key, response)
            if response.status_code != 429:
                return HttpPassThroughAnswer(response, call.channel, round(waited * 1000))
            response.close()
            self._budget.throttled(key)
            attempt += 1
            delay = max(
                retry_after_seconds(response) or 0.0,
                self._budget.wait_estimate(key),
                self._rng.uniform(0.0, min(8.0, 0.25 * 2**attempt)),
            )
            if self._seconds() + delay > deadline:
                raise _rate_limited(delay, key)
            self._sleep(delay)
            waited += delay

    def _observe(self, key: BudgetKey, response: httpx.Response) -> None:
        rate = rate_limit(response)
        if rate is not None:
            self._budget.observe_limit(key, rate)


def _rate_limited(seconds: float, key: BudgetKey) -> RateLimited:
    return RateLimited(
        f"Amazon's quota for {key.operation} is used up for longer than the caller waits.",
        context={"operation": key.operation, "retry_after_seconds": round(max(seconds, 0.0), 3)},
    )
