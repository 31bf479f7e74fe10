"""Two popular independent clients, used unmodified against the sandbox over loopback HTTP:
python-amazon-sp-api and python-amazon-ad-api. Only what a user of the libraries
configures is pointed at the sandbox: the LWA token host (the libraries' own
AccessTokenClient with the sandbox's scheme and host) and the API endpoint (a marketplace
object with the sandbox's URL). Everything else — requests, headers, paging, uploads,
downloads, gunzip, errors — is the libraries' own code, written against Amazon.

Each walk is one test (one sign-in, then every operation in order), so the walks cost the
suite about a second. What the walks found in the sandbox is in the README (Amazon sandbox:
independent clients).
"""

from __future__ import annotations

import io
import json
import logging
import warnings
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from adapters.amazon.regions import marketplace_id
from adapters.amazon.sandbox import SandboxClock
from tests.contract.amazon.amazon_models import document, problems
from tests.contract.amazon.sandbox_helpers import START, Amazon, sp_campaigns_report

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from ad_api.api import Profiles, Reports  # type: ignore[import-untyped]
    from ad_api.api.sp.campaigns_v3 import CampaignsV3  # type: ignore[import-untyped]
    from ad_api.auth import AccessTokenClient as AdsLwa  # type: ignore[import-untyped]
    from ad_api.base import AdvertisingApiException  # type: ignore[import-untyped]
    from ad_api.base.exceptions import (  # type: ignore[import-untyped]
        AdvertisingApiTooManyRequestsException,
    )
    from sp_api.api import (  # type: ignore[import-untyped]
        Feeds,
        Inventories,
        ListingsItems,
        Orders,
        Sellers,
    )
    from sp_api.api import (
        Reports as SpReports,
    )
    from sp_api.auth import AccessTokenClient as SpLwa  # type: ignore[import-untyped]
    from sp_api.base import (  # type: ignore[import-untyped]
        SellingApiException,
        SellingApiForbiddenException,
        SellingApiRequestThrottledException,
    )
    from sp_api.base.credential_provider import (  # type: ignore[import-untyped]
        CredentialProvider,
    )

US = marketplace_id("US")
SELLER = "A1SBXUSSELLER01"
logging.getLogger("sp_api").setLevel(logging.WARNING)


def _sp_client_kwargs(amazon: Amazon, refresh_token: str) -> dict[str, Any]:
    """What a python-amazon-sp-api user configures: credentials, the LWA host, the
    endpoint (through the library's own extension points, not by changing its code)."""

    class SandboxLwa(SpLwa):  # type: ignore[misc]
        scheme = "http://"
        host = amazon.base.removeprefix("http://")

    marketplace = SimpleNamespace(endpoint=amazon.base, marketplace_id=US, region="us-east-1")
    return {
        "marketplace": marketplace,
        "refresh_token": refresh_token,
        "credentials": {
            "lwa_app_id": amazon.settings.sp_api_client_id,
            "lwa_client_secret": amazon.settings.sp_api_client_secret.reveal(),
        },
        "auth_token_client_class": SandboxLwa,
    }


def _sp_sign_in(amazon: Amazon) -> dict[str, Any]:
    """A seller approves on the consent page; the library exchanges the code."""
    _, code = amazon.sp_code("us-seller")
    kwargs = _sp_client_kwargs(amazon, "")
    credentials = CredentialProvider(credentials=kwargs["credentials"]).credentials
    lwa = kwargs["auth_token_client_class"](credentials=credentials)
    tokens = lwa.authorize_auth_code(code)
    assert tokens["refresh_token"].startswith("Atzr|")
    return _sp_client_kwargs(amazon, tokens["refresh_token"])


