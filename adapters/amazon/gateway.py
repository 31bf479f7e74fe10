"""`AmazonHttpGateway`: application.ports.AmazonGateway over HTTP, for Amazon or the sandbox.

One instance per process: its rate-limit buckets are shared by every thread that uses it
(the buckets are per (selling partner, operation), as Amazon's are).

Access tokens are not cached here: sellerlink keeps them on the Grant and reuses them until
60 s before expiry (domain.grant.ACCESS_TOKEN_MARGIN), with a single-flight refresh in the
use case; a second cache here could only disagree with that one.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime

import httpx

from adapters.amazon import consent
from adapters.amazon.ads import AdsClient
from adapters.amazon.ads_reports import AdsReportsClient
from adapters.amazon.feeds import FeedsClient
from adapters.amazon.inventory import INVENTORY
from adapters.amazon.listings_items import ListingsItemsClient
from adapters.amazon.lwa import LwaClient
from adapters.amazon.orders import ORDERS
from adapters.amazon.passthrough import PassThroughClient
from adapters.amazon.rate_limit import RateLimiter
from adapters.amazon.reports import ReportsClient
from adapters.amazon.settings import AmazonSettings
from adapters.amazon.sp_api import SpApiClient
from adapters.amazon.transport import Transport
from application.ports import (
    AccessToken,
    ConsentRequest,
    DatasetFetch,
    DatasetSource,
    Metrics,
    RateBudget,
    ScopeDescription,
    Tracer,
)
from domain.connection import AccountType, Region
from domain.errors import DomainError
from domain.grant import Channel
from domain.records import Dataset
from domain.secret import Secret

_log = logging.getLogger("sellerlink.amazon")


def _wall_clock() -> datetime:
    return datetime.now(UTC)


class AmazonHttpGateway:
    def __init__(
        self,
        settings: AmazonSettings,
        client: httpx.Client | None = None,
        clock: Callable[[], datetime] = _wall_clock,
        *,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        metrics: Metrics | None = None,
        tracer: Tracer | None = None,
        budget: RateBudget | None = None,
    ) -> None:
        self.settings = settings
        self._owns_client = client is None
        self._client = client or httpx.Client(
            timeout=settings.timeout_seconds, follow_redirects=False
        )
        seconds = lambda: clock().timestamp()  # noqa: E731
        # The one rate budget (DESIGN §11): the SQL budget on PostgreSQL, else this process's.
        self.limiter = budget or RateLimiter(seconds)
        transport = Transport(
            self._client,
            policy=settings.retry,
            limiter=self.limiter,
            seconds=lambda: clock().timestamp(),
            sleep=sleep,
            timeout=settings.timeout_seconds,
            max_rate_wait=settings.max_rate_wait_seconds,
            rng=rng,
            metrics=metrics,
            tracer=tracer,
        )
        self._lwa = LwaClient(settings, transport)
        self._ads = AdsClient(settings, transport)
        self._sp_api = SpApiClient(settings, transport)
        self._listings = ListingsItemsClient(settings, transport, self._sp_api)
        self._feeds = FeedsClient(settings, transport, clock)
        self._reports = ReportsClient(transport, self._sp_api)
        self._ads_reports = AdsReportsClient(settings, transport)
        self._pass_through = PassThroughClient(
            settings, self._client, self.limiter, seconds=seconds, sleep=sleep, rng=rng
        )
        # The port's operations that one client makes as the port declares them are that
        # client's own: their signatures stand in application/ports.py and in the client,
        # not a third time here. The product's own calls (DESIGN §11) are api_access and
        # forward.
        self.exchange_code = self._lwa.exchange_code
        self.api_access = self._pass_through.api_access
        self.forward = self._pass_through.forward
        self.list_profiles = self._ads.list_profiles
        self.marketplace_participations = self._sp_api.marketplace_participations
        self.set_up_marketplace = self._listings.set_up_marketplace
        self.confirm_selling_partner = self._listings.confirm_selling_partner
        self.send_listing_updates = self._listings.send_listing_updates
        self.submit_listings_feed = self._feeds.submit_listings_feed
        self.listings_feed_report = self._feeds.listings_feed_report

    def __repr__(self) -> str:
        return f"AmazonHttpGateway(sandbox={self.settings.sandbox_base_url!r})"

    def close(self) -> None:
        if self._owns_client:
            self._client.close()

    # -- consent -----------------------------------------------------------------------

    def scopes(self, channel: Channel, account_type: AccountType) -> list[ScopeDescription]:
        return consent.scopes(channel, account_type)

    def consent_url(self, request: ConsentRequest) -> str:
        return consent.consent_url(self.settings, request)

    # -- LWA ---------------------------------------------------------------------------

    def refresh_access_token(
        self, channel: Channel, region: Region, refresh_token: Secret
    ) -> AccessToken:
        return self._lwa.refresh(channel, region, refresh_token)

    # -- Ads ---------------------------------------------------------------------------

    def has_active_campaigns(
        self, region: Region, access_token: Secret, profile_id: str
    ) -> bool | None:
        """Only a warning depends on the answer (seed 002), so a refusal, a throttle or an
        outage after the transport's retries is "cannot say", never a failed connection."""
        try:
            return self._ads.has_active_campaigns(region, access_token, profile_id)
        except DomainError as error:
            _log.info("active-campaign check skipped: %s", error.code)
            return None

    # -- the sync's datasets -----------------------------------------------------------

    def fetch_dataset(
        self, source: DatasetSource, access_token: Secret, pending: str | None = None
    ) -> DatasetFetch:
        if source.dataset is Dataset.ORDERS:
            return DatasetFetch(records=self._sp_api.every_page(ORDERS, source, access_token))
        if source.dataset is Dataset.INVENTORY:
            return DatasetFetch(records=self._sp_api.every_page(INVENTORY, source, access_token))
        if source.dataset is Dataset.SALES_TRAFFIC:
            return self._reports.sales_and_traffic(source, access_token, pending)
        return self._ads_reports.campaigns(source, access_token, pending)
