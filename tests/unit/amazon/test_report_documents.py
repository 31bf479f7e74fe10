"""Report documents are read as streams into records (adapters/amazon/documents.py): each
generated document is first held to Amazon's JSON Schema for it, then parsed."""

from __future__ import annotations

import gzip
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema

from adapters.amazon import documents

MODELS = Path(__file__).parents[2] / "contract" / "amazon" / "models"
DAY = date(2026, 11, 30)


def _valid(document: dict[str, Any], model: str) -> bytes:
    jsonschema.validate(document, json.loads((MODELS / model).read_text()))
    return gzip.compress(json.dumps(document).encode())


def _money(amount: float) -> dict[str, Any]:
    return {"amount": amount, "currencyCode": "USD"}


def test_a_sales_and_traffic_report_gives_one_record_per_child_asin_and_day() -> None:
    model = json.loads((MODELS / "sellerSalesAndTrafficReport.json").read_text())
    entry = {**model["definitions"]["SalesAndTrafficByAsin"]["examples"][0], "childAsin": "B01"}
    for part, definition in (("salesByAsin", "SalesByAsin"), ("trafficByAsin", "TrafficByAsin")):
        # Amazon's own example lacks some of the fields its schema requires: fill them.
        fields = model["definitions"][definition]
        for name in fields.get("required", []):
            kind = fields["properties"][name]
            entry[part].setdefault(name, _money(0.0) if "$ref" in kind else 0)
    document = {
        "reportSpecification": {
            "reportType": "GET_SALES_AND_TRAFFIC_REPORT",
            "reportOptions": {"dateGranularity": "DAY", "asinGranularity": "CHILD"},
            "dataStartTime": DAY.isoformat(),
            "dataEndTime": DAY.isoformat(),
            "marketplaceIds": ["ATVPDKIKX0DER"],
        },
        "salesAndTrafficByDate": [],
        "salesAndTrafficByAsin": [entry, {**entry, "childAsin": "B02"}],
    }
    raw = io.BytesIO(_valid(document, "sellerSalesAndTrafficReport.json"))
    found = list(documents.sales_and_traffic(documents.open_document(raw, "GZIP"), DAY))
    assert [r.key for r in found] == ["2026-11-30/B01", "2026-11-30/B02"]
    assert json.loads(found[0].payload) == {"date": "2026-11-30", **entry}
    assert found[0].as_of is not None
    assert found[0].as_of.date() == DAY


def test_vendor_sales_and_traffic_are_joined_per_asin_and_day() -> None:
    spec = {
        "lastUpdatedDate": DAY.isoformat(),
        "dataStartTime": DAY.isoformat(),
        "dataEndTime": DAY.isoformat(),
        "marketplaceIds": ["ATVPDKIKX0DER"],
    }
    day = {"startDate": DAY.isoformat(), "endDate": DAY.isoformat()}
    sales = {
        "reportSpecification": {
            "reportType": "GET_VENDOR_SALES_REPORT",
            "reportOptions": {
                "reportPeriod": "DAY",
                "distributorView": "MANUFACTURING",
                "sellingProgram": "RETAIL",
            },
            **spec,
        },
        "salesAggregate": [],
        "salesByAsin": [
            {
                **day,
                "asin": "B00VENDOR1",
                "shippedCogs": _money(10.0),
                "shippedRevenue": _money(20.0),
                "shippedUnits": 2,
            }
        ],
    }
    traffic = {
        "reportSpecification": {
            "reportType": "GET_VENDOR_TRAFFIC_REPORT",
            "reportOptions": {"reportPeriod": "DAY"},
            **spec,
        },
        "trafficAggregate": [],
        "trafficByAsin": [
            {**day, "asin": "B00VENDOR1", "glanceViews": 40},
            {**day, "asin": "B00VENDOR2", "glanceViews": 7},
        ],
    }
    sales_doc = documents.open_document(io.BytesIO(_valid(sales, "vendorSalesReport.json")), "GZIP")
    traffic_doc = documents.open_document(
        io.BytesIO(_valid(traffic, "vendorTrafficReport.json")), "GZIP"
    )
    found = {
        r.key: json.loads(r.payload)
        for r in documents.vendor_sales_and_traffic(sales_doc, traffic_doc)
    }
    assert set(found) == {"2026-11-30/B00VENDOR1", "2026-11-30/B00VENDOR2"}
    joined = found["2026-11-30/B00VENDOR1"]
    assert joined["sales"]["shippedUnits"] == 2
    assert joined["traffic"]["glanceViews"] == 40
    assert found["2026-11-30/B00VENDOR2"]["sales"] is None


def test_ads_report_rows_are_keyed_by_day_and_campaign() -> None:
    rows = [
        {"date": "2026-11-29", "campaignId": 101, "impressions": 1000, "clicks": 25, "cost": 12.5},
        {"date": "2026-11-30", "campaignId": 101, "impressions": 900, "clicks": 20, "cost": 10.0},
    ]
    raw = io.BytesIO(gzip.compress(json.dumps(rows).encode()))
    found = list(documents.ads_campaign_rows(documents.open_document(raw, "GZIP")))
    assert [r.key for r in found] == ["2026-11-29/101", "2026-11-30/101"]
    assert json.loads(found[1].payload) == rows[1]


def test_a_document_is_read_without_holding_it_whole() -> None:
    """The parser pulls from the stream: it yields the first record before the stream is
    read to its end."""
    entries = [
        {"childAsin": f"B{n:09d}", "salesByAsin": {}, "trafficByAsin": {}} for n in range(5000)
    ]
    text = json.dumps({"salesAndTrafficByAsin": entries}).encode()
    stream = io.BytesIO(text)
    records = documents.sales_and_traffic(stream, DAY)
    next(records)
    assert stream.tell() < len(text)
