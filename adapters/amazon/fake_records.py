"""The in-process stand-in's data (fake.py): deterministic objects in Amazon's shapes (the
models in tests/contract/amazon/models), growing with the clock, so the features and unit
tests see records appear, change and go without HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator, Set
from datetime import UTC, datetime, timedelta
from typing import Any

from application.ports import DatasetSource
from domain.connection import AccountType
from domain.records import Dataset, IncomingRecord

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
FAKE_SKUS = ("SKU-RED", "SKU-GREEN", "SKU-BLUE")


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _record(key: str, payload: dict[str, Any], as_of: datetime | None) -> IncomingRecord:
    return IncomingRecord(key, json.dumps(payload, separators=(",", ":")), as_of)


def _hours(start: datetime, end: datetime) -> Iterator[datetime]:
    at = start.replace(minute=0, second=0, microsecond=0)
    if at < start:
        at += HOUR
    while at < end:
        yield at
        at += HOUR


def _days(start: datetime, end: datetime) -> Iterator[datetime]:
    at = datetime(start.year, start.month, start.day, tzinfo=UTC)
    while at < end:
        yield at
        at += DAY


def fake_records(account: str, source: DatasetSource, gone: Set[str]) -> Iterator[IncomingRecord]:
    tag = (source.selling_partner_id or account)[-6:]
    if source.dataset is Dataset.ORDERS:
        for at in _hours(source.start, source.end):
            order_id = f"{tag}-{int(at.timestamp())}"
            yield _record(
                order_id,
                {
                    "AmazonOrderId": order_id,
                    "PurchaseDate": _iso(at - HOUR),
                    "LastUpdateDate": _iso(at),
                    "OrderStatus": "Shipped",
                    "MarketplaceId": source.marketplace_id,
                    "FulfillmentChannel": "AFN",
                    "OrderTotal": {"CurrencyCode": "EUR", "Amount": "19.99"},
                },
                at,
            )
    elif source.dataset is Dataset.SALES_TRAFFIC:
        for day in _days(source.start, source.end):
            for n, asin in enumerate((f"B0{tag}01", f"B0{tag}02"), start=1):
                date = day.date().isoformat()
                if source.account_type is AccountType.VENDOR:
                    payload: dict[str, Any] = {
                        "date": date,
                        "asin": asin,
                        "sales": {
                            "startDate": date,
                            "endDate": date,
                            "asin": asin,
                            "shippedCogs": {"amount": 10.0 * n, "currencyCode": "USD"},
                            "shippedRevenue": {"amount": 20.0 * n, "currencyCode": "USD"},
                            "shippedUnits": 2 * n,
                        },
                        "traffic": {
                            "startDate": date,
                            "endDate": date,
                            "asin": asin,
                            "glanceViews": 40 * n,
                        },
                    }
                else:
                    payload = {
                        "date": date,
                        "parentAsin": f"B0{tag}00",
                        "childAsin": asin,
                        "salesByAsin": {
                            "unitsOrdered": n,
                            "orderedProductSales": {"amount": 9.99 * n, "currencyCode": "EUR"},
                            "totalOrderItems": n,
                        },
                        "trafficByAsin": {"sessions": 10 * n, "pageViews": 15 * n},
                    }
                yield _record(f"{date}/{asin}", payload, day)
    elif source.dataset is Dataset.INVENTORY:
        for n, sku in enumerate(FAKE_SKUS, start=1):
            if sku in gone:
                continue
            yield _record(
                sku,
                {
                    "asin": f"B0{tag}0{n}",
                    "fnSku": f"X00{tag}{n}",
                    "sellerSku": sku,
                    "condition": "NewItem",
                    "productName": f"Product {sku}",
                    "totalQuantity": 10 * n,
                },
                None,
            )
    else:
        for day in _days(source.start, source.end):
            for campaign in (101, 102):
                date = day.date().isoformat()
                yield _record(
                    f"{date}/{campaign}",
                    {
                        "date": date,
                        "campaignId": campaign,
                        "campaignName": f"Campaign {campaign}",
                        "campaignStatus": "ENABLED",
                        "impressions": 1000,
                        "clicks": 25,
                        "cost": 12.5,
                        "purchases7d": 3,
                        "sales7d": 59.97,
                    },
                    day,
                )
