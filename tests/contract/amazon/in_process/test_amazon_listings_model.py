"""The Listings Items API as Amazon's model says (listingsItems_2021-08-01.json): every
answer valid against its definition; getListingsItem shows Amazon's `Item` (summaries by
default, the other sections only when `includedData` asks); issues carry `categories`;
searchListingsItems honours `pageSize` and pages with `pageToken`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from adapters.amazon.regions import marketplace_id
from adapters.amazon.sandbox.in_process import IN_PROCESS_BASE_URL, InProcessAmazon
from bootstrap.system import SettableClock
from tests.contract.amazon.amazon_models import modelled_call

US = marketplace_id("US")
SELLER = "A1SBXUSSELLER01"
ITEMS = f"{IN_PROCESS_BASE_URL}/listings/2021-08-01/items/{SELLER}"
MODEL = "listingsItems_2021-08-01.json"


@pytest.fixture
def token(amazon: InProcessAmazon) -> str:
    return amazon.sp_api_token("us-seller")


def _call(
    amazon: InProcessAmazon, method: str, url: str, token: str, name: str, **kw: Any
) -> httpx.Response:
    return modelled_call(amazon.http, MODEL, method, url, token, name, **kw)


def _patch(
    amazon: InProcessAmazon, token: str, sku: str, quantity: object, price: object = 12.5, **q: str
) -> httpx.Response:
    """One PATCH, a fifth of a second after the last: within Amazon's 5 requests/s."""
    amazon.sandbox.clock.advance(timedelta(seconds=0.2))  # type: ignore[attr-defined]
    patches = [
        {
            "op": "replace",
            "path": "/attributes/fulfillment_availability",
            "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": quantity}],
        },
        {
            "op": "replace",
            "path": "/attributes/purchasable_offer",
            "value": [
                {
                    "marketplace_id": US,
                    "currency": "USD",
                    "our_price": [{"schedule": [{"value_with_tax": price}]}],
                }
            ],
        },
    ]
    return _call(
        amazon,
        "PATCH",
        f"{ITEMS}/{quote(sku, safe='')}",
        token,
        "ListingsItemSubmissionResponse",
        params={"marketplaceIds": US, **q},
        json={"productType": "PRODUCT", "patches": patches},
    )


def _get(amazon: InProcessAmazon, token: str, sku: str, **q: str) -> httpx.Response:
    return _call(
        amazon,
        "GET",
        f"{ITEMS}/{quote(sku, safe='')}",
        token,
        "Item",
        params={"marketplaceIds": US, **q},
    )


def test_get_listings_item_shows_amazons_summaries_by_default(
    amazon: InProcessAmazon, token: str, clock: SettableClock
) -> None:
    assert _patch(amazon, token, "MUG-1", 4).json()["status"] == "ACCEPTED"
    item = _get(amazon, token, "MUG-1").json()
    assert set(item) == {"sku", "summaries"}
    (summary,) = item["summaries"]
    assert summary["marketplaceId"] == US
    assert summary["productType"] == "PRODUCT"
    assert summary["status"] == ["BUYABLE", "DISCOVERABLE"]
    assert summary["createdDate"] == summary["lastUpdatedDate"] == "2026-01-05T09:00:00Z"
    clock.advance(timedelta(minutes=1))
    assert _patch(amazon, token, "MUG-1", 0).json()["status"] == "ACCEPTED"
    later = _get(amazon, token, "MUG-1").json()["summaries"][0]
    assert (later["createdDate"], later["lastUpdatedDate"]) == (
        "2026-01-05T09:00:00Z",
        "2026-01-05T09:01:00Z",
    )
    assert len(summary["asin"]) == 10


def test_included_data_chooses_the_sections(amazon: InProcessAmazon, token: str) -> None:
    _patch(amazon, token, "MUG-2", 0, 9.99)
    sections = "attributes,issues,offers,fulfillmentAvailability,productTypes,relationships"
    item = _get(amazon, token, "MUG-2", includedData=sections).json()
    assert set(item) == {"sku", *sections.split(",")}
    assert item["offers"] == [
        {
            "marketplaceId": US,
            "offerType": "B2C",
            "price": {"currencyCode": "USD", "amount": "9.99"},
        }
    ]
    assert item["fulfillmentAvailability"] == [{"fulfillmentChannelCode": "DEFAULT", "quantity": 0}]
    assert item["attributes"]["fulfillment_availability"][0]["quantity"] == 0
    assert item["productTypes"] == [{"marketplaceId": US, "productType": "PRODUCT"}]
    summary = _get(amazon, token, "MUG-2").json()["summaries"][0]
    assert summary["status"] == ["DISCOVERABLE"]  # priced, none in stock


