"""The values sellerlink and Amazon exchange through the AmazonGateway port: what a consent
asks for, what LWA and the Sellers API answer, a window of a dataset, a listings feed and its
report, a pass-through call. They live apart from the Protocols in ports.py so that the
ports read as a list of what the use cases need; ports.py re-exports them, so use cases
import either."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from enum import StrEnum

from attrs import define, field, frozen

from domain.authorization import ConsentAsk
from domain.connection import AccountType, Region
from domain.grant import Channel
from domain.records import Dataset, IncomingRecord
from domain.secret import Secret


@frozen
class ScopeDescription:
    """A permission shown to the person before they go to Amazon (seed 000: "Review the
    requested Amazon permission scopes before continuing")."""

    name: str
    description: str


@frozen
class ConsentRequest:
    """One trip to Amazon's consent page: what it asks for, as the authorization request
    keeps it, and the state that brings the person back to that request."""

    ask: ConsentAsk
    state: str
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


def _updates(updates: Iterable[ListingUpdate]) -> tuple[ListingUpdate, ...]:
    return tuple(updates)


@frozen
class ListingsBatch:
    """Listing updates on their way to Amazon with whose they are: the seller's region (its
    endpoint), access token and selling partner id. One send_listing_updates call (a PATCH
    per update, each to its own marketplace) or one JSON_LISTINGS_FEED carries one batch."""

    region: Region
    access_token: Secret
    selling_partner_id: str
    updates: tuple[ListingUpdate, ...] = field(converter=_updates)


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
