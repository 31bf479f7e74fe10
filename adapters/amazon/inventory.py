"""The `inventory` dataset (docs/amazon-datasets.md) from the FBA Inventory API: the
snapshot of getInventorySummaries (2 req/s, burst 2) with granularityType Marketplace and
details, every page; one record per sellerSku."""

from __future__ import annotations

from adapters.amazon.sp_api import SpApiClient, record_text
from application.ports import DatasetSource
from domain.errors import AmazonUnavailable
from domain.records import IncomingRecord
from domain.secret import Secret

INVENTORY_PATH = "/fba/inventory/v1/summaries"
MAX_INVENTORY_PAGES = 200


def inventory(
    sp_api: SpApiClient, source: DatasetSource, access_token: Secret
) -> list[IncomingRecord]:
    label = "SP-API FBA inventory"
    found: list[IncomingRecord] = []
    next_token: str | None = None
    for _ in range(MAX_INVENTORY_PAGES):
        params = {
            "granularityType": "Marketplace",
            "granularityId": source.marketplace_id,
            "marketplaceIds": source.marketplace_id,
            "details": "true",
        }
        if next_token is not None:
            params["nextToken"] = next_token
        body = sp_api.window_call(
            source,
            "GET",
            INVENTORY_PATH,
            access_token,
            "getInventorySummaries",
            params=params,
            label=label,
        )
        try:
            summaries = body["payload"]["inventorySummaries"]
            for summary in summaries:
                if summary.get("sellerSku"):
                    found.append(IncomingRecord(str(summary["sellerSku"]), record_text(summary)))
            next_token = (body.get("pagination") or {}).get("nextToken") or None
        except (KeyError, TypeError, AttributeError):
            raise AmazonUnavailable(f"{label}: Amazon answered an unexpected body.") from None
        if next_token is None:
            return found
    raise AmazonUnavailable(f"{label}: more than {MAX_INVENTORY_PAGES} pages.")
