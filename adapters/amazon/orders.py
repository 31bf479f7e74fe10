"""The `orders` dataset (docs/amazon-datasets.md) from the Orders API v0: getOrders by
LastUpdatedAfter/Before (0.0167 req/s, burst 20), page by page with NextToken. One record per
order, keyed by AmazonOrderId, as Amazon sent it (no restricted data token is asked for, so
Amazon sends no buyer PII)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from adapters.amazon.sp_api import PagedDataset, amazon_time, record_text
from application.ports import DatasetSource
from domain.records import IncomingRecord


def _params(source: DatasetSource, next_token: str | None) -> dict[str, str]:
    """The orders updated in [start, end); a next page is asked by its token alone."""
    if next_token is not None:
        return {"MarketplaceIds": source.marketplace_id, "NextToken": next_token}
    return {
        "MarketplaceIds": source.marketplace_id,
        "LastUpdatedAfter": amazon_time(source.start),
        "LastUpdatedBefore": amazon_time(source.end),
    }


def _read(body: Any) -> tuple[list[IncomingRecord], str | None]:
    payload = body["payload"]
    if not isinstance(payload, dict):
        raise TypeError(payload)
    records = [
        IncomingRecord(
            str(order["AmazonOrderId"]), record_text(order), _instant(order.get("LastUpdateDate"))
        )
        for order in payload.get("Orders") or []
    ]
    return records, payload.get("NextToken") or None


def _instant(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return None


ORDERS = PagedDataset("/orders/v0/orders", "getOrders", "SP-API orders", 50, _params, _read)
