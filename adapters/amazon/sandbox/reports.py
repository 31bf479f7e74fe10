"""The Reports API (2021-06-30) in the sandbox (models/reports_2021-06-30.json): createReport
(0.0167 req/s, burst 15) -> getReport (2/15) until processingStatus is DONE -> getReportDocument
(0.0167/15) -> an absolute, signed, expiring URL to a GZIP document (documents.py).

Served report types: GET_SALES_AND_TRAFFIC_REPORT for sellers, GET_VENDOR_SALES_REPORT and
GET_VENDOR_TRAFFIC_REPORT for vendors with SP-API through Vendor Central (`vendor-central`),
by DAY. The other account type's report is refused as Amazon refuses an operation the app's
role does not cover (403). A range with no complete day in it is CANCELLED (no data), as
Amazon cancels a report that has nothing to say. Processing takes `report_processing` on the
sandbox clock (0: done at the first getReport).
"""

from __future__ import annotations

import gzip
import json
from datetime import date, datetime, timedelta
from typing import Any

from attrs import define

from adapters.amazon import regions
from adapters.amazon.sandbox import report_data
from adapters.amazon.sandbox.core import SandboxCore
from adapters.amazon.sandbox.documents import Document, DocumentStore
from adapters.amazon.sandbox.replies import Reply, json_reply, sp_error
from adapters.amazon.sandbox.scenarios import Scenario

