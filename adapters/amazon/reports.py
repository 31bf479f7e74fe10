"""SP-API Reports API 2021-06-30 for the `sales_traffic` dataset (docs/amazon-datasets.md).

createReport → getReport until `processingStatus` is DONE → getReportDocument → download
the pre-signed `url` (no SP-API headers; gunzip when `compressionAlgorithm` is GZIP) →
stream-parse (documents.py). A report still IN_QUEUE or IN_PROGRESS is handed back as
`pending` (its id; two ids for a vendor), and the next pass asks about it again instead of
creating another. CANCELLED means Amazon had no data for the window (the model's words: "an
automatic cancellation if there is no data to return"): an empty window, delivered. FATAL
is a failure the sync records and asks again for later.

Sellers: GET_SALES_AND_TRAFFIC_REPORT, one day per report, dateGranularity DAY and
asinGranularity CHILD. Vendors (Vendor Central authorized on SP-API): GET_VENDOR_SALES_REPORT
(reportPeriod DAY, distributorView MANUFACTURING, sellingProgram RETAIL) and
GET_VENDOR_TRAFFIC_REPORT (reportPeriod DAY) for the same day, joined per ASIN.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import timedelta
from typing import IO, Any
from urllib.parse import quote

from adapters.amazon import documents
from adapters.amazon.sp_api import SpApiClient, amazon_time
from adapters.amazon.transport import Transport
from application.ports import DatasetFetch, DatasetSource
from domain.connection import AccountType
from domain.errors import AmazonUnavailable
from domain.records import IncomingRecord
from domain.secret import Secret

REPORTS = "/reports/2021-06-30"
SELLER_REPORT = (
    "GET_SALES_AND_TRAFFIC_REPORT",
    {"dateGranularity": "DAY", "asinGranularity": "CHILD"},
)
VENDOR_REPORTS = (
    (
        "GET_VENDOR_SALES_REPORT",
        {"reportPeriod": "DAY", "distributorView": "MANUFACTURING", "sellingProgram": "RETAIL"},
    ),
    ("GET_VENDOR_TRAFFIC_REPORT", {"reportPeriod": "DAY"}),
)
WAITING = ("IN_QUEUE", "IN_PROGRESS")


class ReportsClient:
    def __init__(self, transport: Transport, sp_api: SpApiClient) -> None:
        self._transport = transport
        self._sp_api = sp_api

    def sales_and_traffic(
        self, source: DatasetSource, access_token: Secret, pending: str | None
    ) -> DatasetFetch:
        vendor = source.account_type is AccountType.VENDOR
        kinds = VENDOR_REPORTS if vendor else (SELLER_REPORT,)
        report_ids = (
            pending.split(",")
            if pending
            else [self._create(source, access_token, t, o) for t, o in kinds]
        )
        reports = [self._report(source, access_token, r) for r in report_ids]
        statuses = [str(r.get("processingStatus", "")) for r in reports]
        if any(s in WAITING for s in statuses):
            return DatasetFetch(pending=",".join(report_ids))
        if "FATAL" in statuses:
            raise AmazonUnavailable(
                "SP-API reports: Amazon could not produce the report (FATAL).",
                context={"report_failed": True, "report_ids": ",".join(report_ids)},
            )
        if any(s != "DONE" for s in statuses):  # CANCELLED: no data for this window
            return DatasetFetch(records=())
        stack = ExitStack()
        try:
            files = [
                self._document(source, access_token, str(r["reportDocumentId"]), stack)
                for r in reports
            ]
        except BaseException:
            stack.close()
            raise
        if vendor:
            records: Iterator[IncomingRecord] = documents.vendor_sales_and_traffic(*files)
        else:
            records = documents.sales_and_traffic(files[0], source.start.date())
        return DatasetFetch(records=records, close=stack.close)

    def _create(
        self, source: DatasetSource, token: Secret, report_type: str, options: dict[str, str]
    ) -> str:
        end = source.start + timedelta(days=1) - timedelta(seconds=1)
        body = {
            "reportType": report_type,
            "marketplaceIds": [source.marketplace_id],
            "dataStartTime": amazon_time(source.start),
            "dataEndTime": amazon_time(min(end, source.end)),
            "reportOptions": options,
        }
        answer = self._sp_api.window_call(
            source, "POST", f"{REPORTS}/reports", token, "createReport", content=json.dumps(body)
        )
        report_id = answer.get("reportId") if isinstance(answer, dict) else None
        if not report_id:
            raise AmazonUnavailable("SP-API createReport: no reportId in Amazon's answer.")
        return str(report_id)

    def _report(self, source: DatasetSource, token: Secret, report_id: str) -> dict[str, Any]:
        answer = self._sp_api.window_call(
            source, "GET", f"{REPORTS}/reports/{quote(report_id, safe='')}", token, "getReport"
        )
        if not isinstance(answer, dict) or "processingStatus" not in answer:
            raise AmazonUnavailable("SP-API getReport: Amazon answered an unexpected body.")
        return answer

    def _document(
        self, source: DatasetSource, token: Secret, document_id: str, stack: ExitStack
    ) -> IO[bytes]:
        answer = self._sp_api.window_call(
            source,
            "GET",
            f"{REPORTS}/documents/{quote(document_id, safe='')}",
            token,
            "getReportDocument",
        )
        url = answer.get("url") if isinstance(answer, dict) else None
        if not url:
            raise AmazonUnavailable("SP-API getReportDocument: no url in Amazon's answer.")
        raw = stack.enter_context(documents.temporary_document())
        self._transport.download(str(url), raw, label="SP-API report document")
        return stack.enter_context(documents.open_document(raw, answer.get("compressionAlgorithm")))
