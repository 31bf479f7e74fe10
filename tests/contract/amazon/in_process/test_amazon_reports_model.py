"""The Reports API, FBA inventory and the 403 faults the records and truth helpers build on:
answers valid against Amazon's models, documents against Amazon's report schemas, document
URLs absolute, signed and expiring, data deterministic and growing with the sandbox clock."""

from __future__ import annotations

import gzip
import json
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from adapters.amazon.regions import marketplace_id
from adapters.amazon.sandbox.in_process import IN_PROCESS_BASE_URL, InProcessAmazon
from tests.contract.amazon.amazon_models import answer, document, problems
from tests.fixtures import amazon_refuses

US = marketplace_id("US")
REPORTS = f"{IN_PROCESS_BASE_URL}/reports/2021-06-30"
VENDOR_SALES_OPTIONS = {
    "reportPeriod": "DAY",
    "distributorView": "MANUFACTURING",
    "sellingProgram": "RETAIL",
}
SCHEMAS = {
    "GET_SALES_AND_TRAFFIC_REPORT": "sellerSalesAndTrafficReport.json",
    "GET_VENDOR_SALES_REPORT": "vendorSalesReport.json",
    "GET_VENDOR_TRAFFIC_REPORT": "vendorTrafficReport.json",
}


def _call(
    amazon: InProcessAmazon, method: str, url: str, token: str, model: str, name: str, **kw: Any
) -> httpx.Response:
    response = amazon.http.request(method, url, headers={"x-amz-access-token": token}, **kw)
    assert problems(answer(model, name, response.status_code), response.json()) == []
    return response


def _create(amazon: InProcessAmazon, token: str, body: dict[str, Any]) -> httpx.Response:
    """createReport, its answer checked against the model whatever the status."""
    return _call(
        amazon,
        "POST",
        f"{REPORTS}/reports",
        token,
        "reports_2021-06-30.json",
        "CreateReportResponse",
        json=body,
    )


def _report(
    amazon: InProcessAmazon, token: str, report_type: str, **extra: Any
) -> tuple[str, dict[str, Any]]:
    """create -> poll -> document -> download -> gunzip, as Amazon's guide walks it."""
    body = {"reportType": report_type, "marketplaceIds": [US], **extra}
    created = _create(amazon, token, body)
    assert created.status_code == 202, created.text
    report_id = created.json()["reportId"]
    report = _call(
        amazon,
        "GET",
        f"{REPORTS}/reports/{report_id}",
        token,
        "reports_2021-06-30.json",
        "Report",
    ).json()
    assert report["processingStatus"] == "DONE"
    located = _call(
        amazon,
        "GET",
        f"{REPORTS}/documents/{report['reportDocumentId']}",
        token,
        "reports_2021-06-30.json",
        "ReportDocument",
    ).json()
    assert located["compressionAlgorithm"] == "GZIP"
    content = amazon.http.get(located["url"])  # no SP-API headers: a pre-signed URL
    assert content.status_code == 200
    return located["url"], json.loads(gzip.decompress(content.content))


@pytest.mark.parametrize(
    ("account", "report_type", "options"),
    [
        ("us-seller", "GET_SALES_AND_TRAFFIC_REPORT", {}),
        ("vendor-central", "GET_VENDOR_SALES_REPORT", VENDOR_SALES_OPTIONS),
        ("vendor-central", "GET_VENDOR_TRAFFIC_REPORT", {"reportPeriod": "DAY"}),
    ],
)
def test_report_documents_follow_amazons_schemas(amazon, clock, account, report_type, options):
    clock.advance(timedelta(days=3))
    token = amazon.sp_api_token(account)
    start = (clock.now() - timedelta(days=3)).strftime("%Y-%m-%dT00:00:00Z")
    url, content = _report(amazon, token, report_type, dataStartTime=start, reportOptions=options)
    assert problems(document(SCHEMAS[report_type]), content) == []
    assert urlsplit(url).scheme == "https"
    assert content["reportSpecification"]["reportType"] == report_type
    days = (
        content.get("salesAndTrafficByDate")
        or content.get("salesAggregate")
        or content["trafficAggregate"]
    )
    assert len(days) == 3  # three whole days are over


