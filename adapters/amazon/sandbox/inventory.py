"""FBA inventory in the sandbox: `GET /fba/inventory/v1/summaries` (getInventorySummaries,
models/fbaInventory.json; 2 req/s, burst 2), Marketplace granularity.

Each seller has SKUS_PER_MARKETPLACE FBA SKUs per participating marketplace, 50 a page
(`nextToken`). Quantities change every day of the sandbox clock, and every seventh SKU is
out of the catalogue on odd weeks, so a snapshot can lose a SKU and get it back (records'
"gone -> deleted"). Vendors have no FBA inventory (403).
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any

from adapters.amazon import regions
from adapters.amazon.sandbox import report_data
from adapters.amazon.sandbox.core import SandboxCore
from adapters.amazon.sandbox.replies import Reply, json_reply, sp_error
from adapters.amazon.sandbox.scenarios import Scenario

SKUS_PER_MARKETPLACE = 60
PAGE_SIZE = 50


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class InventoryApi(SandboxCore):
    def inventory_summaries(self, access_token: str | None, query: dict[str, str | None]) -> Reply:
        scenario, error = self.sp_call(access_token, "getInventorySummaries")
        if error is not None or scenario is None:
            return error or sp_error(500, "InternalFailure", "")
        if scenario.account_type == "vendor":
            return sp_error(403, "Unauthorized", "Access to requested resource is denied.")
        if query.get("granularityType") != "Marketplace":
            return sp_error(400, "InvalidInput", "granularityType must be Marketplace.")
        marketplace_id = query.get("granularityId") or ""
        ids = [m for m in (query.get("marketplaceIds") or "").split(",") if m]
        if ids != [marketplace_id]:
            return sp_error(
                400, "InvalidInput", "marketplaceIds must name the granularityId marketplace."
            )
        info = regions.MARKETPLACES.get(marketplace_id)
        if info is None or info.code not in scenario.participations:
            return sp_error(400, "InvalidInput", f"Invalid marketplaceId: {marketplace_id}.")
        offset = 0
        token = query.get("nextToken")
        if token:
            try:
                offset = int(base64.urlsafe_b64decode(token.encode()).decode())
            except (ValueError, binascii.Error, UnicodeEncodeError):
                return sp_error(400, "InvalidInput", "Invalid nextToken.")
        wanted = {s for s in (query.get("sellerSkus") or "").split(",") if s}
        summaries = [
            s
            for s in self.fba_inventory(scenario, marketplace_id, query.get("details") == "true")
            if not wanted or s["sellerSku"] in wanted
        ]
        page = summaries[offset : offset + PAGE_SIZE]
        body: dict[str, Any] = {
            "payload": {
                "granularity": {"granularityType": "Marketplace", "granularityId": marketplace_id},
                "inventorySummaries": page,
            }
        }
        if offset + PAGE_SIZE < len(summaries):
            next_token = base64.urlsafe_b64encode(str(offset + PAGE_SIZE).encode()).decode()
            body["pagination"] = {"nextToken": next_token}
        return json_reply(200, body)

    def fba_inventory(
        self, scenario: Scenario, marketplace_id: str, details: bool
    ) -> list[dict[str, Any]]:
        now = self.now()
        day, week = now.date().toordinal(), now.date().toordinal() // 7
        summaries = []
        for index in range(SKUS_PER_MARKETPLACE):
            if index % 7 == 3 and week % 2:
                continue  # out of the catalogue this week
            sku = f"FBA-{scenario.name.upper()[:6]}-{index:03d}"
            fulfillable = report_data.number(scenario.name, marketplace_id, sku, day) % 200
            summary: dict[str, Any] = {
                "asin": report_data.asin(scenario, index),
                "fnSku": f"X00{report_data.number(scenario.name, sku) % 10**7:07d}",
                "sellerSku": sku,
                "condition": "NewItem",
                "lastUpdatedTime": _iso(now.replace(hour=0, minute=0, second=0, microsecond=0)),
                "productName": f"{scenario.account_name} product {index}",
                "totalQuantity": fulfillable + 5,
            }
            if details:
                summary["inventoryDetails"] = {
                    "fulfillableQuantity": fulfillable,
                    "inboundWorkingQuantity": 0,
                    "inboundShippedQuantity": 5,
                    "inboundReceivingQuantity": 0,
                }
            summaries.append(summary)
        return summaries
