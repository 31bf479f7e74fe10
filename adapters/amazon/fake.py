"""An in-process stand-in for Amazon, for unit tests and the features: the AmazonGateway port
answered from the sandbox's scenario accounts without HTTP. It keeps Amazon's rules that
the use cases can observe (codes single-use and valid 5 minutes, refresh tokens revocable,
SP-API authorizations ending after 365 days, setup failing per scenario) and counts calls.
The HTTP sandbox (adapters/amazon/sandbox) is the honest wire-level stand-in; this one lets
a feature run in milliseconds.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

from attrs import define, evolve, field, frozen

from adapters.amazon.fake_records import fake_records
from application.ports import (
    AccessToken,
    ConsentRequest,
    DatasetFetch,
    DatasetSource,
    FeedReport,
    FeedStatus,
    ListingResult,
    ListingUpdate,
    Participation,
    ScopeDescription,
    TokenGrant,
)
from domain.connection import AccountType, Region
from domain.errors import (
    AmazonUnavailable,
    ProfessionalSellingPlanRequired,
    RateLimited,
    RefreshTokenFailed,
    SessionExpired,
    SetupFailed,
    TokenRevoked,
)
from domain.grant import Channel
from domain.listing_batch import (
    FEED_SUBMISSION_WINDOW,
    FEED_SUBMISSIONS_PER_WINDOW,
    MAX_FEED_MESSAGES,
)
from domain.profile import AdsAccountType, Profile
from domain.records import Dataset
from domain.secret import Secret

CODE_LIFETIME = timedelta(minutes=5)
SP_API_AUTHORIZATION = timedelta(days=365)

_MARKETPLACES: dict[str, tuple[str, str, str, str]] = {
    # country: (marketplace id, region, currency, name)
    "US": ("ATVPDKIKX0DER", "NA", "USD", "Amazon.com"),
    "CA": ("A2EUQ1WTGCTBG2", "NA", "CAD", "Amazon.ca"),
    "MX": ("A1AM78C64UM0Y8", "NA", "MXN", "Amazon.com.mx"),
    "UK": ("A1F83G8C2ARO7P", "EU", "GBP", "Amazon.co.uk"),
    "DE": ("A1PA6795UKMFR9", "EU", "EUR", "Amazon.de"),
    "FR": ("A13V1IB3VIYZZH", "EU", "EUR", "Amazon.fr"),
    "IT": ("APJ6JRA9NG5V4", "EU", "EUR", "Amazon.it"),
    "ES": ("A1RKKUPIHCS9HS", "EU", "EUR", "Amazon.es"),
    "JP": ("A1VC38T7YXB528", "FE", "JPY", "Amazon.co.jp"),
}


def marketplace_id(country: str) -> str:
    return _MARKETPLACES[country][0]


@frozen
class FakeAccount:
    name: str
    display_name: str
    selling_partner_id: str | None
    ads_account_id: str | None
    ads_type: AdsAccountType = AdsAccountType.SELLER
    profile_countries: tuple[str, ...] = ()
    selling_countries: tuple[str, ...] = ()
    denies: bool = False
    individual_plan: bool = False
    # country -> how many setup attempts fail before one succeeds (-1: always fails)
    setup_failures: tuple[tuple[str, int], ...] = ()
    # Seed 002: a profile without active campaigns connects, with a warning.
    active_campaigns: bool = True


SCENARIOS: dict[str, FakeAccount] = {
    a.name: a
    for a in (
        FakeAccount(
            "us-seller",
            "Acme Outdoor",
            "A1US0SELLER001",
            "A1US0SELLER001",
            profile_countries=("US",),
            selling_countries=("US",),
        ),
        FakeAccount(
            "multi-profile-seller",
            "Northwind Goods",
            "A2MULTI0SELLER",
            "A2MULTI0SELLER",
            profile_countries=("US", "CA", "MX"),
            selling_countries=("US", "CA", "MX"),
        ),
        FakeAccount(
            "eu-seller",
            "Kontor Europa",
            "A3EU0SELLER001",
            "A3EU0SELLER001",
            profile_countries=("UK", "DE", "FR", "IT", "ES"),
            selling_countries=("UK", "DE", "FR", "IT", "ES"),
        ),
        FakeAccount(
            "vendor",
            "Brandworks Vendor",
            None,
            "ENTITY1VENDOR01",
            ads_type=AdsAccountType.VENDOR,
            profile_countries=("US",),
        ),
        # A vendor with Ads and SP-API (Vendor Central): vendor sales and traffic reports.
        FakeAccount(
            "vendor-central",
            "Brandworks Central",
            "A8VENDOR0CENTRAL",
            "A8VENDOR0CENTRAL",
            ads_type=AdsAccountType.VENDOR,
            profile_countries=("US",),
            selling_countries=("US",),
        ),
        FakeAccount(
            "no-ads-seller", "Quiet Shop", "A4NOADS0SELLER", None, selling_countries=("US",)
        ),
        FakeAccount(
            "mismatch-seller",
            "Mixed Signals",
            "A5MISMATCH0001",
            "A9OTHER0ACCOUNT",
            profile_countries=("US",),
            selling_countries=("US",),
        ),
        FakeAccount(
            "wrong-region-seller",
            "Far Away Shop",
            "A6WRONG0REGION",
            "A6WRONG0REGION",
            profile_countries=("JP",),
            selling_countries=("JP",),
        ),
        FakeAccount(
            "failing-marketplace-seller",
            "Bumpy Road",
            "A7FAILING0MKT1",
            "A7FAILING0MKT1",
            profile_countries=("UK", "DE", "IT"),
            selling_countries=("UK", "DE", "IT"),
            setup_failures=(("DE", 2), ("IT", -1)),
        ),
        FakeAccount(
            "individual-plan-seller",
            "Side Hustle",
            "A8INDIVIDUAL01",
            "A8INDIVIDUAL01",
            profile_countries=("US",),
            selling_countries=("US",),
            individual_plan=True,
        ),
        FakeAccount(
            "view-only-agency", "Agency Viewer", None, None, ads_type=AdsAccountType.AGENCY
        ),
        FakeAccount("denying-user", "Says No", "A0DENY0000001", "A0DENY0000001", denies=True),
        FakeAccount(
            "no-campaigns-seller",
            "Fresh Start",
            "A9NOCAMPAIGNS1",
            "A9NOCAMPAIGNS1",
            profile_countries=("US",),
            selling_countries=("US",),
            active_campaigns=False,
        ),
    )
}


@define
class _Code:
    account: FakeAccount
    channel: Channel
    issued_at: datetime
    used: bool = False


@define
class _Refresh:
    account: FakeAccount
    channel: Channel
    issued_at: datetime
    revoked: bool = False


@frozen
class FakeListing:
    """What Amazon shows for one SKU in one marketplace."""

    quantity: int | None = None
    price_amount: str | None = None
    price_currency: str | None = None


@define
class _Feed:
    seller_id: str
    region: Region
    marketplace_id: str
    updates: list[ListingUpdate]
    submitted_at: datetime
    results: list[ListingResult] | None = None


@define
class FakeAmazon:
    """Implements application.ports.AmazonGateway. `consent()` plays the person on Amazon's
    page and returns the callback's query parameters."""

    clock: Callable[[], datetime]
    refresh_calls: int = 0
    exchange_calls: int = 0
    campaign_checks: int = 0
    # Profile ids whose campaigns are all paused or archived (seed 002's warning), on top
    # of the scenario accounts that have no active campaign at all.
    profiles_without_campaigns: set[str] = field(factory=set)
    # Faults the features and tests inject.
    unavailable: bool = False
    throttled: bool = False
    # Every sync window served: (account name, marketplace id, start, end).
    sync_windows: list[tuple[str, str, datetime, datetime]] = field(factory=list)
    # Every dataset window asked for: (account name, what).
    dataset_calls: list[tuple[str, DatasetSource]] = field(factory=list)
    inventory_gone: set[str] = field(factory=set)
    sent_listings: list[ListingUpdate] = field(factory=list)
    # Listings: what Amazon shows per (seller, marketplace, sku); SKUs Amazon refuses, with
    # its message; how long a feed takes to process on the simulated clock.
    listings: dict[tuple[str, str, str], FakeListing] = field(factory=dict)
    refused_skus: dict[str, str] = field(factory=dict)
    feed_processing: timedelta = timedelta(0)
    patch_requests: int = 0
    feeds: dict[str, _Feed] = field(factory=dict)
    _feed_submissions: dict[tuple[str, str], list[datetime]] = field(factory=dict)
    _codes: dict[str, _Code] = field(factory=dict)
    _refresh: dict[str, _Refresh] = field(factory=dict)
    _access: dict[str, FakeAccount] = field(factory=dict)
    _setup_attempts: dict[tuple[str, str], int] = field(factory=dict)
    _seq: itertools.count[int] = field(factory=lambda: itertools.count(1))

    # ---- the port ----------------------------------------------------------------------

    def scopes(self, channel: Channel, account_type: AccountType) -> list[ScopeDescription]:
        if channel is Channel.ADS:
            return [
                ScopeDescription(
                    "advertising::campaign_management",
                    "View and manage your advertising campaigns, reports and budgets.",
                )
            ]
        return [
            ScopeDescription(
                "sellingpartnerapi::listings",
                "Read your marketplace participations and update listings, inventory and "
                "prices on your behalf.",
            )
        ]

    def consent_url(self, request: ConsentRequest) -> str:
        path = "/ap/oa" if request.channel is Channel.ADS else "/apps/authorize/consent"
        query = {"state": request.state, "region": str(request.region)}
        if request.code_challenge:
            query |= {"code_challenge": request.code_challenge, "code_challenge_method": "S256"}
        return f"https://amazon.fake{path}?{urlencode(query)}"

    def exchange_code(
        self, channel: Channel, region: Region, code: str, code_verifier: Secret | None = None
    ) -> TokenGrant:
        self.exchange_calls += 1
        self._available()
        issued = self._codes.get(code)
        now = self.clock()
        if issued is None or issued.used or issued.channel is not channel:
            raise SessionExpired("The authorization code was already used or is unknown.")
        issued.used = True
        if now - issued.issued_at > CODE_LIFETIME:
            raise SessionExpired("The authorization code expired (codes last 5 minutes).")
        refresh = f"Atzr|fake-{next(self._seq)}"
        self._refresh[refresh] = _Refresh(issued.account, channel, now)
        scope = (
            "advertising::campaign_management" if channel is Channel.ADS else "sellingpartnerapi"
        )
        return TokenGrant(Secret(refresh), self._new_access(issued.account), 3600, (scope,))

    def refresh_access_token(
        self, channel: Channel, region: Region, refresh_token: Secret
    ) -> AccessToken:
        self.refresh_calls += 1
        self._available()
        grant = self._refresh.get(refresh_token.reveal())
        if grant is None or grant.revoked:
            raise TokenRevoked("Amazon answered invalid_grant: the refresh token was revoked.")
        if channel is Channel.SP_API and self.clock() >= grant.issued_at + SP_API_AUTHORIZATION:
            raise TokenRevoked("Amazon answered invalid_grant: the authorization expired.")
        return AccessToken(self._new_access(grant.account), 3600)

    def list_profiles(self, region: Region, access_token: Secret) -> list[Profile]:
        account = self._account(access_token)
        return [
            Profile(
                profile_id=str(1000 + i + 100 * len(account.name)),
                country_code=country,
                currency_code=_MARKETPLACES[country][2],
                marketplace_id=_MARKETPLACES[country][0],
                account_type=account.ads_type,
                account_name=account.display_name,
                account_id=account.ads_account_id or "",
            )
            for i, country in enumerate(account.profile_countries)
            if _MARKETPLACES[country][1] == region
        ]

    def has_active_campaigns(
        self, region: Region, access_token: Secret, profile_id: str
    ) -> bool | None:
        self.campaign_checks += 1
        if self.unavailable or self.throttled:
            return None
        account = self._access.get(access_token.reveal())
        if account is None:
            return None
        if profile_id not in {p.profile_id for p in self.list_profiles(region, access_token)}:
            return None
        return account.active_campaigns and profile_id not in self.profiles_without_campaigns

    def marketplace_participations(
        self, region: Region, access_token: Secret, selling_partner_id: str | None = None
    ) -> list[Participation]:
        account = self._account(access_token)
        if account.individual_plan:
            raise ProfessionalSellingPlanRequired()
        if account.selling_partner_id is None:
            raise RefreshTokenFailed("This account has no Selling Partner API access.")
        return [
            Participation(
                marketplace_id=_MARKETPLACES[c][0],
                name=_MARKETPLACES[c][3],
                country_code="GB" if c == "UK" else c,
                currency_code=_MARKETPLACES[c][2],
                participating=True,
                store_name=account.display_name,
            )
            for c in account.selling_countries
            if _MARKETPLACES[c][1] == region
        ]

    def set_up_marketplace(
        self, region: Region, access_token: Secret, selling_partner_id: str, marketplace_id: str
    ) -> None:
        self._available()
        account = self._account(access_token)
        country = next(c for c, v in _MARKETPLACES.items() if v[0] == marketplace_id)
        failures = dict(account.setup_failures).get(country, 0)
        key = (selling_partner_id, marketplace_id)
        self._setup_attempts[key] = attempt = self._setup_attempts.get(key, 0) + 1
        if failures == -1 or attempt <= failures:
            raise SetupFailed(f"Failed to create geocompany for {country}")

    def confirm_selling_partner(
        self, region: Region, access_token: Secret, selling_partner_id: str, marketplace_id: str
    ) -> bool:
        account = self._account(access_token)
        if account.individual_plan:
            raise ProfessionalSellingPlanRequired()
        return account.selling_partner_id == selling_partner_id

    def send_listing_updates(
        self,
        region: Region,
        access_token: Secret,
        selling_partner_id: str,
        updates: Sequence[ListingUpdate],
    ) -> list[ListingResult]:
        self._available()
        self._account(access_token)
        self.patch_requests += len(updates)
        return [self._apply(selling_partner_id, u) for u in updates]

    def submit_listings_feed(
        self,
        region: Region,
        access_token: Secret,
        selling_partner_id: str,
        marketplace_id: str,
        updates: Sequence[ListingUpdate],
    ) -> str:
        self._available()
        self._account(access_token)
        if not 1 <= len(updates) <= MAX_FEED_MESSAGES:
            raise ValueError(f"a listings feed holds 1 to {MAX_FEED_MESSAGES} messages")
        now = self.clock()
        key = (selling_partner_id, str(region))
        recent = [
            t for t in self._feed_submissions.get(key, []) if now - t < FEED_SUBMISSION_WINDOW
        ]
        if len(recent) >= FEED_SUBMISSIONS_PER_WINDOW:
            raise RateLimited("Amazon answered 429 QuotaExceeded for createFeed.")
        self._feed_submissions[key] = [*recent, now]
        feed_id = f"feed-{next(self._seq)}"
        self.feeds[feed_id] = _Feed(selling_partner_id, region, marketplace_id, list(updates), now)
        return feed_id

    def listings_feed_report(
        self, region: Region, access_token: Secret, feed_id: str
    ) -> FeedReport:
        self._available()
        self._account(access_token)
        feed = self.feeds.get(feed_id)
        if feed is None:
            return FeedReport(feed_id, FeedStatus.FATAL, message="Amazon does not know this feed.")
        if self.clock() < feed.submitted_at + self.feed_processing:
            return FeedReport(feed_id, FeedStatus.IN_PROGRESS)
        if feed.results is None:
            feed.results = [self._apply(feed.seller_id, u) for u in feed.updates]
        return FeedReport(feed_id, FeedStatus.DONE, tuple(feed.results))

    def fetch_dataset(
        self, source: DatasetSource, access_token: Secret, pending: str | None = None
    ) -> DatasetFetch:
        """Deterministic data that grows with the clock, in Amazon's shapes: an order updated
        on every whole hour, two child ASINs' sales and traffic a day, three FBA SKUs (minus
        `inventory_gone`), two campaigns a day. Reports are ready at once."""
        self._available()
        if self.throttled:
            raise RateLimited("Amazon answered 429 QuotaExceeded.")
        account = self._account(access_token)
        self.dataset_calls.append((account.name, source))
        if source.dataset is Dataset.ORDERS:
            self.sync_windows.append(
                (account.name, source.marketplace_id, source.start, source.end)
            )
        return DatasetFetch(records=list(fake_records(account.name, source, self.inventory_gone)))

    # ---- playing Amazon's side ---------------------------------------------------------

    def consent(
        self, authorization_url: str, account: str, *, approve: bool = True
    ) -> dict[str, str]:
        """The person signs in as `account` and clicks Approve (or Deny); returns the query
        Amazon puts on the redirect back to sellerlink."""
        query = {k: v[0] for k, v in parse_qs(urlsplit(authorization_url).query).items()}
        scenario = SCENARIOS[account]
        ads = urlsplit(authorization_url).path == "/ap/oa"
        if not approve or scenario.denies:
            return {"state": query["state"], "error": "access_denied"}
        code = f"code-{next(self._seq)}"
        channel = Channel.ADS if ads else Channel.SP_API
        self._codes[code] = _Code(scenario, channel, self.clock())
        if ads:
            return {"state": query["state"], "code": code}
        return {
            "state": query["state"],
            "spapi_oauth_code": code,
            "selling_partner_id": scenario.selling_partner_id or "",
        }

    def revoke(self, account: str) -> int:
        """The seller removes the app in Seller Central: every refresh token stops working."""
        revoked = 0
        for grant in self._refresh.values():
            if grant.account.name == account and not grant.revoked:
                grant.revoked = True
                revoked += 1
        self._access = {k: v for k, v in self._access.items() if v.name != account}
        return revoked

    def listing(self, account: str, country: str, sku: str) -> FakeListing | None:
        """What Amazon now shows for `sku` of the scenario `account` in `country`."""
        spid = SCENARIOS[account].selling_partner_id or ""
        return self.listings.get((spid, marketplace_id(country), sku))

    def setup_attempts(self, account: str, country: str) -> int:
        spid = SCENARIOS[account].selling_partner_id or ""
        return self._setup_attempts.get((spid, marketplace_id(country)), 0)

    # ---- internals ---------------------------------------------------------------------

    def _apply(self, selling_partner_id: str, update: ListingUpdate) -> ListingResult:
        """One SKU's patches, as Amazon applies them (fields not sent keep their value)."""
        self.sent_listings.append(update)
        refusal = self.refused_skus.get(update.sku)
        if refusal is not None:
            return ListingResult(update.sku, False, refusal)
        key = (selling_partner_id, update.marketplace_id, update.sku)
        shown = self.listings.get(key, FakeListing())
        if update.quantity is not None:
            shown = evolve(shown, quantity=update.quantity)
        if update.price_amount is not None:
            shown = evolve(
                shown, price_amount=update.price_amount, price_currency=update.price_currency
            )
        self.listings[key] = shown
        return ListingResult(update.sku, True)

    def _available(self) -> None:
        if self.unavailable:
            raise AmazonUnavailable("Amazon answered 503 Service Unavailable.")

    def _new_access(self, account: FakeAccount) -> Secret:
        token = f"Atza|fake-{next(self._seq)}"
        self._access[token] = account
        return Secret(token)

    def _account(self, access_token: Secret) -> FakeAccount:
        account = self._access.get(access_token.reveal())
        if account is None:
            raise TokenRevoked("Amazon refused the access token.")
        return account
