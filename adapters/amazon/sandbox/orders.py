"""The Orders API (v0) in the sandbox: `GET /orders/v0/orders` (getOrders,
models/ordersV0.json; 0.0167 req/s, burst 20).

Amazon's rules, from the model: one of `CreatedAfter` / `LastUpdatedAfter` is required (not
both); `LastUpdatedBefore` goes with `LastUpdatedAfter` only and `CreatedBefore` with
`CreatedAfter` only; a Before must not be earlier than its After and must be at least two
minutes before now; 1 to 50 `MarketplaceIds`; `MaxResultsPerPage` 1..100 (default 100);
`NextToken` stands for the whole query (the other filters are not sent again).

Deterministic data that grows with the sandbox clock: every marketplace a seller
participates in has one order placed on each whole hour (its `PurchaseDate`), last updated
30 minutes later (`LastUpdateDate`), so a window of N hours holds N orders per marketplace.
Order ids have Amazon's 3-7-7 digit shape and derive from (seller, marketplace, hour).
Vendors sell to Amazon, not to buyers: a vendor's token has no Orders role (403).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
from datetime import UTC, datetime, timedelta
from typing import Any

from adapters.amazon import regions
from adapters.amazon.sandbox.core import SandboxCore
from adapters.amazon.sandbox.replies import Reply, json_reply, sp_error
from adapters.amazon.sandbox.scenarios import Scenario

MAX_MARKETPLACES = 50
MAX_PAGE = 100
# ordersV0.json: a Before "must be ... at least two minutes before current time".
BEFORE_LAG = timedelta(minutes=2)
UPDATE_DELAY = timedelta(minutes=30)
HOUR = timedelta(hours=1)
_CURRENCY_AMOUNTS = (19.99, 34.5, 12.0, 58.25, 7.49)


def order_id(seller: str, marketplace_id: str, placed: datetime) -> str:
    """Amazon's 3-7-7 digit order id, stable for one seller, marketplace and hour."""
    digest = hashlib.sha256(f"{seller}|{marketplace_id}|{placed.isoformat()}".encode()).digest()
    number = int.from_bytes(digest[:12], "big")
    return f"{number % 1000:03d}-{(number // 1000) % 10**7:07d}-{(number // 10**10) % 10**7:07d}"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(value: str, name: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{name} is not an ISO 8601 date-time.") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


class OrdersApi(SandboxCore):
    def orders(
        self,
        access_token: str | None,
        query: dict[str, str | None],
    ) -> Reply:
        operation = "getOrders"
        scenario, error = self.sp_call(access_token, operation)
        if error is not None or scenario is None:
            return error or sp_error(500, "InternalFailure", "")
        if scenario.account_type == "vendor":
            return sp_error(403, "Unauthorized", "Access to requested resource is denied.")
        token = query.get("NextToken")
        try:
            if token:
                query = self._from_token(token)
            criteria = self._criteria(scenario, query)
        except ValueError as problem:
            return sp_error(400, "InvalidInput", str(problem))
        return self._page(scenario, criteria)

    def _from_token(self, token: str) -> dict[str, str | None]:
        try:
            saved = json.loads(base64.urlsafe_b64decode(token.encode("ascii")))
        except (ValueError, binascii.Error, UnicodeEncodeError):
            raise ValueError("Invalid NextToken.") from None
        if not isinstance(saved, dict):
            raise ValueError("Invalid NextToken.")
        return {str(k): (None if v is None else str(v)) for k, v in saved.items()}

    def _criteria(self, scenario: Scenario, query: dict[str, str | None]) -> dict[str, Any]:
        now = self.now()
        ids = [m for m in (query.get("MarketplaceIds") or "").split(",") if m]
        if not 1 <= len(ids) <= MAX_MARKETPLACES:
            raise ValueError(f"MarketplaceIds takes 1 to {MAX_MARKETPLACES} marketplace ids.")
        for marketplace_id in ids:
            info = regions.MARKETPLACES.get(marketplace_id)
            if info is None:
                raise ValueError(f"Invalid MarketplaceId: {marketplace_id}.")
            if info.code not in scenario.participations:
                raise ValueError(f"The seller is not registered in marketplace {marketplace_id}.")
        created_after, updated_after = query.get("CreatedAfter"), query.get("LastUpdatedAfter")
        created_before, updated_before = query.get("CreatedBefore"), query.get("LastUpdatedBefore")
        if bool(created_after) == bool(updated_after):
            raise ValueError("Exactly one of CreatedAfter or LastUpdatedAfter is required.")
        if created_after and updated_before:
            raise ValueError("LastUpdatedBefore cannot be set when CreatedAfter is set.")
        if updated_after and created_before:
            raise ValueError("CreatedBefore cannot be set when LastUpdatedAfter is set.")
        by_update = bool(updated_after)
        after_name = "LastUpdatedAfter" if by_update else "CreatedAfter"
        before_name = "LastUpdatedBefore" if by_update else "CreatedBefore"
        after = _parse(str(updated_after or created_after), after_name)
        latest = now - BEFORE_LAG
        before_value = updated_before if by_update else created_before
        if before_value:
            before = _parse(before_value, before_name)
            if before > latest:
                raise ValueError(
                    f"{before_name} must be at least 2 minutes before the current time."
                )
            if before < after:
                raise ValueError(f"{before_name} must be equal to or after {after_name}.")
        else:
            before = latest
        size = query.get("MaxResultsPerPage") or str(MAX_PAGE)
        if not size.isdigit() or not 1 <= int(size) <= MAX_PAGE:
            raise ValueError(f"MaxResultsPerPage must be 1 to {MAX_PAGE}.")
        return {
            "ids": ids,
            "by_update": by_update,
            "after": after,
            "before": before,
            "before_sent": before_value,
            "size": int(size),
            "offset": int(query.get("_offset") or 0),
            "query": {k: v for k, v in query.items() if k not in ("NextToken", "_offset")},
        }

    def _page(self, scenario: Scenario, c: dict[str, Any]) -> Reply:
        shift = UPDATE_DELAY if c["by_update"] else timedelta(0)
        # Placed hours whose (update) time falls in [after, before].
        first = (c["after"] - shift).replace(minute=0, second=0, microsecond=0)
        if first + shift < c["after"]:
            first += HOUR
        hours = max(0, math.floor((c["before"] - shift - first) / HOUR) + 1)
        total = hours * len(c["ids"])
        orders = []
        for index in range(c["offset"], min(total, c["offset"] + c["size"])):
            hour, which = divmod(index, len(c["ids"]))
            orders.append(self.order(scenario, c["ids"][which], first + hour * HOUR))
        payload: dict[str, Any] = {"Orders": orders}
        if c["by_update"]:
            payload["LastUpdatedBefore"] = _iso(c["before"])
        else:
            payload["CreatedBefore"] = _iso(c["before"])
        if c["offset"] + c["size"] < total:
            saved = {**c["query"], "_offset": str(c["offset"] + c["size"])}
            if not c["before_sent"]:
                saved["LastUpdatedBefore" if c["by_update"] else "CreatedBefore"] = _iso(
                    c["before"]
                )
            payload["NextToken"] = base64.urlsafe_b64encode(json.dumps(saved).encode()).decode()
        return json_reply(200, {"payload": payload})

    def order(self, scenario: Scenario, marketplace_id: str, placed: datetime) -> dict[str, Any]:
        """One order as ordersV0.json's `Order` (no buyer PII: that is restricted data)."""
        info = regions.MARKETPLACES[marketplace_id]
        hour = int(placed.timestamp() // 3600)
        amount = _CURRENCY_AMOUNTS[hour % len(_CURRENCY_AMOUNTS)]
        items = 1 + hour % 3
        return {
            "AmazonOrderId": order_id(scenario.selling_partner_id, marketplace_id, placed),
            "PurchaseDate": _iso(placed),
            "LastUpdateDate": _iso(placed + UPDATE_DELAY),
            "OrderStatus": "Shipped",
            "FulfillmentChannel": "AFN" if hour % 2 else "MFN",
            "SalesChannel": info.name,
            "OrderTotal": {"CurrencyCode": info.currency, "Amount": f"{amount * items:.2f}"},
            "NumberOfItemsShipped": items,
            "NumberOfItemsUnshipped": 0,
            "PaymentMethod": "Other",
            "PaymentMethodDetails": ["Standard"],
            "MarketplaceId": marketplace_id,
            "ShipmentServiceLevelCategory": "Standard",
            "OrderType": "StandardOrder",
            "EarliestShipDate": _iso(placed),
            "LatestShipDate": _iso(placed + timedelta(days=2)),
            "IsBusinessOrder": False,
            "IsPrime": False,
            "IsPremiumOrder": False,
            "IsGlobalExpressEnabled": False,
            "IsReplacementOrder": False,
            "IsSoldByAB": False,
            "IsISPU": False,
            "IsAccessPointOrder": False,
            "HasRegulatedItems": False,
        }
