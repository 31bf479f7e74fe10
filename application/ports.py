"""The ports: what the use cases need from the world, as typing.Protocols: time, ids and
secrets, and Amazon. Storage is application/unit_of_work.py.

The in-memory adapters, the SQL adapters and the Amazon adapter implement the same
protocols, and shared contract tests hold every implementation to them. Everything here is
synchronous: use cases run in a worker thread under the web server, directly in the CLI,
and in the workers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from attrs import define, field, frozen

from domain.connection import AccountType, Region
from domain.grant import Channel
from domain.profile import Profile
from domain.rate_budget import BudgetKey
from domain.records import Dataset, IncomingRecord
from domain.secret import Secret

# --------------------------------------------------------------------------- time and ids


class Clock(Protocol):
    def now(self) -> datetime:
        """An aware UTC datetime."""
        ...


class IdGenerator(Protocol):
    def new_id(self, prefix: str) -> str:
        """A new opaque id such as `con_01J...`; unique across processes."""
        ...


class SecretGenerator(Protocol):
    def oauth_state(self) -> str:
        """An unguessable URL-safe state with at least 256 bits of entropy."""
        ...

    def pkce_verifier(self) -> str:
        """A PKCE code verifier (RFC 7636: 43-128 unreserved characters)."""
        ...

    def api_key_secret(self) -> str:
        """An API key's secret: 256 random bits as 64 lowercase hex characters."""
        ...

    def webhook_secret(self) -> str:
        """A Standard Webhooks signing secret: `whsec_` + base64 of 32 random bytes."""
        ...


# --------------------------------------------------------------------------- operations


class Metrics(Protocol):
    """What operators count (DESIGN §15). Use cases and adapters only increment; the
    adapter behind it decides names and exposition, so no use case knows Prometheus.
    Label values must come from small fixed sets (never ids or user input)."""

    def amazon_call(self, api: str, operation: str, status: str, seconds: float) -> None:
        """One HTTP exchange with Amazon; `status` is the HTTP status or `error`."""
        ...

    def amazon_throttled(self, api: str, operation: str, source: str) -> None:
        """A call held back: `source` is `amazon` (a 429 answered) or `budget` (sellerlink's
        own rate budget refused to wait that long)."""
        ...

    def rate_budget_wait(self, api: str, operation: str, seconds: float) -> None:
        """Time spent waiting for a rate-limit token before calling Amazon."""
        ...

    def lwa_refresh(self, channel: str, result: str) -> None:
        """One access-token refresh: `ok`, `revoked`, `unavailable`, `rate_limited`,
        `app_credentials_rejected`, `failed`."""
        ...

    def job_finished(self, kind: str, outcome: str, seconds: float, lag_seconds: float) -> None:
        """A background job ran; `lag_seconds` is how long it waited after being found due."""
        ...

    def webhook_delivery(self, outcome: str, lag_seconds: float) -> None:
        """One delivery attempt (`delivered`, `failed`, `retrying`); lag from the event."""
        ...

    def records_synced(self, dataset: str, count: int) -> None:
        """Records written (created, changed or deleted) by a sync of `dataset`."""
        ...


class Tracer(Protocol):
    """Spans around units of work (a job, an Amazon call); a no-op unless tracing is on."""

    def span(self, name: str, attributes: Mapping[str, str]) -> AbstractContextManager[None]: ...


# --------------------------------------------------------------------------- Amazon


@frozen
class ScopeDescription:
    """A permission shown to the person before they go to Amazon (seed 000: "Review the
    requested Amazon permission scopes before continuing")."""

    name: str
    description: str


@frozen
class ConsentRequest:
    channel: Channel
    region: Region
    account_type: AccountType
    state: str
    marketplace_id: str | None = None
    # PKCE S256 challenge for the Ads authorization (the verifier stays on our side).
    code_challenge: str | None = None


@frozen
class TokenGrant:
    """What LWA returns for an authorization code."""

    refresh_token: Secret
    access_token: Secret
    expires_in: int
    scopes: tuple[str, ...] = ()


@frozen
class AccessToken:
    token: Secret
    expires_in: int


@frozen
class Participation:
    """One entry of SP-API getMarketplaceParticipations."""

    marketplace_id: str
    name: str
    country_code: str
    currency_code: str
    participating: bool
    has_suspended_listings: bool = False
    store_name: str = ""


@frozen
class ListingUpdate:
    """One SKU's quantity and/or price to send to Amazon (seed 003)."""

    sku: str
    marketplace_id: str
    quantity: int | None
    price_amount: str | None = None
    price_currency: str | None = None


@frozen
class ListingResult:
    sku: str
    accepted: bool
    message: str = ""


@frozen
class DatasetSource:
    """One window of one dataset to ask Amazon for, and whom to ask: the selling partner
    (SP-API, seller or vendor) or the advertising profile (Ads)."""

    dataset: Dataset
    region: Region
    account_type: AccountType
    marketplace_id: str
    start: datetime
    end: datetime
    selling_partner_id: str | None = None
    profile_id: str | None = None
    # History or backfill: spends only what the most recent windows leave (DESIGN §11).
    background: bool = False


