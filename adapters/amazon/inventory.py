"""The `inventory` dataset (docs/amazon-datasets.md) from the FBA Inventory API: the
snapshot of getInventorySummaries (2 req/s, burst 2) with granularityType Marketplace and
details, every page; one record per sellerSku."""

from __future__ import annotations

from typing import Any

from adapters.amazon.sp_api import PagedDataset, record_text
from application.ports import DatasetSource
from domain.records import IncomingRecord


def _params(source: DatasetSource, next_token: str | None) -> dict[str, str]:
    params = {
        "granularityType": "Marketplace",
        "granularityId": source.marketplace_id,
        "marketplaceIds": source.marketplace_id,
        "details": "true",
    }
    return params if next_token is None else {**params, "nextToken": next_token}


def _read(body: Any) -> tuple[list[IncomingRecord], str | None]:
    records = [
        IncomingRecord(str(summary["sellerSku"]), record_text(summary))
        for summary in body["payload"]["inventorySummaries"]
        if summary.get("sellerSku")
    ]
    return records, (body.get("pagination") or {}).get("nextToken") or None


INVENTORY = PagedDataset(
    "/fba/inventory/v1/summaries",
    "getInventorySummaries",
    "SP-API FBA inventory",
    200,
    _params,
    _read,
)
