"""SP-API operations and their usage plans, as data taken from Amazon's published models
(amzn/selling-partner-api-models, Apache-2.0; copies in ../shared/amazon/models): each
operation's description carries a "Usage Plan" table `| Rate (requests per second) | Burst |`.
`plans_from_model` reads such a model, so the table below can be regenerated and checked;
the last column names the model file each row came from.

The proxy names a product's call by matching its method and path against these templates
(DESIGN §11: operation = method + path template); a call no template matches is named by its
method and path with id-like segments folded, and learns its rate from
`x-amzn-RateLimit-Limit`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from attrs import frozen

from domain.rate_budget import RatePlan

_USAGE_PLAN = re.compile(r"\|\s*([0-9.]+)\s*\|\s*([0-9]+)\s*\|")


@frozen
class Operation:
    method: str
    template: str
    name: str
    plan: RatePlan
    source: str
    pattern: re.Pattern[str]


def _op(method: str, template: str, name: str, rate: float, burst: int, source: str) -> Operation:
    regex = "^" + re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(template.lstrip("/"))) + "/?$"
    return Operation(method, template, name, RatePlan(rate, burst), source, re.compile(regex))


SP_API_OPERATIONS: tuple[Operation, ...] = (
    _op(
        "POST",
        "/applications/2023-11-30/clientSecret",
        "rotateApplicationClientSecret",
        0.0167,
        1,
        "application_2023-11-30.json",
    ),
    _op("GET", "/fba/inventory/v1/summaries", "getInventorySummaries", 2.0, 2, "fbaInventory.json"),
    _op("GET", "/feeds/2021-06-30/feeds", "getFeeds", 0.0222, 10, "feeds_2021-06-30.json"),
    _op("POST", "/feeds/2021-06-30/feeds", "createFeed", 0.0083, 15, "feeds_2021-06-30.json"),
    _op(
        "DELETE", "/feeds/2021-06-30/feeds/{feedId}", "cancelFeed", 2.0, 15, "feeds_2021-06-30.json"
    ),
    _op("GET", "/feeds/2021-06-30/feeds/{feedId}", "getFeed", 2.0, 15, "feeds_2021-06-30.json"),
    _op(
        "POST",
        "/feeds/2021-06-30/documents",
        "createFeedDocument",
        0.5,
        15,
        "feeds_2021-06-30.json",
    ),
    _op(
        "GET",
        "/feeds/2021-06-30/documents/{feedDocumentId}",
        "getFeedDocument",
        0.0222,
        10,
        "feeds_2021-06-30.json",
    ),
    _op(
        "DELETE",
        "/listings/2021-08-01/items/{sellerId}/{sku}",
        "deleteListingsItem",
        5.0,
        5,
        "listingsItems_2021-08-01.json",
    ),
    _op(
        "GET",
        "/listings/2021-08-01/items/{sellerId}/{sku}",
        "getListingsItem",
        5.0,
        10,
        "listingsItems_2021-08-01.json",
    ),
    _op(
        "PATCH",
        "/listings/2021-08-01/items/{sellerId}/{sku}",
        "patchListingsItem",
        5.0,
        5,
        "listingsItems_2021-08-01.json",
    ),
    _op(
        "PUT",
        "/listings/2021-08-01/items/{sellerId}/{sku}",
        "putListingsItem",
        5.0,
        10,
        "listingsItems_2021-08-01.json",
    ),
    _op(
        "GET",
        "/listings/2021-08-01/items/{sellerId}",
        "searchListingsItems",
        5.0,
        5,
        "listingsItems_2021-08-01.json",
    ),
    _op("GET", "/orders/v0/orders", "getOrders", 0.0167, 20, "ordersV0.json"),
    _op("GET", "/orders/v0/orders/{orderId}", "getOrder", 0.5, 30, "ordersV0.json"),
    _op(
        "GET",
        "/orders/v0/orders/{orderId}/buyerInfo",
        "getOrderBuyerInfo",
        0.5,
        30,
        "ordersV0.json",
    ),
    _op("GET", "/orders/v0/orders/{orderId}/address", "getOrderAddress", 0.5, 30, "ordersV0.json"),
    _op("GET", "/orders/v0/orders/{orderId}/orderItems", "getOrderItems", 0.5, 30, "ordersV0.json"),
    _op(
        "GET",
        "/orders/v0/orders/{orderId}/orderItems/buyerInfo",
        "getOrderItemsBuyerInfo",
        0.5,
        30,
        "ordersV0.json",
    ),
    _op(
        "POST",
        "/orders/v0/orders/{orderId}/shipment",
        "updateShipmentStatus",
        5.0,
        15,
        "ordersV0.json",
    ),
    _op(
        "GET",
        "/orders/v0/orders/{orderId}/regulatedInfo",
        "getOrderRegulatedInfo",
        0.5,
        30,
        "ordersV0.json",
    ),
    _op(
        "PATCH",
        "/orders/v0/orders/{orderId}/regulatedInfo",
        "updateVerificationStatus",
        0.5,
        30,
        "ordersV0.json",
    ),
    _op(
        "POST",
        "/orders/v0/orders/{orderId}/shipmentConfirmation",
        "confirmShipment",
        2.0,
        10,
        "ordersV0.json",
    ),
    _op("GET", "/reports/2021-06-30/reports", "getReports", 0.0222, 10, "reports_2021-06-30.json"),
    _op(
        "POST", "/reports/2021-06-30/reports", "createReport", 0.0167, 15, "reports_2021-06-30.json"
    ),
    _op(
        "DELETE",
        "/reports/2021-06-30/reports/{reportId}",
        "cancelReport",
        0.0222,
        10,
        "reports_2021-06-30.json",
    ),
    _op(
        "GET",
        "/reports/2021-06-30/reports/{reportId}",
        "getReport",
        2.0,
        15,
        "reports_2021-06-30.json",
    ),
    _op(
        "GET",
        "/reports/2021-06-30/schedules",
        "getReportSchedules",
        0.0222,
        10,
        "reports_2021-06-30.json",
    ),
    _op(
        "POST",
        "/reports/2021-06-30/schedules",
        "createReportSchedule",
        0.0222,
        10,
        "reports_2021-06-30.json",
    ),
    _op(
        "DELETE",
        "/reports/2021-06-30/schedules/{reportScheduleId}",
        "cancelReportSchedule",
        0.0222,
        10,
        "reports_2021-06-30.json",
    ),
    _op(
        "GET",
        "/reports/2021-06-30/schedules/{reportScheduleId}",
        "getReportSchedule",
        0.0222,
        10,
        "reports_2021-06-30.json",
    ),
    _op(
        "GET",
        "/reports/2021-06-30/documents/{reportDocumentId}",
        "getReportDocument",
        0.0167,
        15,
        "reports_2021-06-30.json",
    ),
    _op(
        "GET",
        "/sellers/v1/marketplaceParticipations",
        "getMarketplaceParticipations",
        0.016,
        15,
        "sellers.json",
    ),
    _op("GET", "/sellers/v1/account", "getAccount", 0.016, 15, "sellers.json"),
    _op(
        "POST",
        "/tokens/2021-03-01/restrictedDataToken",
        "createRestrictedDataToken",
        1.0,
        10,
        "tokens_2021-03-01.json",
    ),
)

RATE_PLANS: Mapping[str, RatePlan] = MappingProxyType({o.name: o.plan for o in SP_API_OPERATIONS})


def plans_from_model(model: Mapping[str, Any], source: str) -> list[Operation]:
    """The operations of one Amazon model (OpenAPI 2 JSON) that document a usage plan."""
    found = []
    for template, methods in (model.get("paths") or {}).items():
        for method, operation in methods.items():
            if not isinstance(operation, dict) or "operationId" not in operation:
                continue
            match = _USAGE_PLAN.search(operation.get("description") or "")
            if match:
                found.append(
                    _op(
                        method.upper(),
                        template,
                        operation["operationId"],
                        float(match.group(1)),
                        int(match.group(2)),
                        source,
                    )
                )
    return found


_ID_LIKE = re.compile(r"^(?=.*[0-9])[^/]{6,}$")


def operation_for(method: str, path: str, known: Iterable[Operation] = SP_API_OPERATIONS) -> str:
    """The operation a product's call is (its name), or `METHOD path` with id-like segments
    folded to `{}` for a call outside the table, so its bucket is shared by every id."""
    bare = path.split("?", 1)[0].strip("/")
    for operation in known:
        if operation.method == method and operation.pattern.match(bare):
            return operation.name
    folded = "/".join("{}" if _ID_LIKE.match(s) else s for s in bare.split("/"))
    return f"{method} /{folded}"