@define
class DatasetFetch:
    """What Amazon answered for one window. `pending`: Amazon is still preparing the report;
    ask again later with it (nothing to store yet). Otherwise `records` yields Amazon's
    objects one by one (a large report is read from a downloaded file, never held whole);
    `close()` releases what the fetch holds, whether or not `records` was read to the end."""

    records: Iterable[IncomingRecord] = ()
    pending: str | None = None
    close: Callable[[], None] = field(default=lambda: None)


class FeedStatus(StrEnum):
    """getFeed's `processingStatus` (Feeds API 2021-06-30). The adapter reads Amazon's string
    into this; a status Amazon may add later reads as still in progress."""

    IN_QUEUE = "IN_QUEUE"
    IN_PROGRESS = "IN_PROGRESS"
    DONE = "DONE"
    CANCELLED = "CANCELLED"  # nothing was processed: the updates were not delivered
    FATAL = "FATAL"  # the whole document was refused

    @classmethod
    def read(cls, raw: str) -> FeedStatus:
        try:
            return cls(raw)
        except ValueError:
            return cls.IN_PROGRESS

    @property
    def finished(self) -> bool:
        return self in (FeedStatus.DONE, FeedStatus.CANCELLED, FeedStatus.FATAL)


@frozen
class FeedReport:
    """Amazon's answer to one `JSON_LISTINGS_FEED`: getFeed's processing status and, once
    it is DONE, the processing report read back as one result per SKU (a SKU without an
    ERROR issue was accepted)."""

    feed_id: str
    status: FeedStatus
    results: tuple[ListingResult, ...] = ()
    message: str = ""

    @property
    def finished(self) -> bool:
        return self.status.finished


@frozen
class ApiAccess:
    """Where and how to call one Amazon API with an access token (DESIGN §11): the regional
    endpoint and exactly the headers Amazon expects."""

    endpoint: str
    headers: Mapping[str, str] = field(repr=False)


@frozen
class PassThroughCall:
    """A product's call to pass on to Amazon through a connection. `path` is relative to the
    API's regional host and has passed domain.pass_through.check_path; `headers` are only
    the product's content headers (never its Authorization)."""

    channel: Channel
    region: Region
    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    body: bytes = field(repr=False)
    access_token: Secret
    # Whose rate budget: the selling partner (SP-API) or the Ads profile.
    partner: str
    profile_id: str | None = None
    max_wait_seconds: float = 30.0


class PassThroughAnswer(Protocol):
    """Amazon's answer, body still unread (streamed to the product, never buffered whole)."""

    status: int
    headers: Mapping[str, str]  # Amazon's x-amzn-* and content headers only
    waited_ms: int

    def error_text(self) -> tuple[str, str]:
        """For a 401/403: Amazon's error code and message (reads the small body)."""
        ...

    def chunks(self) -> Iterator[bytes]: ...

    def close(self) -> None: ...


class RateBudget(Protocol):
    """The one rate budget (DESIGN §11): a token bucket per BudgetKey, spent by the proxy,
    sync, setup and listings alike. Per process on SQLite; one row per bucket, shared by
    every process, on PostgreSQL. Times are seconds on the budget's own clock."""

    def reserve(self, key: BudgetKey, max_wait: float, *, product: bool = False) -> float | None:
        """Take a token now or later: the seconds to wait before sending, or None (nothing
        taken) when that would be longer than `max_wait`. A `product` call (the proxy)
        leaves domain.rate_budget.product_headroom tokens to sellerlink's own work."""
        ...

    def settle(self, key: BudgetKey, sent: float) -> None:
        """Amazon answered a call sent at `sent` (aligns the refill start with Amazon's)."""
        ...

    def throttled(self, key: BudgetKey) -> None:
        """Amazon said 429: the bucket is empty whatever we believed."""
        ...

    def observe_limit(self, key: BudgetKey, rate: float) -> None:
        """Amazon's `x-amzn-RateLimit-Limit` for this key."""
        ...

    def wait_estimate(self, key: BudgetKey, *, product: bool = False) -> float: ...


