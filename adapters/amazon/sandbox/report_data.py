"""Deterministic per-scenario business data for the sandbox's reports and inventory: the same
scenario, marketplace and day always give the same figures, and a day exists only once the
sandbox clock has passed it, so data grows with the clock (API.md, "Sandbox additions").

Document shapes follow Amazon's report schemas (models/sellerSalesAndTrafficReport.json,
vendorSalesReport.json, vendorTrafficReport.json).
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from typing import Any

from adapters.amazon import regions
from adapters.amazon.sandbox.scenarios import Scenario

SALES_AND_TRAFFIC = "GET_SALES_AND_TRAFFIC_REPORT"
VENDOR_SALES = "GET_VENDOR_SALES_REPORT"
VENDOR_TRAFFIC = "GET_VENDOR_TRAFFIC_REPORT"
ASINS_PER_SCENARIO = 3
_BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def number(*parts: object) -> int:
    """A stable pseudo-random number for the given parts."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big")


def asin(scenario: Scenario, index: int) -> str:
    value, chars = number(scenario.name, "asin", index), []
    for _ in range(8):
        value, rest = divmod(value, 36)
        chars.append(_BASE36[rest])
    return "B0" + "".join(chars)


def asins(scenario: Scenario) -> list[str]:
    return [asin(scenario, i) for i in range(ASINS_PER_SCENARIO)]


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def last_complete_day(now: datetime) -> date:
    """Amazon reports whole days that are over."""
    return now.date() - timedelta(days=1)


def _money(amount: float, currency: str) -> dict[str, Any]:
    return {"amount": round(amount, 2), "currencyCode": currency}


def _units(scenario: Scenario, marketplace_id: str, product: str, day: date) -> int:
    return 1 + number(scenario.name, marketplace_id, product, day.isoformat()) % 12


def _price(scenario: Scenario, product: str) -> float:
    return 10 + number(scenario.name, product, "price") % 4000 / 100


def _views(scenario: Scenario, marketplace_id: str, product: str, day: date) -> int:
    return 20 + number(scenario.name, marketplace_id, product, day.isoformat(), "views") % 300


