"""What the sandbox keeps per listing and how Amazon shows it (listingsItems_2021-08-01.json).

The sandbox keeps one record per (seller, marketplace, SKU): the attributes as patched (any
attribute, as sent), the quantity and price read from them, the product type and the
creation and update times. getListingsItem and searchListingsItems show that record in
Amazon's `Item` shape, section by section as `includedData` asks (default `summaries`):
`summaries`, `attributes`, `issues`, `offers`, `fulfillmentAvailability`, `productTypes`,
`relationships`, `procurement` (a vendor's; sellers have none).

searchListingsItems pages with Amazon's `pageSize` (default 10, at most 20) and opaque
`pageToken`s (`pagination.nextToken` / `previousToken`) that stand for the query they came
from: a token used with another seller, marketplace or order is refused.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

INCLUDED_DATA = (
    "summaries",
    "attributes",
    "issues",
    "offers",
    "fulfillmentAvailability",
    "procurement",
    "relationships",
    "productTypes",
)
DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 10, 20
SORT_BY = {"sku": "sku", "createdDate": "created_at", "lastUpdatedDate": "updated_at"}


class BadQuery(ValueError):
    """A query parameter Amazon refuses (400 InvalidInput)."""


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def new_record(seller_id: str, marketplace_id: str, sku: str, now: datetime) -> dict[str, Any]:
    return {
        "selling_partner_id": seller_id,
        "marketplace_id": marketplace_id,
        "sku": sku,
        "quantity": None,
        "price": None,
        "patches_received": 0,
        "attributes": {},
        "created_at": _iso(now),
        "updated_at": _iso(now),
    }


def apply_changes(
    record: dict[str, Any],
    changes: Mapping[str, Any],
    product_type: str,
    patches: int,
    now: datetime,
) -> None:
    """An accepted submission's changes (from `_apply_patch`) applied to the record."""
    for name, value in (changes.get("attributes") or {}).items():
        if value is None:
            record["attributes"].pop(name, None)
        else:
            record["attributes"][name] = value
    for key in ("quantity", "price"):
        if key in changes:
            record[key] = changes[key]
    record["product_type"] = product_type
    record["patches_received"] += patches
    record["updated_at"] = _iso(now)


def included(raw: str | None, allowed: Iterable[str] = INCLUDED_DATA) -> tuple[str, ...]:
    """`includedData` (comma-separated; default summaries), or BadQuery."""
    names = tuple(n for n in (raw or "summaries").split(",") if n)
    unknown = [n for n in names if n not in allowed]
    if unknown or not names:
        raise BadQuery(f"includedData: {', '.join(unknown) or 'empty'} is not one of Amazon's.")
    return names


def _asin(seller_id: str, sku: str) -> str:
    digest = hashlib.sha256(f"{seller_id}/{sku}".encode()).hexdigest().upper()
    return "B0" + digest[:8]


def _status(record: Mapping[str, Any]) -> list[str]:
    if record.get("price") is None:
        return []
    if (record.get("quantity") or 0) > 0:
        return ["BUYABLE", "DISCOVERABLE"]
    return ["DISCOVERABLE"]


def item(
    record: Mapping[str, Any], sections: Iterable[str], vendor: bool = False
) -> dict[str, Any]:
    """The record as Amazon's `Item`, with the sections asked for."""
    marketplace_id = record["marketplace_id"]
    product_type = record.get("product_type") or "PRODUCT"
    shown: dict[str, Any] = {"sku": record["sku"]}
    for section in sections:
        if section == "summaries":
            shown["summaries"] = [
                {
                    "marketplaceId": marketplace_id,
                    "asin": _asin(record["selling_partner_id"], record["sku"]),
                    "productType": product_type,
                    "conditionType": "new_new",
                    "status": _status(record),
                    "createdDate": record["created_at"],
                    "lastUpdatedDate": record["updated_at"],
                }
            ]
        elif section == "attributes":
            shown["attributes"] = dict(record.get("attributes") or {})
        elif section == "issues":
            shown["issues"] = []
        elif section == "offers":
            price = record.get("price")
            shown["offers"] = (
                [
                    {
                        "marketplaceId": marketplace_id,
                        "offerType": "B2C",
                        "price": {"currencyCode": price["currency"], "amount": price["amount"]},
                    }
                ]
                if price
                else []
            )
        elif section == "fulfillmentAvailability":
            quantity = record.get("quantity")
            shown["fulfillmentAvailability"] = (
                [{"fulfillmentChannelCode": "DEFAULT", "quantity": quantity}]
                if quantity is not None
                else []
            )
        elif section == "procurement":
            if vendor:
                shown["procurement"] = []
        elif section == "relationships":
            shown["relationships"] = [{"marketplaceId": marketplace_id, "relationships": []}]
        elif section == "productTypes":
            shown["productTypes"] = [{"marketplaceId": marketplace_id, "productType": product_type}]
    return shown


def page_size(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_PAGE_SIZE
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE_SIZE:
        raise BadQuery(f"pageSize must be a whole number from 1 to {MAX_PAGE_SIZE}.")
    return int(raw)


def sort_key(sort_by: str | None, sort_order: str | None) -> tuple[str, bool]:
    """(record field, descending); Amazon's default: lastUpdatedDate, DESC."""
    by = sort_by or "lastUpdatedDate"
    order = sort_order or "DESC"
    if by not in SORT_BY or order not in ("ASC", "DESC"):
        raise BadQuery("sortBy is sku, createdDate or lastUpdatedDate; sortOrder ASC or DESC.")
    return SORT_BY[by], order == "DESC"


def _query_hash(query: tuple[str, ...]) -> str:
    return hashlib.sha256("\x1f".join(query).encode()).hexdigest()[:16]


def page_token(offset: int, query: tuple[str, ...]) -> str:
    raw = json.dumps({"o": offset, "q": _query_hash(query)}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def read_page_token(token: str | None, query: tuple[str, ...]) -> int:
    """The offset a `pageToken` stands for; BadQuery for one from another query."""
    if token is None:
        return 0
    try:
        body = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        offset, made_for = body["o"], body["q"]
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise BadQuery("pageToken is not one Amazon gave.") from None
    if not isinstance(offset, int) or offset < 0 or made_for != _query_hash(query):
        raise BadQuery("pageToken belongs to another query.")
    return offset