def test_python_amazon_sp_api_walks_every_operation_the_sandbox_serves(amazon: Amazon) -> None:
    client = _sp_sign_in(amazon)

    participations = Sellers(**client).get_marketplace_participation()
    assert participations.payload[0]["marketplace"]["id"] == US

    # getOrders with paging (three pages: the burst is 20): NextToken stands for the query.
    orders = Orders(**client)
    created_after = (START - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    page = orders.get_orders(CreatedAfter=created_after, MaxResultsPerPage=5)
    seen = [o["AmazonOrderId"] for o in page.payload["Orders"]]
    for _ in range(2):
        page = orders.get_orders(NextToken=page.next_token)
        seen += [o["AmazonOrderId"] for o in page.payload["Orders"]]
    assert len(seen) == len(set(seen)) == 15

    # Reports API: create -> poll -> document -> download -> gunzip (the library's).
    reports = SpReports(**client)
    created = reports.create_report(
        reportType="GET_SALES_AND_TRAFFIC_REPORT",
        dataStartTime=(START - timedelta(days=3)).strftime("%Y-%m-%dT00:00:00Z"),
        dataEndTime=(START - timedelta(days=2)).strftime("%Y-%m-%dT00:00:00Z"),
        reportOptions={"dateGranularity": "DAY", "asinGranularity": "CHILD"},
    )
    report = reports.get_report(created.payload["reportId"]).payload
    assert report["processingStatus"] == "DONE"
    downloaded = reports.get_report_document(report["reportDocumentId"], download=True)
    content = json.loads(downloaded.payload["document"])
    assert problems(document("sellerSalesAndTrafficReport.json"), content) == []

    # Feeds: create document -> upload -> create feed -> poll -> processing report.
    feed_document = {
        "header": {"sellerId": SELLER, "version": "2.0"},
        "messages": [
            {
                "messageId": 41,
                "sku": "WALK-1",
                "operationType": "PATCH",
                "productType": "PRODUCT",
                "patches": [
                    {
                        "op": "replace",
                        "path": "/attributes/fulfillment_availability",
                        "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": 9}],
                    }
                ],
            },
            {"messageId": 42, "sku": "WALK-2", "operationType": "PATCH"},
        ],
    }
    feeds = Feeds(**client)
    _, feed = feeds.submit_feed(
        "JSON_LISTINGS_FEED",
        io.BytesIO(json.dumps(feed_document).encode()),
        content_type="application/json; charset=UTF-8",
    )
    processed = feeds.get_feed(feed.payload["feedId"]).payload
    assert processed["processingStatus"] == "DONE"
    result = json.loads(feeds.get_feed_result_document(processed["resultFeedDocumentId"]))
    assert problems(document("listings-feed-processing-report-schema-v2.json"), result) == []
    assert [i["messageId"] for i in result["issues"]] == [42]

    # Listings Items: patch, get with includedData, search.
    listings = ListingsItems(**client)
    patched = listings.patch_listings_item(
        SELLER,
        "WALK-3",
        body={
            "productType": "PRODUCT",
            "patches": [
                {
                    "op": "replace",
                    "path": "/attributes/purchasable_offer",
                    "value": [
                        {
                            "marketplace_id": US,
                            "currency": "USD",
                            "our_price": [{"schedule": [{"value_with_tax": 14.5}]}],
                        }
                    ],
                }
            ],
        },
    )
    assert patched.payload["status"] == "ACCEPTED"
    item = listings.get_listings_item(SELLER, "WALK-1", includedData="summaries,offers")
    assert item.payload["summaries"][0]["productType"] == "PRODUCT"
    found = listings.search_listings_items(SELLER, pageSize=1, sortBy="sku", sortOrder="ASC")
    assert found.payload["numberOfResults"] == 2
    following = listings.search_listings_items(
        SELLER, pageSize=1, sortBy="sku", sortOrder="ASC", pageToken=found.next_token
    )
    assert [i["sku"] for i in found.payload["items"] + following.payload["items"]] == [
        "WALK-1",
        "WALK-3",
    ]

    # FBA inventory summaries with paging.
    inventory = Inventories(**client).get_inventory_summary_marketplace(details=True)
    assert inventory.payload["inventorySummaries"]


