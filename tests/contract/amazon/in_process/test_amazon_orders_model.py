"""getOrders as Amazon's Orders v0 model says (models/ordersV0.json): one of CreatedAfter /
LastUpdatedAfter, a Before at least two minutes old, up to 50 marketplaces, 3-7-7 order ids,
NextToken paging, every answer valid against the model."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from adapters.amazon.regions import marketplace_id
from adapters.amazon.sandbox.in_process import IN_PROCESS_BASE_URL, InProcessAmazon
from application.ports import DatasetSource
from domain.connection import AccountType, Region
from domain.records import Dataset
from domain.secret import Secret
from tests.contract.amazon.amazon_models import definition, operation, problems

RESPONSE = definition("ordersV0.json", "GetOrdersResponse")
ORDER_ID = re.compile(r"^\d{3}-\d{7}-\d{7}$")
US = marketplace_id("US")


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _get(amazon: InProcessAmazon, token: str, **params: Any) -> httpx.Response:
    response = amazon.http.get(
        f"{IN_PROCESS_BASE_URL}/orders/v0/orders",
        params=params,
        headers={"x-amz-access-token": token},
    )
    assert problems(RESPONSE, response.json()) == []
    return response


def _error(response: httpx.Response) -> str:
    assert response.status_code == 400, response.text
    return str(response.json()["errors"][0]["message"])


def test_a_window_ending_less_than_two_minutes_ago_is_refused(amazon, clock) -> None:
    token = amazon.sp_api_token("us-seller")
    now = clock.now()
    late, settled = (
        _get(
            amazon,
            token,
            MarketplaceIds=US,
            LastUpdatedAfter=_iso(now - timedelta(hours=3)),
            LastUpdatedBefore=_iso(now - ago),
        )
        for ago in (timedelta(seconds=60), timedelta(minutes=2))
    )
    assert "2 minutes" in _error(late)
    assert settled.status_code == 200
    assert len(settled.json()["payload"]["Orders"]) == 3


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"CreatedAfter": "2026-01-05T01:00:00Z", "LastUpdatedAfter": "2026-01-05T01:00:00Z"},
        {"CreatedAfter": "2026-01-05T01:00:00Z", "LastUpdatedBefore": "2026-01-05T02:00:00Z"},
        {"LastUpdatedAfter": "2026-01-05T01:00:00Z", "CreatedBefore": "2026-01-05T02:00:00Z"},
        {"LastUpdatedAfter": "2026-01-05T03:00:00Z", "LastUpdatedBefore": "2026-01-05T02:00:00Z"},
        {"CreatedAfter": "yesterday"},
        {"CreatedAfter": "2026-01-05T01:00:00Z", "MaxResultsPerPage": "101"},
    ],
)
def test_the_models_date_rules_are_enforced(amazon, params: dict[str, str]) -> None:
    token = amazon.sp_api_token("us-seller")
    assert _error(_get(amazon, token, MarketplaceIds=US, **params))


def test_up_to_fifty_marketplaces_and_no_more(amazon, clock) -> None:
    token = amazon.sp_api_token("multi-profile-seller")
    ids = [marketplace_id(c) for c in ("US", "CA", "MX")]
    after = _iso(clock.now() - timedelta(hours=2))
    both = _get(amazon, token, MarketplaceIds=",".join(ids), CreatedAfter=after)
    orders = both.json()["payload"]["Orders"]
    assert {o["MarketplaceId"] for o in orders} == set(ids)
    assert _error(_get(amazon, token, MarketplaceIds=",".join([US] * 51), CreatedAfter=after))
    parameters = operation("ordersV0.json", "/orders/v0/orders", "get")["parameters"]
    assert next(p for p in parameters if p["name"] == "MarketplaceIds")["maxItems"] == 50


def test_orders_have_amazons_id_format_and_page_with_next_token(amazon, clock) -> None:
    clock.advance(timedelta(days=10))
    token = amazon.sp_api_token("us-seller")
    first = _get(
        amazon,
        token,
        MarketplaceIds=US,
        LastUpdatedAfter=_iso(clock.now() - timedelta(days=10)),
        MaxResultsPerPage="100",
    ).json()["payload"]
    pages, seen = 1, [o["AmazonOrderId"] for o in first["Orders"]]
    token_ = first.get("NextToken")
    while token_:
        clock.advance(timedelta(minutes=1))  # getOrders: 0.0167 req/s once the burst is used
        page = _get(amazon, token, MarketplaceIds=US, NextToken=token_).json()["payload"]
        seen += [o["AmazonOrderId"] for o in page["Orders"]]
        token_ = page.get("NextToken")
        pages += 1
    assert pages == 3
    assert len(seen) == len(set(seen)) == 10 * 24  # one order an hour
    assert all(ORDER_ID.match(order_id) for order_id in seen)


def test_orders_grow_with_the_sandbox_clock(amazon, clock) -> None:
    token = amazon.sp_api_token("us-seller")
    after = _iso(clock.now())
    before = len(
        _get(amazon, token, MarketplaceIds=US, CreatedAfter=after).json()["payload"]["Orders"]
    )
    clock.advance(timedelta(hours=5))
    token = amazon.sp_api_token("us-seller")  # the first one lived an hour
    later = _get(amazon, token, MarketplaceIds=US, CreatedAfter=after).json()["payload"]["Orders"]
    assert len(later) == before + 5


def test_a_vendor_has_no_orders_role(amazon, clock) -> None:
    token = amazon.sp_api_token("vendor")
    response = _get(amazon, token, MarketplaceIds=US, CreatedAfter=_iso(clock.now()))
    assert response.status_code == 403


def test_sellerlinks_sync_window_is_accepted_and_counted(amazon, clock) -> None:
    clock.advance(timedelta(hours=6))
    token = amazon.sp_api_token("us-seller")
    end = clock.now() - timedelta(minutes=2)
    source = DatasetSource(
        Dataset.ORDERS, Region.NA, AccountType.SELLER, US, end - timedelta(hours=4), end
    )
    window = list(amazon.fetch_dataset(source, Secret(token)).records)
    assert len(window) == 4
    sent = amazon.exchanges[-1].request
    assert sent.param("LastUpdatedAfter") == _iso(end - timedelta(hours=4))
    assert sent.param("LastUpdatedBefore") == _iso(end)
    assert sent.param("CreatedAfter") is None
