"""The Orders API (v0) in the sandbox: `GET /orders/v0/orders` (getOrders,
models/ordersV0.json)."""

from __future__ import annotations

import base64
import json
import math
from datetime import datetime, timedelta
from typing import Any

from adapters.amazon import regions
from adapters.amazon.sandbox.core import SandboxCore
from adapters.amazon.sandbox.replies import Reply, json_reply, sp_error


class OrdersApi(SandboxCore):
    def orders(
        self,
        access_token: str | None,
        marketplace_ids: str | None,
        updated_after: str | None,
        updated_before: str | None,
        next_token: str | None,
    ) -> Reply:
        """`GET /orders/v0/orders` (getOrders) by LastUpdatedAfter/Before: sellerlink's sync
        windows read it. Every participating marketplace has one order updated on each whole
        hour, so a window of N hours holds N orders; 100 orders a page, then NextToken."""
        operation = "getOrders"
        scenario, error = self.sp_call(access_token, operation)
        if error is not None or scenario is None:
            return error or sp_error(500, "InternalFailure", "")
        headers = self.rate_header(operation)
        ids = [m for m in (marketplace_ids or "").split(",") if m]
        if len(ids) != 1 or ids[0] not in regions.MARKETPLACES:
            return sp_error(
                400, "InvalidInput", "MarketplaceIds must name one marketplace.", **headers
            )
        if regions.MARKETPLACES[ids[0]].code not in scenario.participations:
            return sp_error(
                400,
                "InvalidInput",
                f"The seller is not registered in marketplace {ids[0]}.",
                **headers,
            )
        try:
            if next_token:
                # Amazon's NextToken stands for the whole query; the other filters are not
                # sent again.
                saved = json.loads(base64.urlsafe_b64decode(next_token))
                updated_after, updated_before = saved["after"], saved["before"]
                offset = int(saved["offset"])
            else:
                offset = 0
            after = datetime.fromisoformat((updated_after or "").replace("Z", "+00:00"))
            before = datetime.fromisoformat((updated_before or "").replace("Z", "+00:00"))
        except (ValueError, KeyError, TypeError):
            return sp_error(
                400,
                "InvalidInput",
                "LastUpdatedAfter and LastUpdatedBefore are ISO 8601 dates.",
                **headers,
            )
        first = after.replace(minute=0, second=0, microsecond=0)
        if first < after:
            first += timedelta(hours=1)
        hours = max(0, math.ceil((before - first).total_seconds() / 3600))
        page = []
        for index in range(offset, min(hours, offset + 100)):
            at = first + timedelta(hours=index)
            page.append(
                {
                    "AmazonOrderId": f"{scenario.selling_partner_id[-6:]}-{int(at.timestamp())}",
                    "PurchaseDate": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "LastUpdateDate": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "OrderStatus": "Shipped",
                    "MarketplaceId": ids[0],
                }
            )
        payload: dict[str, Any] = {"Orders": page, "LastUpdatedBefore": updated_before}
        if offset + 100 < hours:
            saved = {"after": updated_after, "before": updated_before, "offset": offset + 100}
            payload["NextToken"] = base64.urlsafe_b64encode(json.dumps(saved).encode()).decode()
        return json_reply(200, {"payload": payload}, **headers)
