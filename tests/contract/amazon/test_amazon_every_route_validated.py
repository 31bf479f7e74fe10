"""Every SP-API operation the sandbox serves answers as Amazon's model says, success and
refusal alike, and a new route cannot slip in unvalidated: the suite
says which operations it checks, and fails on a new route that it does not validate.

One in-process walk calls every SP-API route of `routes.ROUTES` (with the seller's token,
then with a refused one); each answer is checked against the schema the operation's model
(`adapters/amazon/usage_plans.py` names the file) gives for that status. A route without a
step in the walk, an operation its model does not define at that method and path, or an
Amazon Ads route whose facts are not recorded in ADS_FACTS.md fails here.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from adapters.amazon.regions import marketplace_id
from adapters.amazon.sandbox import routes
from adapters.amazon.sandbox.in_process import IN_PROCESS_BASE_URL, InProcessAmazon
from adapters.amazon.usage_plans import SP_API_OPERATIONS
from application.ports import ListingsBatch, ListingUpdate
from bootstrap.system import SettableClock
from domain.connection import Region
from domain.secret import Secret
from tests.contract.amazon.amazon_models import definition, document, model, problems

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
US = marketplace_id("US")
SELLER = "A1SBXUSSELLER01"
ADS_FACTS = Path(__file__).parents[3] / "adapters" / "amazon" / "ADS_FACTS.md"
# Families with no SP-API model, and where each is held to Amazon instead.
ELSEWHERE = {
    routes.LWA: "test_amazon_lwa_contract.py (AMAZON.md's token endpoint facts)",
    routes.DOCUMENTS: "S3 pre-signed URLs: test_amazon_feeds_model.py, *_reports_model.py",
}
SOURCES = {o.name: o.source for o in SP_API_OPERATIONS}
SP_ROUTES = [r for r in routes.ROUTES if r.family == routes.SP_API]

Answers = dict[str, list[tuple[routes.Route, httpx.Response]]]


def _walk(amazon: InProcessAmazon, token: str, clock: SettableClock) -> Answers:
    """Every SP-API operation once, in an order where each finds what it needs."""
    answers: Answers = defaultdict(list)
    headers = {"x-amz-access-token": token}

    def call(method: str, path: str, **kw: Any) -> Any:
        clock.advance(timedelta(seconds=1))  # within every operation's usage plan
        response = amazon.http.request(method, IN_PROCESS_BASE_URL + path, headers=headers, **kw)
        route, _ = routes.match(routes.SandboxRequest(method, path.split("?")[0]))
        assert route is not None, path
        answers[str(route.operation)].append((route, response))
        return response.json() if response.status_code < 300 else {}

    items = f"/listings/2021-08-01/items/{SELLER}"
    patch = {
        "productType": "PRODUCT",
        "patches": [
            {
                "op": "replace",
                "path": "/attributes/fulfillment_availability",
                "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": 3}],
            }
        ],
    }
    us = {"marketplaceIds": US}
    call("GET", "/sellers/v1/marketplaceParticipations")
    call("PATCH", f"{items}/ROUTE-1", params=us, json=patch)
    call("GET", f"{items}/ROUTE-1", params={**us, "includedData": ",".join(INCLUDED)})
    call("GET", items, params={**us, "includedData": ",".join(INCLUDED)})
    call("GET", "/orders/v0/orders", params={"MarketplaceIds": US, "CreatedAfter": "2025-12-30"})
    document = call("POST", "/feeds/2021-06-30/documents", json={"contentType": "application/json"})
    if document:
        feed = json.dumps({"header": {"sellerId": SELLER, "version": "2.0"}, "messages": []})
        amazon.http.put(document["url"], content=feed, headers={"Content-Type": "application/json"})
    created = call(
        "POST",
        "/feeds/2021-06-30/feeds",
        json={
            "feedType": "JSON_LISTINGS_FEED",
            "marketplaceIds": [US],
            "inputFeedDocumentId": document.get("feedDocumentId", "none"),
        },
    )
    got = call("GET", f"/feeds/2021-06-30/feeds/{created.get('feedId', 'none')}")
    call("GET", f"/feeds/2021-06-30/documents/{got.get('resultFeedDocumentId', 'none')}")
    report = call(
        "POST",
        "/reports/2021-06-30/reports",
        json={"reportType": "GET_SALES_AND_TRAFFIC_REPORT", "marketplaceIds": [US]},
    )
    done = call("GET", f"/reports/2021-06-30/reports/{report.get('reportId', 'none')}")
    call("GET", f"/reports/2021-06-30/documents/{done.get('reportDocumentId', 'none')}")
    call(
        "GET",
        "/fba/inventory/v1/summaries",
        params={"granularityType": "Marketplace", "granularityId": US, "marketplaceIds": US},
    )
    return answers


INCLUDED = ("summaries", "attributes", "issues", "offers", "fulfillmentAvailability")


@pytest.fixture(scope="module")
def answered() -> tuple[Answers, Answers]:
    """The walk with the seller's token, then with a token Amazon refuses."""
    clock = SettableClock(START)
    amazon = InProcessAmazon(clock)
    accepted = _walk(amazon, amazon.sp_api_token("us-seller"), clock)
    refused = _walk(amazon, "Atza|IwEBnot-a-token", clock)
    return accepted, refused


