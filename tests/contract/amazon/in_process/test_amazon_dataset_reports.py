"""sellerlink's side of the Reports API (adapters/amazon/reports.py): the `sales_traffic`
dataset fetched from the in-process sandbox with the account's own token, as the sync asks
for it: a seller's GET_SALES_AND_TRAFFIC_REPORT by child ASIN, a Vendor Central vendor's
sales and traffic reports joined per ASIN and day, one day per report."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from adapters.amazon.regions import marketplace_id
from adapters.amazon.sandbox.in_process import InProcessAmazon
from application.ports import DatasetSource
from domain.connection import AccountType, Region
from domain.records import Dataset
from domain.secret import Secret

US = marketplace_id("US")
DAY = datetime(2026, 1, 4, tzinfo=UTC)


def _sales_traffic(amazon: InProcessAmazon, account: str, kind: AccountType) -> list[dict]:
    token = Secret(amazon.sp_api_token(account))
    partner = amazon.sandbox.scenarios[account].selling_partner_id
    source = DatasetSource(
        Dataset.SALES_TRAFFIC, Region.NA, kind, US, DAY, DAY + timedelta(days=1), partner
    )
    fetched = amazon.fetch_dataset(source, token)
    try:
        assert fetched.pending is None  # the sandbox prepares reports at once
        found = list(fetched.records)
    finally:
        fetched.close()
    assert len({r.key for r in found}) == len(found)
    assert all(r.as_of == DAY for r in found)
    return [json.loads(r.payload) for r in found]


def test_a_vendor_central_vendor_gets_its_sales_and_traffic_per_asin_and_day(
    amazon: InProcessAmazon,
) -> None:
    rows = _sales_traffic(amazon, "vendor-central", AccountType.VENDOR)
    assert rows
    assert {r["date"] for r in rows} == {"2026-01-04"}
    joined = [r for r in rows if r["sales"] and r["traffic"]]
    assert joined, "sales and traffic of the same ASIN and day are one record"
    assert all(r["sales"]["asin"] == r["traffic"]["asin"] == r["asin"] for r in joined)
    assert any(r["sales"]["shippedUnits"] > 0 for r in joined)
    assert any(r["traffic"]["glanceViews"] > 0 for r in joined)
    asked = [
        e.request.param("reportType") or json.loads(e.request.body or b"{}").get("reportType")
        for e in amazon.exchanges
        if e.operation == "createReport"
    ]
    assert sorted(asked) == ["GET_VENDOR_SALES_REPORT", "GET_VENDOR_TRAFFIC_REPORT"]


def test_a_seller_gets_sales_and_traffic_by_child_asin(amazon: InProcessAmazon) -> None:
    rows = _sales_traffic(amazon, "us-seller", AccountType.SELLER)
    assert rows
    assert all(r["date"] == "2026-01-04" and r["childAsin"] for r in rows)
    assert all({"salesByAsin", "trafficByAsin"} <= set(r) for r in rows)
