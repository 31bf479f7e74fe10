"""The ports: what the use cases need from the world, as typing.Protocols: time, ids and
secrets, and Amazon. Storage is application/unit_of_work.py; the values the Amazon ports
carry are application/amazon_values.py (re-exported here).

The in-memory adapters, the SQL adapters and the Amazon adapter implement the same
protocols, and shared contract tests hold every implementation to them. Everything here is
synchronous: use cases run in a worker thread under the web server, directly in the CLI,
and in the workers.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Protocol

from attrs import frozen

from application.amazon_values import (
    AccessToken,
    ApiAccess,
    ConsentRequest,
    DatasetFetch,
    DatasetSource,
    FeedReport,
    FeedStatus,
    ListingResult,
    ListingsBatch,
    ListingUpdate,
    Participation,
    PassThroughCall,
    ScopeDescription,
    TokenGrant,
)
from domain.connection import AccountType, Region
from domain.grant import Channel
from domain.profile import Profile
from domain.rate_budget import BudgetKey
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

    def send_listing_updates(self, batch: ListingsBatch) -> list[ListingResult]:
        """Listings Items PATCH, one request per update, within its rate (5/s, burst 5).
        One result per update; a refusal of one SKU is a result, not an exception."""
        ...

    def submit_listings_feed(self, batch: ListingsBatch, marketplace_id: str) -> str:
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


# The Amazon values are re-exported: a use case imports its ports from one place.
__all__ = [
    "AccessToken",
    "AmazonGateway",
    "ApiAccess",
    "Clock",
    "ConsentRequest",
    "DatasetFetch",
    "DatasetSource",
    "FeedReport",
    "FeedStatus",
    "IdGenerator",
    "ListingResult",
    "ListingUpdate",
    "ListingsBatch",
    "Metrics",
    "Participation",
    "PassThroughAnswer",
    "PassThroughCall",
    "RateBudget",
    "ScopeDescription",
    "SecretGenerator",
    "SendResult",
    "TokenGrant",
    "Tracer",
    "WebhookSender",
]