SELLER_REPORTS = frozenset({report_data.SALES_AND_TRAFFIC})
VENDOR_REPORTS = frozenset({report_data.VENDOR_SALES, report_data.VENDOR_TRAFFIC})
DENIED = "Access to requested resource is denied."


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _moment(value: Any, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{name} is not an ISO 8601 date-time.") from None


@define
class _Report:
    report_id: str
    seller: str
    scenario: str
    report_type: str
    marketplace_ids: list[str]
    start: date
    end: date
    options: dict[str, str]
    created: datetime
    status: str = "IN_QUEUE"
    document_id: str | None = None
    finished: datetime | None = None


class ReportsApi(SandboxCore):
    def reset(self) -> None:
        super().reset()
        with self._lock:
            self.documents = DocumentStore(self.settings.sandbox_base_url or "")
            self.reports: dict[str, _Report] = {}
            self.report_processing = timedelta(0)
            self._report_seq = 0

    def report_marketplaces(self, scenario: Scenario) -> tuple[str, ...]:
        """Where the account has data: a seller's participations, a vendor's profiles."""
        codes = scenario.profiles if scenario.account_type == "vendor" else scenario.participations
        return tuple(regions.MARKETPLACES_BY_CODE[c].id for c in codes)

    def create_report(self, access_token: str | None, raw_body: bytes) -> Reply:
        scenario, error = self.sp_call(access_token, "createReport")
        if error is not None or scenario is None:
            return error or sp_error(500, "InternalFailure", "")
        try:
            body = json.loads(raw_body or b"null")
        except ValueError:
            body = None
        if not isinstance(body, dict) or not isinstance(body.get("reportType"), str):
            return sp_error(400, "InvalidInput", "The body needs reportType and marketplaceIds.")
        ids = body.get("marketplaceIds")
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
            return sp_error(400, "InvalidInput", "marketplaceIds must list marketplace ids.")
        report_type = body["reportType"]
        if report_type not in SELLER_REPORTS | VENDOR_REPORTS:
            return sp_error(400, "InvalidInput", f"Report type {report_type} is not served.")
        vendor = scenario.account_type == "vendor"
        allowed = VENDOR_REPORTS if vendor and scenario.vendor_central else SELLER_REPORTS
        if vendor and not scenario.vendor_central:
            allowed = frozenset()
        if report_type not in allowed:
            return sp_error(403, "Unauthorized", DENIED)
        unknown = [i for i in ids if i not in self.report_marketplaces(scenario)]
        if unknown:
            return sp_error(400, "InvalidInput", f"Invalid marketplaceIds: {', '.join(unknown)}.")
        options = body.get("reportOptions") or {}
        try:
            start_at = _moment(body.get("dataStartTime"), "dataStartTime")
            end_at = _moment(body.get("dataEndTime"), "dataEndTime")
            options = self._options(report_type, options)
        except ValueError as problem:
            return sp_error(400, "InvalidInput", str(problem))
        yesterday = report_data.last_complete_day(self.now())
        end = end_at.date() if end_at is not None else yesterday
        start = start_at.date() if start_at is not None else end
        if start > end:
            return sp_error(400, "InvalidInput", "dataStartTime must not be after dataEndTime.")
        with self._lock:
            self._report_seq += 1
            report_id = f"{50000000000 + self._report_seq}"
            self.reports[report_id] = _Report(
                report_id,
                scenario.selling_partner_id,
                scenario.name,
                report_type,
                list(ids),
                start,
                min(end, yesterday),
                options,
                self.now(),
            )
        return json_reply(202, {"reportId": report_id})

    def _options(self, report_type: str, options: Any) -> dict[str, str]:
        if not isinstance(options, dict):
            raise ValueError("reportOptions is an object of strings.")
        values = {str(k): str(v) for k, v in options.items()}
        if report_type == report_data.SALES_AND_TRAFFIC:
            if (
                values.get("dateGranularity", "DAY") != "DAY"
                or values.get("asinGranularity", "CHILD") != "CHILD"
            ):
                raise ValueError("The sandbox serves dateGranularity DAY by asinGranularity CHILD.")
            return values
        if values.get("reportPeriod") != "DAY":
            raise ValueError("reportOptions.reportPeriod is required (the sandbox serves DAY).")
        if report_type == report_data.VENDOR_SALES:
            if values.get("distributorView") not in ("MANUFACTURING", "SOURCING"):
                raise ValueError("reportOptions.distributorView is MANUFACTURING or SOURCING.")
            if values.get("sellingProgram") not in ("RETAIL", "BUSINESS", "FRESH"):
                raise ValueError("reportOptions.sellingProgram is RETAIL, BUSINESS or FRESH.")
        return values

    def get_report(self, access_token: str | None, report_id: str) -> Reply:
        scenario, error = self.sp_call(access_token, "getReport")
        if error is not None or scenario is None:
            return error or sp_error(500, "InternalFailure", "")
        with self._lock:
            report = self.reports.get(report_id)
            if report is None or report.seller != scenario.selling_partner_id:
                return sp_error(404, "NotFound", "The report was not found.")
            now = self.now()
            waiting = report.status in ("IN_QUEUE", "IN_PROGRESS")
            if waiting and now >= report.created + self.report_processing:
                self._finish(scenario, report, now)
            elif waiting and now > report.created:
                report.status = "IN_PROGRESS"
            body: dict[str, Any] = {
                "reportId": report.report_id,
                "reportType": report.report_type,
                "marketplaceIds": report.marketplace_ids,
                "dataStartTime": f"{report.start.isoformat()}T00:00:00Z",
                "dataEndTime": f"{report.end.isoformat()}T23:59:59Z",
                "createdTime": _iso(report.created),
                "processingStatus": report.status,
            }
            if report.status != "IN_QUEUE":
                body["processingStartTime"] = _iso(report.created)
            if report.finished is not None:
                body["processingEndTime"] = _iso(report.finished)
            if report.document_id is not None:
                body["reportDocumentId"] = report.document_id
        return json_reply(200, body)

    def _finish(self, scenario: Scenario, report: _Report, now: datetime) -> None:
        report.finished = now
        if report.start > report.end:
            report.status = "CANCELLED"
            return
        updated = report_data.last_complete_day(now)
        if report.report_type == report_data.SALES_AND_TRAFFIC:
            content = report_data.sales_and_traffic(
                scenario, report.marketplace_ids, report.start, report.end
            )
        else:
            content = report_data.vendor_report(
                report.report_type,
                scenario,
                report.marketplace_ids,
                report.start,
                report.end,
                report.options,
                updated,
            )
        document_id = f"amzn1.spdoc.1.4.na.{report.report_id}"
        self.documents.put(
            document_id,
            Document(
                report.seller,
                "application/json",
                gzip.compress(json.dumps(content).encode(), mtime=0),
            ),
        )
        report.document_id, report.status = document_id, "DONE"

    def get_report_document(self, access_token: str | None, document_id: str) -> Reply:
        scenario, error = self.sp_call(access_token, "getReportDocument")
        if error is not None or scenario is None:
            return error or sp_error(500, "InternalFailure", "")
        document = self.documents.get(document_id)
        with self._lock:
            a_report = any(r.document_id == document_id for r in self.reports.values())
        if not a_report or document is None or document.owner != scenario.selling_partner_id:
            # The store also holds feed documents: those are no report's.
            return sp_error(404, "NotFound", "The report document was not found.")
        return json_reply(
            200,
            {
                "reportDocumentId": document_id,
                "url": self.documents.url(document_id, self.now()),
                "compressionAlgorithm": "GZIP",
            },
        )
