"""The sandbox behind the AmazonGateway port without a socket: what unit tests and features
run on, so they meet the same scenario accounts and the same Amazon rules as the HTTP
sandbox and third-party clients do (one emulator, not two).

`InProcessAmazon` is the production `AmazonHttpGateway` whose httpx client hands each
request to the sandbox's route table in the same thread (`SandboxTransport`). Only the
adapter's retry policy differs: one attempt, so an injected outage or throttle is seen at
once and the tests' clock does not drift by backoff. Its extra methods play the person on
Amazon's consent page and read what Amazon received, for assertions.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime
from urllib.parse import parse_qsl, urlsplit

import httpx
from attrs import frozen

from adapters.amazon.consent import consent_url
from adapters.amazon.gateway import AmazonHttpGateway
from adapters.amazon.regions import marketplace_id
from adapters.amazon.sandbox.core import Clock
from adapters.amazon.sandbox.faults import Fault
from adapters.amazon.sandbox.replies import encode
from adapters.amazon.sandbox.routes import SandboxRequest, complete, prepare
from adapters.amazon.sandbox.state import Sandbox
from adapters.amazon.settings import AmazonSettings, RetryPolicy
from application.ports import ConsentRequest, ListingUpdate
from domain.authorization import ConsentAsk
from domain.connection import AccountType, Region
from domain.grant import Channel

IN_PROCESS_BASE_URL = "https://amazon.sandbox.invalid/sandbox"
_PREFIX = urlsplit(IN_PROCESS_BASE_URL).path


@frozen
class ShownListing:
    """What Amazon shows for one SKU in one marketplace."""

    quantity: int | None = None
    price_amount: str | None = None
    price_currency: str | None = None


@frozen
class Exchange:
    """One request the gateway sent and the sandbox's status, for the tests' counters."""

    request: SandboxRequest
    operation: str | None
    status: int
    scenario: str | None


class SandboxTransport(httpx.BaseTransport):
    def __init__(
        self,
        sandbox: Sandbox,
        sleep: Callable[[float], None],
        observe: Callable[[Exchange], None],
    ) -> None:
        self._sandbox = sandbox
        self._sleep = sleep
        self._observe = observe

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.raw_path.decode("ascii").split("?", 1)[0]
        path = path[len(_PREFIX) :] if path.startswith(_PREFIX) else path
        incoming = SandboxRequest(
            method=request.method,
            path=path or "/",
            query=tuple(parse_qsl(request.url.query.decode("ascii"), keep_blank_values=True)),
            headers={k.lower(): v for k, v in request.headers.items()},
            body=request.read(),
        )
        # Who the token belongs to, read before the call (a revocation drops it).
        scenario = self._scenario(incoming)
        prepared = prepare(self._sandbox, incoming)
        if prepared.latency_seconds:
            self._sleep(prepared.latency_seconds)
        reply = complete(self._sandbox, incoming, prepared)
        operation = prepared.route.operation if prepared.route is not None else None
        self._observe(Exchange(incoming, operation, reply.status, scenario))
        body, media_type, headers = encode(reply)
        return httpx.Response(
            reply.status, headers={**headers, "Content-Type": media_type}, content=body
        )

    def _scenario(self, request: SandboxRequest) -> str | None:
        token = request.access_token or (request.header("authorization") or "").removeprefix(
            "Bearer "
        )
        record = self._sandbox.access_tokens.get(token.strip())
        return record.scenario if record is not None else None


class InProcessAmazon(AmazonHttpGateway):
    """Implements application.ports.AmazonGateway on an in-process sandbox."""

    def __init__(
        self,
        clock: Clock,
        *,
        sleep: Callable[[float], None] | None = None,
        settings: AmazonSettings | None = None,
    ) -> None:
        settings = settings or AmazonSettings.for_sandbox(
            IN_PROCESS_BASE_URL, retry=RetryPolicy(max_attempts=1)
        )
        self.sandbox = Sandbox(clock, settings)
        self.exchanges: list[Exchange] = []
        wait = sleep or (lambda seconds: None)
        client = httpx.Client(transport=SandboxTransport(self.sandbox, wait, self.exchanges.append))
        # The same in-process wire, for tests that speak to the sandbox as a client would.
        self.http = client
        super().__init__(settings, client, clock.now, sleep=wait, rng=random.Random(0))
        self._owns_client = True

    # ---- playing the person on Amazon's pages --------------------------------------------

    def sp_api_token(self, account: str) -> str:
        """An SP-API access token of `account`, through consent and LWA as sellerlink gets
        one (for tests that call the sandbox directly)."""
        vendor = self.sandbox.scenarios[account].account_type == "vendor"
        kind = AccountType.VENDOR if vendor else AccountType.SELLER
        url = consent_url(
            self.settings, ConsentRequest(ConsentAsk(Channel.SP_API, Region.NA, kind), "t" * 43)
        )
        code = self.consent(url, account)["spapi_oauth_code"]
        return self.exchange_code(Channel.SP_API, Region.NA, code).access_token.reveal()

    def consent(
        self, authorization_url: str, account: str, *, approve: bool = True
    ) -> dict[str, str]:
        """The person signs in as `account` and clicks Approve (or Deny) on the consent page;
        returns the query Amazon puts on the redirect back to sellerlink."""
        parts = urlsplit(authorization_url)
        query = dict(parse_qsl(parts.query))
        decide = (
            self.sandbox.ads_consent_decide
            if parts.path.endswith("/ap/oa")
            else self.sandbox.sp_consent_decide
        )
        reply = decide(query, account, "approve" if approve else "deny")
        location = reply.headers.get("Location")
        if reply.status != 302 or location is None:
            raise ValueError(f"the consent page refused the request: {reply.body!r}")
        return dict(parse_qsl(urlsplit(location).query))

    def revoke(self, account: str) -> int:
        """The seller removes the app on Amazon: every refresh token stops working."""
        return self.sandbox.revoke(
            selling_partner_id=self.sandbox.scenarios[account].selling_partner_id
        )

    # ---- injecting trouble ---------------------------------------------------------------

    @property
    def unavailable(self) -> bool:
        return any(f.kind == "server_error" for f in self.sandbox.faults)

    @unavailable.setter
    def unavailable(self, value: bool) -> None:
        self._switch("server_error", ("all",), value)

    @property
    def throttled(self) -> bool:
        return any(f.kind == "throttle" for f in self.sandbox.faults)

    @throttled.setter
    def throttled(self, value: bool) -> None:
        self._switch("throttle", ("ads", "sp_api"), value)

    def _switch(self, kind: str, targets: tuple[str, ...], on: bool) -> None:
        kept = [f for f in self.sandbox.faults if f.kind != kind]
        added = [Fault(kind, target=t) for t in targets] if on else []
        self.sandbox.set_faults(kept + added)

    @property
    def refused_skus(self) -> dict[str, str]:
        """SKU -> the message Amazon refuses it with."""
        return self.sandbox.refused_skus

    @property
    def profiles_without_campaigns(self) -> set[str]:
        return self.sandbox.paused_profiles

    @property
    def feed_processing(self) -> object:
        return self.sandbox.feeds.processing_time

    @feed_processing.setter
    def feed_processing(self, value: object) -> None:
        self.sandbox.feeds.processing_time = value  # type: ignore[assignment]

    # ---- what Amazon saw -----------------------------------------------------------------

    def _count(self, predicate: Callable[[Exchange], bool]) -> int:
        return sum(1 for e in self.exchanges if predicate(e))

    @property
    def refresh_calls(self) -> int:
        return self._count(lambda e: e.request.form().get("grant_type") == "refresh_token")

    @property
    def exchange_calls(self) -> int:
        return self._count(lambda e: e.request.form().get("grant_type") == "authorization_code")

    @property
    def campaign_checks(self) -> int:
        return self._count(lambda e: e.operation == "listSponsoredProductsCampaigns")

    @property
    def patch_requests(self) -> int:
        return self._count(lambda e: e.operation == "patchListingsItem")

    @property
    def sync_windows(self) -> list[tuple[str, str, datetime, datetime]]:
        """(account, marketplace id, start, end) of every sync window Amazon answered."""
        windows = []
        for e in self.exchanges:
            after = e.request.param("LastUpdatedAfter")
            if e.operation != "getOrders" or e.status != 200 or after is None:
                continue
            before = e.request.param("LastUpdatedBefore")
            windows.append(
                (
                    e.scenario or "",
                    e.request.param("MarketplaceIds") or "",
                    _parse(after),
                    _parse(before) if before else _parse(after),
                )
            )
        return windows

    @property
    def feeds(self) -> list[str]:
        return self.sandbox.feeds.feed_ids()

    @property
    def sent_listings(self) -> list[ListingUpdate]:
        """Every SKU message Amazon received (PATCH or feed), in order."""
        return [
            ListingUpdate(
                sku=sku,
                marketplace_id=marketplace,
                quantity=changes.get("quantity"),
                price_amount=(changes.get("price") or {}).get("amount"),
                price_currency=(changes.get("price") or {}).get("currency"),
            )
            for _seller, marketplace, sku, changes in self.sandbox.received
        ]

    def listing(self, account: str, country: str, sku: str) -> ShownListing | None:
        """What Amazon now shows for `sku` of the scenario `account` in `country`, read from
        getListingsItem's own shape (offers, fulfillmentAvailability)."""
        seller = self.sandbox.scenarios[account].selling_partner_id
        shown = self.sandbox.listing_item(
            seller, marketplace_id(country), sku, ("offers", "fulfillmentAvailability")
        )
        if shown is None:
            return None
        available = shown["fulfillmentAvailability"]
        offers = shown["offers"]
        price = offers[0]["price"] if offers else {}
        return ShownListing(
            available[0]["quantity"] if available else None,
            price.get("amount"),
            price.get("currencyCode"),
        )

    def setup_attempts(self, account: str, country: str) -> int:
        seller = self.sandbox.scenarios[account].selling_partner_id
        return self.sandbox.setup_attempts[(seller, marketplace_id(country))]


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