def test_the_same_day_gives_the_same_figures_and_data_grows_with_the_clock(amazon, clock):
    token = amazon.sp_api_token("us-seller")
    day = (clock.now() - timedelta(days=1)).strftime("%Y-%m-%dT00:00:00Z")
    _, first = _report(amazon, token, "GET_SALES_AND_TRAFFIC_REPORT", dataStartTime=day)
    clock.advance(timedelta(days=2))
    token = amazon.sp_api_token("us-seller")
    _, again = _report(
        amazon, token, "GET_SALES_AND_TRAFFIC_REPORT", dataStartTime=day, dataEndTime=day
    )
    assert again["salesAndTrafficByDate"] == first["salesAndTrafficByDate"]
    _, grown = _report(amazon, token, "GET_SALES_AND_TRAFFIC_REPORT", dataStartTime=day)
    assert len(grown["salesAndTrafficByDate"]) == 3


def test_a_document_url_expires_and_cannot_be_forged(amazon, clock):
    token = amazon.sp_api_token("us-seller")
    url, _ = _report(amazon, token, "GET_SALES_AND_TRAFFIC_REPORT")
    forged = url.replace("X-Amz-Signature=", "X-Amz-Signature=0")
    assert amazon.http.get(forged).status_code == 403
    clock.advance(timedelta(minutes=6))
    assert amazon.http.get(url).status_code == 403


@pytest.mark.parametrize(
    ("account", "report_type"),
    [
        ("vendor", "GET_VENDOR_SALES_REPORT"),  # Ads only: no Vendor Central role
        ("vendor-central", "GET_SALES_AND_TRAFFIC_REPORT"),  # a seller's report
        ("us-seller", "GET_VENDOR_TRAFFIC_REPORT"),  # a vendor's report
    ],
)
def test_a_report_of_the_other_account_type_is_refused(amazon, account, report_type):
    token = amazon.sp_api_token(account)
    refused = _create(
        amazon,
        token,
        {
            "reportType": report_type,
            "marketplaceIds": [US],
            "reportOptions": {"reportPeriod": "DAY"},
        },
    )
    assert refused.status_code == 403


def test_inventory_summaries_page_and_change_with_the_clock(amazon, clock):
    token = amazon.sp_api_token("us-seller")
    params = {
        "granularityType": "Marketplace",
        "granularityId": US,
        "marketplaceIds": US,
        "details": "true",
    }
    url = f"{IN_PROCESS_BASE_URL}/fba/inventory/v1/summaries"
    model = ("fbaInventory.json", "GetInventorySummariesResponse")
    first = _call(amazon, "GET", url, token, *model, params=params).json()
    second = _call(
        amazon,
        "GET",
        url,
        token,
        *model,
        params={**params, "nextToken": first["pagination"]["nextToken"]},
    ).json()
    skus = [s["sellerSku"] for s in first["payload"]["inventorySummaries"]]
    skus += [s["sellerSku"] for s in second["payload"]["inventorySummaries"]]
    assert "pagination" not in second
    clock.advance(timedelta(days=7))
    token = amazon.sp_api_token("us-seller")
    later = _call(amazon, "GET", url, token, *model, params=params).json()
    later_skus = [s["sellerSku"] for s in later["payload"]["inventorySummaries"]]
    assert len(set(skus)) != len(set(later_skus) | set(skus[50:]))  # a SKU came or went
    vendor = amazon.sp_api_token("vendor-central")
    assert _call(amazon, "GET", url, vendor, *model, params=params).status_code == 403


@pytest.mark.parametrize("error", ["missing_role", "restricted_data"])
def test_a_403_fault_hits_one_account_and_one_operation(amazon, clock, error):
    amazon_refuses(amazon, error)
    token = amazon.sp_api_token("us-seller")
    other = amazon.sp_api_token("eu-seller")
    query = {"MarketplaceIds": US, "CreatedAfter": "2026-01-04T00:00:00Z"}
    url = f"{IN_PROCESS_BASE_URL}/orders/v0/orders"
    model = ("ordersV0.json", "GetOrdersResponse")
    refused = _call(amazon, "GET", url, token, *model, params=query)
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["code"] == "Unauthorized"
    fine = _call(amazon, "GET", f"{REPORTS}/reports/1", token, "reports_2021-06-30.json", "Report")
    assert fine.status_code == 404  # another operation: not hit
    uk = {"MarketplaceIds": marketplace_id("UK"), "CreatedAfter": "2026-01-04T00:00:00Z"}
    assert _call(amazon, "GET", url, other, *model, params=uk).status_code == 200
