"""The `orders` dataset (docs/amazon-datasets.md) from the Orders API v0: getOrders by
LastUpdatedAfter/Before (0.0167 req/s, burst 20), page by page with NextToken. One record per
order, keyed by AmazonOrderId, as Amazon sent it (no restricted data token is asked for, so
Amazon sends no buyer PII)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from adapters.amazon.sp_api import SpApiClient, amazon_time, record_text
from application.ports import DatasetSource
from domain.errors import AmazonUnavailable
from domain.records import IncomingRecord
from domain.secret import Secret

ORDERS_PATH = "/orders/v0/orders"
MAX_SYNC_PAGES = 50


def orders(
    sp_api: SpApiClient, source: DatasetSource, access_token: Secret
) -> list[IncomingRecord]:
    """The marketplace's orders updated in [start, end)."""
    label = "SP-API orders"
    found: list[IncomingRecord] = []
    next_token: str | None = None
    for _ in range(MAX_SYNC_PAGES):
        params = {"MarketplaceIds": source.marketplace_id}
        if next_token is None:
            params |= {
                "LastUpdatedAfter": amazon_time(source.start),
                "LastUpdatedBefore": amazon_time(source.end),
            }
        else:
            params["NextToken"] = next_token
        body = sp_api.window_call(
            source, "GET", ORDERS_PATH, access_token, "getOrders", params=params, label=label
        )
        if not isinstance(body, dict) or not isinstance(body.get("payload"), dict):
            raise AmazonUnavailable(f"{label}: Amazon answered an unexpected body.")
        payload = body["payload"]
        try:
            for order in payload.get("Orders") or []:
                found.append(
                    IncomingRecord(
                        str(order["AmazonOrderId"]),
                        record_text(order),
                        _instant(order.get("LastUpdateDate")),
                    )
                )
            next_token = payload.get("NextToken") or None
        except (KeyError, TypeError, AttributeError):
            raise AmazonUnavailable(f"{label}: Amazon answered an unexpected body.") from None
        if next_token is None:
            return found
    raise AmazonUnavailable(f"{label}: more than {MAX_SYNC_PAGES} pages in one window.")


def _instant(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return None