def test_unknown_included_data_and_unknown_skus_are_refused_as_amazon_does(
    amazon: InProcessAmazon, token: str
) -> None:
    _patch(amazon, token, "MUG-3", 1)
    refused = _get(amazon, token, "MUG-3", includedData="summaries,everything")
    assert refused.status_code == 400
    assert _get(amazon, token, "NOPE").status_code == 404


def test_listing_issues_carry_categories(amazon: InProcessAmazon, token: str) -> None:
    answer_ = _patch(amazon, token, "BAD-1", -3, 0).json()
    assert answer_["status"] == "INVALID"
    categories = {tuple(i["attributeNames"]): i["categories"] for i in answer_["issues"]}
    assert categories == {
        ("fulfillment_availability",): ["INVALID_ATTRIBUTE"],
        ("purchasable_offer",): ["INVALID_PRICE"],
    }
    assert _get(amazon, token, "BAD-1").status_code == 404


def test_a_validation_preview_changes_nothing(amazon: InProcessAmazon, token: str) -> None:
    preview = _patch(amazon, token, "PREVIEW", 5, mode="VALIDATION_PREVIEW").json()
    assert preview["status"] == "VALID"
    assert _get(amazon, token, "PREVIEW").status_code == 404


def test_a_deleted_attribute_is_no_longer_shown(amazon: InProcessAmazon, token: str) -> None:
    _patch(amazon, token, "DEL-1", 6)
    deleted = _call(
        amazon,
        "PATCH",
        f"{ITEMS}/DEL-1",
        token,
        "ListingsItemSubmissionResponse",
        params={"marketplaceIds": US},
        json={
            "productType": "PRODUCT",
            "patches": [{"op": "delete", "path": "/attributes/fulfillment_availability"}],
        },
    ).json()
    assert deleted["status"] == "ACCEPTED"
    item = _get(amazon, token, "DEL-1", includedData="fulfillmentAvailability,attributes").json()
    assert item["fulfillmentAvailability"] == []
    assert "fulfillment_availability" not in item["attributes"]


def _search(amazon: InProcessAmazon, token: str, **q: str) -> httpx.Response:
    return _call(
        amazon, "GET", ITEMS, token, "ItemSearchResults", params={"marketplaceIds": US, **q}
    )


def test_search_pages_by_page_size_and_page_token(amazon: InProcessAmazon, token: str) -> None:
    for n in range(25):
        _patch(amazon, token, f"SKU-{n:02d}", n)
    first = _search(amazon, token, sortBy="sku", sortOrder="ASC").json()
    assert first["numberOfResults"] == 25
    assert [i["sku"] for i in first["items"]] == [f"SKU-{n:02d}" for n in range(10)]
    assert "previousToken" not in first["pagination"]
    seen = [i["sku"] for i in first["items"]]
    token_ = first["pagination"]["nextToken"]
    pages = 1
    while token_:
        page = _search(amazon, token, sortBy="sku", sortOrder="ASC", pageToken=token_).json()
        assert page["pagination"]["previousToken"]
        seen += [i["sku"] for i in page["items"]]
        token_ = page["pagination"].get("nextToken")
        pages += 1
    assert (pages, seen) == (3, [f"SKU-{n:02d}" for n in range(25)])
    small = _search(amazon, token, pageSize="20", includedData="offers").json()
    assert len(small["items"]) == 20
    assert set(small["items"][0]) == {"sku", "offers"}


@pytest.mark.parametrize(
    "query",
    [
        {"pageSize": "21"},
        {"pageSize": "0"},
        {"pageSize": "ten"},
        {"pageToken": "not-a-token"},
        {"sortBy": "price"},
        {"includedData": "nothing"},
    ],
)
def test_search_refuses_what_amazon_refuses(
    amazon: InProcessAmazon, token: str, query: dict[str, str]
) -> None:
    assert _search(amazon, token, **query).status_code == 400


def test_a_page_token_stands_for_its_own_query(amazon: InProcessAmazon, token: str) -> None:
    for n in range(12):
        _patch(amazon, token, f"T-{n}", 1)
    next_token = _search(amazon, token, sortBy="sku").json()["pagination"]["nextToken"]
    assert _search(amazon, token, sortBy="sku", pageToken=next_token).status_code == 200
    assert _search(amazon, token, sortBy="createdDate", pageToken=next_token).status_code == 400