def sales_and_traffic(
    scenario: Scenario, marketplace_ids: list[str], start: date, end: date
) -> dict[str, Any]:
    """GET_SALES_AND_TRAFFIC_REPORT with DAY and CHILD granularity (the default)."""
    marketplace_id = marketplace_ids[0]
    currency = regions.MARKETPLACES[marketplace_id].currency
    by_date = []
    for day in days(start, end):
        units = sum(_units(scenario, marketplace_id, a, day) for a in asins(scenario))
        sales = sum(
            _units(scenario, marketplace_id, a, day) * _price(scenario, a) for a in asins(scenario)
        )
        views = sum(_views(scenario, marketplace_id, a, day) for a in asins(scenario))
        sessions = views * 3 // 4
        by_date.append(
            {
                "date": day.isoformat(),
                "salesByDate": {
                    "orderedProductSales": _money(sales, currency),
                    "unitsOrdered": units,
                    "totalOrderItems": units,
                    "averageSalesPerOrderItem": _money(sales / units, currency),
                    "averageUnitsPerOrderItem": 1.0,
                    "averageSellingPrice": _money(sales / units, currency),
                    "unitsRefunded": units // 10,
                    "refundRate": round(100 * (units // 10) / units, 2),
                    "claimsGranted": 0,
                    "claimsAmount": _money(0, currency),
                    "shippedProductSales": _money(sales, currency),
                    "unitsShipped": units,
                    "ordersShipped": units,
                },
                "trafficByDate": {
                    "browserPageViews": views // 2,
                    "mobileAppPageViews": views - views // 2,
                    "pageViews": views,
                    "browserSessions": sessions // 2,
                    "mobileAppSessions": sessions - sessions // 2,
                    "sessions": sessions,
                    "buyBoxPercentage": 100.0,
                    "orderItemSessionPercentage": round(100 * units / sessions, 2),
                    "unitSessionPercentage": round(100 * units / sessions, 2),
                    "averageOfferCount": 1,
                    "averageParentItems": ASINS_PER_SCENARIO,
                    "feedbackReceived": 0,
                    "negativeFeedbackReceived": 0,
                    "receivedNegativeFeedbackRate": 0.0,
                },
            }
        )
    by_asin = []
    for product in asins(scenario):
        units = sum(_units(scenario, marketplace_id, product, d) for d in days(start, end))
        views = sum(_views(scenario, marketplace_id, product, d) for d in days(start, end))
        sessions = views * 3 // 4
        share = round(100 / ASINS_PER_SCENARIO, 2)
        by_asin.append(
            {
                "parentAsin": product,
                "childAsin": product,
                "salesByAsin": {
                    "unitsOrdered": units,
                    "orderedProductSales": _money(units * _price(scenario, product), currency),
                    "totalOrderItems": units,
                },
                "trafficByAsin": {
                    "browserSessions": sessions // 2,
                    "mobileAppSessions": sessions - sessions // 2,
                    "sessions": sessions,
                    "browserSessionPercentage": share,
                    "mobileAppSessionPercentage": share,
                    "sessionPercentage": share,
                    "browserPageViews": views // 2,
                    "mobileAppPageViews": views - views // 2,
                    "pageViews": views,
                    "browserPageViewsPercentage": share,
                    "mobileAppPageViewsPercentage": share,
                    "pageViewsPercentage": share,
                    "buyBoxPercentage": 100.0,
                    "unitSessionPercentage": round(100 * units / max(sessions, 1), 2),
                },
            }
        )
    return {
        "reportSpecification": {
            "reportType": SALES_AND_TRAFFIC,
            "reportOptions": {"dateGranularity": "DAY", "asinGranularity": "CHILD"},
            "dataStartTime": start.isoformat(),
            "dataEndTime": end.isoformat(),
            "marketplaceIds": marketplace_ids,
        },
        "salesAndTrafficByDate": by_date,
        "salesAndTrafficByAsin": by_asin,
    }


def _vendor_sales(
    scenario: Scenario, marketplace_id: str, product: str, day: date
) -> dict[str, Any]:
    """One ASIN's day in GET_VENDOR_SALES_REPORT."""
    currency = regions.MARKETPLACES[marketplace_id].currency
    units = _units(scenario, marketplace_id, product, day)
    revenue = units * _price(scenario, product)
    return {
        "customerReturns": units // 10,
        "orderedRevenue": _money(revenue, currency),
        "orderedUnits": units,
        "shippedCogs": _money(revenue * 0.6, currency),
        "shippedRevenue": _money(revenue, currency),
        "shippedUnits": units,
    }


def _vendor_traffic(
    scenario: Scenario, marketplace_id: str, product: str, day: date
) -> dict[str, Any]:
    """One ASIN's day in GET_VENDOR_TRAFFIC_REPORT: its glance views."""
    return {"glanceViews": _views(scenario, marketplace_id, product, day)}


# Each vendor report: the prefix of its two tables (`<prefix>Aggregate`, `<prefix>ByAsin`)
# and the measures of one ASIN's day.
_VENDOR_REPORTS = {
    VENDOR_SALES: ("sales", _vendor_sales),
    VENDOR_TRAFFIC: ("traffic", _vendor_traffic),
}


def _day_total(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """A vendor report's aggregate row for one day: every measure of its ASIN rows added up,
    money by its amount in the rows' currency."""
    first = rows[0]
    total: dict[str, Any] = {"startDate": first["startDate"], "endDate": first["endDate"]}
    for name, value in first.items():
        if name in total or name == "asin":
            continue
        if isinstance(value, dict):
            total[name] = _money(sum(r[name]["amount"] for r in rows), value["currencyCode"])
        else:
            total[name] = sum(r[name] for r in rows)
    return total


def vendor_report(
    report_type: str,
    scenario: Scenario,
    marketplace_ids: list[str],
    start: date,
    end: date,
    options: dict[str, str],
    updated: date,
) -> dict[str, Any]:
    """GET_VENDOR_SALES_REPORT or GET_VENDOR_TRAFFIC_REPORT by DAY: one row per ASIN a day
    and an aggregate row a day (vendorSalesReport.json, vendorTrafficReport.json)."""
    prefix, measures = _VENDOR_REPORTS[report_type]
    aggregate: list[dict[str, Any]] = []
    by_asin: list[dict[str, Any]] = []
    for day in days(start, end):
        dated = {"startDate": day.isoformat(), "endDate": day.isoformat()}
        rows = [
            {**dated, "asin": product, **measures(scenario, marketplace_ids[0], product, day)}
            for product in asins(scenario)
        ]
        by_asin += rows
        aggregate.append(_day_total(rows))
    return {
        "reportSpecification": {
            "reportType": report_type,
            "reportOptions": options,
            "lastUpdatedDate": updated.isoformat(),
            "dataStartTime": start.isoformat(),
            "dataEndTime": end.isoformat(),
            "marketplaceIds": marketplace_ids,
        },
        f"{prefix}Aggregate": aggregate,
        f"{prefix}ByAsin": by_asin,
    }
