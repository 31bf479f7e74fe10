"""Amazon's operations as the sandbox serves them: one table from (method, path) to the
state module that answers, used alike by the Litestar app (app.py) and by the in-process
transport (in_process.py), so features and unit tests meet the same Amazon as HTTP clients.

Every request goes through `prepare` (which operation, which injected faults) and
`complete` (Amazon's answer, `x-amzn-RequestId`, `x-amzn-RateLimit-Limit` where Amazon sends
it, the redacted request log). A path no route knows answers Amazon's own 404 body. Nothing
here reads the Host header: the sandbox answers the same behind any proxy or prefix.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, unquote, unquote_plus

from attrs import frozen

from adapters.amazon.sandbox.core import redact
from adapters.amazon.sandbox.documents import DOCUMENTS_PATH
from adapters.amazon.sandbox.faults import fault_reply
from adapters.amazon.sandbox.feeds import FEEDS_PATH
from adapters.amazon.sandbox.replies import Reply, sp_error

if TYPE_CHECKING:
    from adapters.amazon.sandbox.state import Sandbox

# Families: how faults and errors look. `documents` stands for Amazon's S3 document
# storage: no SP-API headers, no usage plan, no faults.
LWA, ADS, SP_API, DOCUMENTS = "lwa", "ads", "sp_api", "documents"
LOGGED_HEADERS = (
    "authorization",
    "x-amz-access-token",
    "amazon-advertising-api-clientid",
    "amazon-advertising-api-scope",
    "content-type",
    "accept",
)


@frozen
class SandboxRequest:
    """One request as the sandbox sees it: `path` below the sandbox's prefix, still
    percent-encoded (a SKU may contain an encoded `/`); header names lower-case."""

    method: str
    path: str
    query: Sequence[tuple[str, str]] = ()
    headers: Mapping[str, str] = {}
    body: bytes = b""

    def param(self, name: str) -> str | None:
        values = [v for k, v in self.query if k == name]
        return ",".join(values) if values else None

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    @property
    def access_token(self) -> str | None:
        return self.header("x-amz-access-token")

    def form(self) -> dict[str, str]:
        if "form" not in (self.header("content-type") or ""):
            return {}
        return dict(parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True))


Handler = Callable[["Sandbox", SandboxRequest, dict[str, str]], Reply]


@frozen
class Route:
    method: str
    template: str
    family: str
    operation: str | None
    handler: Handler
    pattern: re.Pattern[str]


def _compile(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{\w+\})", template)
    regex = "".join(
        f"(?P<{p[1:-1]}>{'.+' if p == '{sku}' else '[^/]+'})" if p.startswith("{") else re.escape(p)
        for p in parts
    )
    return re.compile(f"^{regex}$")


def _basic(header: str | None) -> tuple[str, str] | None:
    """RFC 6749 §2.3.1: client credentials in HTTP Basic, form-encoded."""
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, _, client_secret = decoded.partition(":")
    return unquote_plus(client_id), unquote_plus(client_secret)


def _token(s: Sandbox, r: SandboxRequest, _: dict[str, str]) -> Reply:
    return s.token(r.form(), _basic(r.header("authorization")))


def _profiles(s: Sandbox, r: SandboxRequest, _: dict[str, str]) -> Reply:
    return s.profiles(r.header("authorization"), r.header("amazon-advertising-api-clientid"))


def _campaigns(s: Sandbox, r: SandboxRequest, _: dict[str, str]) -> Reply:
    return s.sp_campaigns(
        r.header("authorization"),
        r.header("amazon-advertising-api-clientid"),
        r.header("amazon-advertising-api-scope"),
        r.body,
        r.header("content-type"),
        r.header("accept"),
    )


def _ads_headers(r: SandboxRequest) -> tuple[str | None, str | None, str | None]:
    return (
        r.header("authorization"),
        r.header("amazon-advertising-api-clientid"),
        r.header("amazon-advertising-api-scope"),
    )


def _create_ads_report(s: Sandbox, r: SandboxRequest, _: dict[str, str]) -> Reply:
    return s.create_ads_report(*_ads_headers(r), r.body)


def _get_ads_report(s: Sandbox, r: SandboxRequest, p: dict[str, str]) -> Reply:
    return s.get_ads_report(*_ads_headers(r), p["reportId"])


def _participations(s: Sandbox, r: SandboxRequest, _: dict[str, str]) -> Reply:
    return s.participations(r.access_token)


def _query(r: SandboxRequest, *names: str) -> dict[str, str | None]:
    return {name: r.param(name) for name in names}


_LISTING_QUERY = ("marketplaceIds", "includedData", "issueLocale")


def _search(s: Sandbox, r: SandboxRequest, p: dict[str, str]) -> Reply:
    names = (*_LISTING_QUERY, "pageSize", "pageToken", "sortBy", "sortOrder")
    return s.search_listings(r.access_token, p["sellerId"], _query(r, *names))


def _get_listing(s: Sandbox, r: SandboxRequest, p: dict[str, str]) -> Reply:
    return s.get_listing(r.access_token, p["sellerId"], p["sku"], _query(r, *_LISTING_QUERY))


def _patch_listing(s: Sandbox, r: SandboxRequest, p: dict[str, str]) -> Reply:
    query = _query(r, *_LISTING_QUERY, "mode")
    return s.patch_listing(r.access_token, p["sellerId"], p["sku"], query, r.body)


_ORDERS_QUERY = (
    "MarketplaceIds",
    "CreatedAfter",
    "CreatedBefore",
    "LastUpdatedAfter",
    "LastUpdatedBefore",
    "MaxResultsPerPage",
    "NextToken",
)


def _orders(s: Sandbox, r: SandboxRequest, _: dict[str, str]) -> Reply:
    return s.orders(r.access_token, _query(r, *_ORDERS_QUERY))


def _create_report(s: Sandbox, r: SandboxRequest, _: dict[str, str]) -> Reply:
    return s.create_report(r.access_token, r.body)


def _get_report(s: Sandbox, r: SandboxRequest, p: dict[str, str]) -> Reply:
    return s.get_report(r.access_token, p["reportId"])


def _get_report_document(s: Sandbox, r: SandboxRequest, p: dict[str, str]) -> Reply:
    return s.get_report_document(r.access_token, p["reportDocumentId"])


_INVENTORY_QUERY = (
    "granularityType",
    "granularityId",
    "marketplaceIds",
    "details",
    "sellerSkus",
    "startDateTime",
    "nextToken",
)


def _inventory(s: Sandbox, r: SandboxRequest, _: dict[str, str]) -> Reply:
    return s.inventory_summaries(r.access_token, _query(r, *_INVENTORY_QUERY))


def _document_download(s: Sandbox, r: SandboxRequest, p: dict[str, str]) -> Reply:
    return s.documents.download(
        p["documentId"], r.param("X-Amz-Expires"), r.param("X-Amz-Signature"), s.now()
    )


def _document_upload(s: Sandbox, r: SandboxRequest, p: dict[str, str]) -> Reply:
    return s.documents.upload(
        p["documentId"],
        r.body,
        r.param("X-Amz-Expires"),
        r.param("X-Amz-Signature"),
        s.now(),
        r.header("content-type"),
    )


def _create_feed_document(s: Sandbox, r: SandboxRequest, _: dict[str, str]) -> Reply:
    return s.feeds.create_document(r.access_token, r.body)


def _get_feed_document(s: Sandbox, r: SandboxRequest, p: dict[str, str]) -> Reply:
    return s.feeds.get_document(r.access_token, p["feedDocumentId"])


def _create_feed(s: Sandbox, r: SandboxRequest, _: dict[str, str]) -> Reply:
    return s.feeds.create_feed(r.access_token, r.body)


def _get_feed(s: Sandbox, r: SandboxRequest, p: dict[str, str]) -> Reply:
    return s.feeds.get_feed(r.access_token, p["feedId"])


LISTINGS = "/listings/2021-08-01/items"
REPORTS = "/reports/2021-06-30"
_TABLE: tuple[tuple[str, str, str, str | None, Handler], ...] = (
    ("POST", "/auth/o2/token", LWA, None, _token),
    ("GET", "/v2/profiles", ADS, "listProfiles", _profiles),
    ("POST", "/sp/campaigns/list", ADS, "listSponsoredProductsCampaigns", _campaigns),
    ("POST", "/reporting/reports", ADS, "createAsyncReport", _create_ads_report),
    ("GET", "/reporting/reports/{reportId}", ADS, "getAsyncReport", _get_ads_report),
    (
        "GET",
        "/sellers/v1/marketplaceParticipations",
        SP_API,
        "getMarketplaceParticipations",
        _participations,
    ),
    ("GET", LISTINGS + "/{sellerId}", SP_API, "searchListingsItems", _search),
    ("GET", LISTINGS + "/{sellerId}/{sku}", SP_API, "getListingsItem", _get_listing),
    ("PATCH", LISTINGS + "/{sellerId}/{sku}", SP_API, "patchListingsItem", _patch_listing),
    ("GET", "/orders/v0/orders", SP_API, "getOrders", _orders),
    ("POST", FEEDS_PATH + "/documents", SP_API, "createFeedDocument", _create_feed_document),
    (
        "GET",
        FEEDS_PATH + "/documents/{feedDocumentId}",
        SP_API,
        "getFeedDocument",
        _get_feed_document,
    ),
    ("POST", FEEDS_PATH + "/feeds", SP_API, "createFeed", _create_feed),
    ("GET", FEEDS_PATH + "/feeds/{feedId}", SP_API, "getFeed", _get_feed),
    ("POST", REPORTS + "/reports", SP_API, "createReport", _create_report),
    ("GET", REPORTS + "/reports/{reportId}", SP_API, "getReport", _get_report),
    (
        "GET",
        REPORTS + "/documents/{reportDocumentId}",
        SP_API,
        "getReportDocument",
        _get_report_document,
    ),
    ("GET", "/fba/inventory/v1/summaries", SP_API, "getInventorySummaries", _inventory),
    ("GET", DOCUMENTS_PATH + "/{documentId}", DOCUMENTS, None, _document_download),
    ("PUT", DOCUMENTS_PATH + "/{documentId}", DOCUMENTS, None, _document_upload),
)
ROUTES: tuple[Route, ...] = tuple(
    Route(method, template, family, operation, handler, _compile(template))
    for method, template, family, operation, handler in _TABLE
)


@frozen
class Prepared:
    """Where a request goes and what injected faults do to it before Amazon answers."""

    route: Route | None
    params: dict[str, str]
    latency_seconds: float = 0.0
    failure: Reply | None = None


def match(request: SandboxRequest) -> tuple[Route | None, dict[str, str]]:
    path = request.path.split("?", 1)[0] or "/"
    for route in ROUTES:
        found = route.pattern.match(path)
        if found is not None and route.method == request.method.upper():
            return route, {k: unquote(v) for k, v in found.groupdict().items()}
    return None, {}


def prepare(sandbox: Sandbox, request: SandboxRequest) -> Prepared:
    route, params = match(request)
    if route is None or route.family == DOCUMENTS:
        return Prepared(route, params)
    latency, failure = 0.0, None
    for fault in sandbox.pick_fault(route.family, route.operation):
        if fault.kind == "latency":
            latency += fault.latency_seconds
        else:
            failure = fault_reply(fault, route.family)
    return Prepared(route, params, latency, failure)


def complete(sandbox: Sandbox, request: SandboxRequest, prepared: Prepared) -> Reply:
    route = prepared.route
    if route is None:
        reply = sp_error(
            404,
            "NotFound",
            "The requested resource was not found.",
            f"No operation at {request.method.upper()} {request.path.split('?', 1)[0]}.",
        )
    else:
        try:
            reply = prepared.failure or route.handler(sandbox, request, prepared.params)
        except RecursionError:
            # JSON nested deeper than any parser follows: bad input, as Amazon
            # answers it, never a 500.
            reply = sp_error(400, "InvalidInput", "The request body is nested too deeply.")
    headers = dict(reply.headers)
    family = route.family if route is not None else SP_API
    if family != DOCUMENTS:
        headers.setdefault("x-amzn-RequestId", sandbox.rng.getrandbits(64).to_bytes(8, "big").hex())
    # AMAZON.md: x-amzn-RateLimit-Limit on 2xx, 400 and 404 (best effort), never on 429/403.
    if (
        route is not None
        and route.family == SP_API
        and route.operation is not None
        and (200 <= reply.status < 300 or reply.status in (400, 404))
    ):
        headers.update(sandbox.rate_header(route.operation))
    sandbox.log_request(
        {
            "at": sandbox.now().isoformat(),
            "family": family,
            "operation": route.operation if route is not None else None,
            "method": request.method.upper(),
            "path": request.path.split("?", 1)[0],
            "query": redact(dict(request.query)),
            "form": redact(request.form()),
            "headers": redact(
                {k: v for k, v in request.headers.items() if k.lower() in LOGGED_HEADERS}
            ),
            "status": reply.status,
        }
    )
    return Reply(reply.status, reply.body, headers, reply.kind)