def _schema_for(route: routes.Route, status: int) -> Callable[[Any], list[str]]:
    source = SOURCES[str(route.operation)]
    operation = model(source)["paths"][route.template][route.method.lower()]
    assert operation["operationId"] == route.operation
    response = operation["responses"].get(str(status))
    assert response is not None, f"{route.operation} never answers {status} in {source}"
    ref = response.get("schema", {}).get("$ref", "")
    name = ref.rsplit("/", 1)[-1]
    validator = definition(source, name)
    return lambda body: problems(validator, body)


@pytest.mark.parametrize("route", SP_ROUTES, ids=lambda r: str(r.operation))
def test_every_sp_api_route_answers_as_its_model_says(
    answered: tuple[Answers, Answers], route: routes.Route
) -> None:
    accepted, refused = answered
    assert route.operation in SOURCES, f"{route.operation}: no model named in usage_plans.py"
    assert accepted[str(route.operation)], f"{route.operation}: no step in the walk"
    for got in (accepted, refused):
        for _, response in got[str(route.operation)]:
            assert response.status_code < 500, response.text
            check = _schema_for(route, response.status_code)
            assert check(response.json()) == [], (route.operation, response.status_code)
    statuses = {r.status_code for _, r in accepted[str(route.operation)]}
    assert statuses <= {200, 201, 202}, (route.operation, statuses)
    assert {r.status_code for _, r in refused[str(route.operation)]} == {403}


def test_every_route_is_held_to_amazon_somewhere() -> None:
    facts = ADS_FACTS.read_text()
    for route in routes.ROUTES:
        if route.family == routes.SP_API:
            continue  # above
        if route.family == routes.ADS:
            documented = f"{route.method} {route.template.split('{')[0]}"
            assert documented in facts, f"{documented}: no Amazon Ads fact recorded"
            continue
        assert route.family in ELSEWHERE, f"{route.method} {route.template}: never validated"


def test_what_sellerlinks_adapter_sends_follows_amazons_models() -> None:
    """The adapter's own requests (listing PATCHes, the feed's documents and createFeed),
    checked against the request definitions of the same models."""
    clock = SettableClock(START)
    amazon = InProcessAmazon(clock)
    token = Secret(amazon.sp_api_token("us-seller"))
    updates = [ListingUpdate("SENT-1", US, 4, "9.50", "USD"), ListingUpdate("SENT-2", US, 0)]
    batch = ListingsBatch(Region.NA, token, SELLER, updates)
    amazon.send_listing_updates(batch)
    amazon.listings_feed_report(Region.NA, token, amazon.submit_listings_feed(batch, US))
    bodies = {
        e.operation: json.loads(e.request.body)
        for e in amazon.exchanges
        if e.operation and e.request.method in ("POST", "PATCH")
    }
    listings = "listingsItems_2021-08-01.json"
    feeds = "feeds_2021-06-30.json"
    patch = bodies["patchListingsItem"]
    assert problems(definition(listings, "ListingsItemPatchRequest"), patch) == []
    spec = definition(feeds, "CreateFeedDocumentSpecification")
    assert problems(spec, bodies["createFeedDocument"]) == []
    assert problems(definition(feeds, "CreateFeedSpecification"), bodies["createFeed"]) == []
    (upload,) = [e for e in amazon.exchanges if e.request.method == "PUT"]
    feed_document = json.loads(upload.request.body)
    assert problems(document("listings-feed-schema-v2.json"), feed_document) == []
