"""The datasets sellerlink keeps (DESIGN §12): each one's Amazon source, key, refresh rule and
the JSON schema of its records' `data` (Amazon's object, unchanged; the schemas name what
Amazon's models require and let everything else through, because Amazon adds fields).

Which datasets an account has follows its type and channels (seed 002): a seller with
SP-API gets orders, sales and traffic and inventory; anyone with an Ads profile gets ad
campaigns; a vendor gets sales and traffic from the vendor reports only when Vendor Central
(SP-API) is authorized, and a vendor on Ads alone is never asked anything of SP-API.
Facts and sources: docs/amazon-datasets.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from attrs import frozen

from domain.connection import AccountType, Connection
from domain.grant import Channel
from domain.records import Dataset


@frozen
class DatasetInfo:
    name: Dataset
    description: str
    key_fields: tuple[str, ...]
    source: str
    schema: Mapping[str, Any]
    # A snapshot dataset is fetched whole each time; what is gone is marked deleted.
    snapshot: bool = False


def _money() -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"amount": {"type": "number"}, "currencyCode": {"type": "string"}},
    }


_ORDER = {
    "type": "object",
    "description": "Orders API v0 Order, as getOrders returns it (no buyer PII: sellerlink "
    "asks for no restricted data token).",
    "required": ["AmazonOrderId", "LastUpdateDate", "OrderStatus", "PurchaseDate"],
    "properties": {
        "AmazonOrderId": {"type": "string"},
        "PurchaseDate": {"type": "string"},
        "LastUpdateDate": {"type": "string"},
        "OrderStatus": {"type": "string"},
        "MarketplaceId": {"type": "string"},
        "FulfillmentChannel": {"type": "string"},
        "OrderTotal": {
            "type": "object",
            "properties": {"CurrencyCode": {"type": "string"}, "Amount": {"type": "string"}},
        },
        "NumberOfItemsShipped": {"type": "integer"},
        "NumberOfItemsUnshipped": {"type": "integer"},
    },
    "additionalProperties": True,
}

_SALES_TRAFFIC = {
    "type": "object",
    "description": "One day of one child ASIN. Sellers: a salesAndTrafficByAsin entry of "
    "GET_SALES_AND_TRAFFIC_REPORT (one report per day, asinGranularity CHILD) plus `date`. "
    "Vendors: `sales` (GET_VENDOR_SALES_REPORT salesByAsin) and `traffic` "
    "(GET_VENDOR_TRAFFIC_REPORT trafficByAsin) of that ASIN and day.",
    "required": ["date"],
    "properties": {
        "date": {"type": "string", "format": "date"},
        "parentAsin": {"type": "string"},
        "childAsin": {"type": "string"},
        "asin": {"type": "string"},
        "salesByAsin": {
            "type": "object",
            "properties": {
                "unitsOrdered": {"type": "integer"},
                "orderedProductSales": _money(),
                "totalOrderItems": {"type": "integer"},
            },
        },
        "trafficByAsin": {
            "type": "object",
            "properties": {"sessions": {"type": "integer"}, "pageViews": {"type": "integer"}},
        },
        "sales": {
            "type": "object",
            "properties": {
                "shippedCogs": _money(),
                "shippedRevenue": _money(),
                "shippedUnits": {"type": "integer"},
            },
        },
        "traffic": {"type": "object", "properties": {"glanceViews": {"type": "integer"}}},
    },
    "additionalProperties": True,
}

_INVENTORY = {
    "type": "object",
    "description": "FBA Inventory API InventorySummary (getInventorySummaries, details=true).",
    "properties": {
        "asin": {"type": "string"},
        "fnSku": {"type": "string"},
        "sellerSku": {"type": "string"},
        "condition": {"type": "string"},
        "lastUpdatedTime": {"type": "string"},
        "productName": {"type": "string"},
        "totalQuantity": {"type": "integer"},
        "inventoryDetails": {"type": "object"},
    },
    "additionalProperties": True,
}

_ADS_CAMPAIGNS = {
    "type": "object",
    "description": "One row of an Amazon Ads reporting v3 report (adProduct "
    "SPONSORED_PRODUCTS, reportTypeId spCampaigns, groupBy campaign, timeUnit DAILY).",
    "required": ["date", "campaignId"],
    "properties": {
        "date": {"type": "string", "format": "date"},
        "campaignId": {"type": ["integer", "string"]},
        "campaignName": {"type": "string"},
        "campaignStatus": {"type": "string"},
        "impressions": {"type": "integer"},
        "clicks": {"type": "integer"},
        "cost": {"type": "number"},
        "purchases7d": {"type": "integer"},
        "sales7d": {"type": "number"},
    },
    "additionalProperties": True,
}

DATASETS: Mapping[Dataset, DatasetInfo] = {
    Dataset.ORDERS: DatasetInfo(
        Dataset.ORDERS,
        "Orders as Amazon reports them, updated whenever Amazon updates the order.",
        ("AmazonOrderId",),
        "SP-API Orders v0 getOrders by LastUpdatedAfter windows (sellers)",
        _ORDER,
    ),
    Dataset.SALES_TRAFFIC: DatasetInfo(
        Dataset.SALES_TRAFFIC,
        "Sales and page traffic per day and (child) ASIN.",
        ("date", "asin"),
        "SP-API Reports GET_SALES_AND_TRAFFIC_REPORT (sellers); GET_VENDOR_SALES_REPORT and "
        "GET_VENDOR_TRAFFIC_REPORT (vendors with Vendor Central)",
        _SALES_TRAFFIC,
    ),
    Dataset.INVENTORY: DatasetInfo(
        Dataset.INVENTORY,
        "FBA inventory now; a SKU Amazon no longer lists is marked deleted.",
        ("sellerSku",),
        "SP-API FBA Inventory getInventorySummaries (sellers)",
        _INVENTORY,
        snapshot=True,
    ),
    Dataset.ADS_CAMPAIGNS: DatasetInfo(
        Dataset.ADS_CAMPAIGNS,
        "Sponsored Products campaign metrics per day; recent days are fetched again daily "
        "because Amazon restates them while attribution settles.",
        ("date", "campaignId"),
        "Amazon Ads reporting v3 (spCampaigns, DAILY)",
        _ADS_CAMPAIGNS,
    ),
}


def datasets_for(connection: Connection, marketplace_id: str) -> tuple[Dataset, ...]:
    """The datasets this account has in a marketplace, by its type and the channels it
    authorized; ad campaigns where its selected advertising profile is (a profile belongs
    to one marketplace)."""
    sp_api = connection.grants[Channel.SP_API].ever_authorized
    profile = next(
        (p for p in connection.profiles if p.profile_id == connection.selected_profile_id), None
    )
    ads = (
        connection.grants[Channel.ADS].ever_authorized
        and profile is not None
        and profile.marketplace_id == marketplace_id
    )
    found: list[Dataset] = []
    if connection.account_type is AccountType.SELLER and sp_api:
        found += [Dataset.ORDERS, Dataset.SALES_TRAFFIC, Dataset.INVENTORY]
    if connection.account_type is AccountType.VENDOR and sp_api:
        found.append(Dataset.SALES_TRAFFIC)
    if ads:
        found.append(Dataset.ADS_CAMPAIGNS)
    return tuple(found)