def test_python_amazon_sp_api_sees_amazons_throttling_and_refusals(
    amazon: Amazon, clock: SandboxClock
) -> None:
    client = _sp_sign_in(amazon)
    listings = ListingsItems(**client)
    throttled = None
    for _ in range(40):  # getListingsItem: 5 requests/s, burst 10; the clock stands still
        try:
            listings.get_listings_item(SELLER, "NONE")
        except SellingApiRequestThrottledException as error:
            throttled = error
            break
        except SellingApiException:
            continue  # 404: no such SKU
    assert throttled is not None
    assert throttled.code == 429
    assert throttled.error[0]["code"] == "QuotaExceeded"
    assert "x-amzn-RateLimit-Limit" not in throttled.headers
    amazon.faults(
        {
            "kind": "forbidden",
            "error": "missing_role",
            "account": "us-seller",
            "operation": "getOrders",
        }
    )
    with pytest.raises(SellingApiForbiddenException):
        Orders(**client).get_orders(CreatedAfter="2025-12-01T00:00:00Z")


def _ads_sign_in(amazon: Amazon) -> tuple[dict[str, str], Any]:
    """A seller allows on the Ads consent page; the library exchanges the code and
    refreshes, with its own LWA client pointed at the sandbox."""
    code = amazon.ads_code("us-seller")
    credentials = {
        "refresh_token": "",
        "client_id": amazon.settings.ads_client_id,
        "client_secret": amazon.settings.ads_client_secret.reveal(),
    }
    lwa = AdsLwa(credentials=credentials)
    lwa.scheme, lwa.host = "http://", amazon.base.removeprefix("http://")
    tokens = lwa.authorize_auth_code(code)  # sends no redirect_uri: LWA accepts that
    credentials["refresh_token"] = tokens["refresh_token"]
    refreshing = AdsLwa(credentials=credentials)
    refreshing.scheme, refreshing.host = lwa.scheme, lwa.host
    access_token = refreshing.get_auth().access_token
    return credentials, SimpleNamespace(endpoint=amazon.base), access_token


def test_python_amazon_ad_api_walks_profiles_campaigns_and_reporting(amazon: Amazon) -> None:
    credentials, marketplace, token = _ads_sign_in(amazon)
    ads = {"marketplace": marketplace, "access_token": token}

    profiles = Profiles(credentials=credentials, verify_additional_credentials=False, **ads)
    profiles = profiles.list_profiles().payload
    assert profiles[0]["accountInfo"]["id"] == SELLER
    scoped = {**credentials, "profile_id": str(profiles[0]["profileId"])}

    campaigns = CampaignsV3(credentials=scoped, **ads).list_campaigns(body="{}").payload
    assert campaigns["campaigns"][0]["budget"]["budgetType"] == "DAILY"

    reports = Reports(credentials=scoped, **ads)
    end = (START - timedelta(days=2)).date().isoformat()
    body = sp_campaigns_report((START - timedelta(days=8)).date().isoformat(), end)
    report_id = reports.post_report(body=json.dumps(body)).payload["reportId"]
    status = reports.get_report(report_id).payload
    assert status["status"] == "COMPLETED"
    rows = reports.download_report(url=status["url"], format="data").payload
    assert rows
    assert rows[-1]["date"] == end

    with pytest.raises(AdvertisingApiException) as refused:
        CampaignsV3(credentials={**credentials, "profile_id": "1"}, **ads).list_campaigns(body="{}")
    assert refused.value.code == 401

    amazon.faults({"kind": "throttle", "target": "ads", "count": 1})
    with pytest.raises(AdvertisingApiTooManyRequestsException) as throttled:
        Profiles(
            credentials=credentials, verify_additional_credentials=False, **ads
        ).list_profiles()
    assert throttled.value.headers["Retry-After"] == "1"