class AmazonGateway(Protocol):
    """Everything sellerlink asks of Amazon. Failures are raised as DomainErrors from the
    catalogue (TokenRevoked, SessionExpired, RefreshTokenFailed, AdvertisingNotEnabled,
    AuthorizationDenied, ProfessionalSellingPlanRequired, SetupFailed, AmazonUnavailable,
    RateLimited); never a transport exception, never a secret in a message."""

    def scopes(self, channel: Channel, account_type: AccountType) -> list[ScopeDescription]: ...

    def consent_url(self, request: ConsentRequest) -> str: ...

    def exchange_code(
        self,
        channel: Channel,
        region: Region,
        code: str,
        code_verifier: Secret | None = None,
    ) -> TokenGrant:
        """Authorization code → refresh + access token. An expired or used code raises
        SessionExpired; any other refusal RefreshTokenFailed."""
        ...

    def refresh_access_token(
        self, channel: Channel, region: Region, refresh_token: Secret
    ) -> AccessToken:
        """`invalid_grant` raises TokenRevoked; 5xx and timeouts AmazonUnavailable."""
        ...

    def list_profiles(self, region: Region, access_token: Secret) -> list[Profile]:
        """Ads `GET /v2/profiles`. An empty list is returned as is (the use case decides)."""
        ...

    def has_active_campaigns(
        self, region: Region, access_token: Secret, profile_id: str
    ) -> bool | None:
        """Whether the advertising profile has at least one active campaign (seed 002: "At
        the time of connecting your account, you should have active advertising campaigns").
        Ads API v3 `POST /sp/campaigns/list` with `Amazon-Advertising-API-Scope: <profileId>`,
        body `{"stateFilter": {"include": ["ENABLED"]}, "maxResults": 1}` and media type
        `application/vnd.spCampaign.v3+json`; an answer with a campaign in it means yes.
        Only a warning hangs on it, so it never raises: None when Amazon could not say
        (refused, throttled, unavailable, an unexpected answer)."""
        ...

    def marketplace_participations(
        self, region: Region, access_token: Secret, selling_partner_id: str | None = None
    ) -> list[Participation]: ...

    def set_up_marketplace(
        self,
        region: Region,
        access_token: Secret,
        selling_partner_id: str,
        marketplace_id: str,
    ) -> None:
        """Prepare sellerlink's side of one marketplace (seed 002's "geocompany"): checks
        that Amazon serves this seller's data there. Raises SetupFailed with Amazon's reason."""
        ...

    def send_listing_updates(
        self,
        region: Region,
        access_token: Secret,
        selling_partner_id: str,
        updates: Sequence[ListingUpdate],
    ) -> list[ListingResult]:
        """Listings Items PATCH, one request per update, within its rate (5/s, burst 5).
        One result per update; a refusal of one SKU is a result, not an exception."""
        ...

    def submit_listings_feed(
        self,
        region: Region,
        access_token: Secret,
        selling_partner_id: str,
        marketplace_id: str,
        updates: Sequence[ListingUpdate],
    ) -> str:
        """One `JSON_LISTINGS_FEED` for one marketplace (createFeedDocument, upload,
        createFeed) with at most 25,000 updates; returns the feed id. Raises RateLimited when
        the feed type's 5 submissions per 5 minutes per region are used up (AMAZON.md)."""
        ...

    def listings_feed_report(
        self, region: Region, access_token: Secret, feed_id: str
    ) -> FeedReport:
        """getFeed; when the feed is DONE, its processing report read back per SKU."""
        ...

    def confirm_selling_partner(
        self,
        region: Region,
        access_token: Secret,
        selling_partner_id: str,
        marketplace_id: str,
    ) -> bool:
        """Whether the token really belongs to `selling_partner_id`. The SP-API callback's
        `selling_partner_id` travels through the person's browser, so it could be edited;
        an SP-API call scoped to that seller id proves it (Amazon answers 403 for a seller
        id the token was not authorized by)."""
        ...

    def api_access(
        self, channel: Channel, region: Region, access_token: Secret, profile_id: str | None
    ) -> ApiAccess:
        """The endpoint and headers a product needs to call Amazon with this token."""
        ...

    def forward(self, call: PassThroughCall) -> PassThroughAnswer:
        """Send a product's call to the API's regional host, spending the shared rate budget
        and waiting out 429s within `max_wait_seconds` (then RateLimited with
        `retry_after_seconds`); AmazonUnavailable when Amazon cannot be reached."""
        ...

    def fetch_dataset(
        self, source: DatasetSource, access_token: Secret, pending: str | None = None
    ) -> DatasetFetch:
        """One window of a dataset (docs/amazon-datasets.md): orders by LastUpdatedAfter/
        Before, a report (create, poll, download, parse as a stream), or the inventory
        snapshot. With `pending`, asks about that report again instead of creating one. A
        refused access token raises TokenRevoked (the caller refreshes and tries once more);
        5xx AmazonUnavailable; 429 RateLimited."""
        ...


# --------------------------------------------------------------------------- webhooks


@frozen
class SendResult:
    """What the receiver answered: a status (and the first KB of its body), or why there was
    no answer (timeout, refused connection, forbidden target)."""

    status_code: int | None
    response: str = ""
    error: str = ""

    @property
    def accepted(self) -> bool:
        return not self.error and self.status_code is not None and 200 <= self.status_code < 300


class WebhookSender(Protocol):
    """Outbound HTTP to the product's receivers (adapters/webhooks/)."""

    def check_target(self, url: str) -> None:
        """Raises WebhookTargetForbidden when the configuration forbids this URL's target."""
        ...

    def send(self, url: str, message_id: str, body: bytes, secrets: Sequence[Secret]) -> SendResult:
        """POST the signed body (Standard Webhooks headers, timestamped at sending). Never
        raises for the receiver's or the network's failures: they are a SendResult."""
        ...
