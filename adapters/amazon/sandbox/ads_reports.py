"""Amazon Ads reporting v3 in the sandbox, Sponsored Products campaigns by day
(adapters/amazon/ADS_FACTS.md): `POST /reporting/reports` -> `GET /reporting/reports/{id}`
until `status` is COMPLETED -> download `url` (absolute, signed, expiring; GZIP JSON rows).

Figures are deterministic per (profile, campaign, day); attributed purchases and sales of a
day keep growing for seven days after it (Amazon restates the attribution window), and a
day exists only once the sandbox clock has passed it. Processing takes
`ads_report_processing` on the sandbox clock (0: done at the first poll).
"""

from __future__ import annotations

import gzip
import json
from datetime import date, datetime, timedelta
from typing import Any

from attrs import define

from adapters.amazon.sandbox import report_data
from adapters.amazon.sandbox.ads import AdsApi
from adapters.amazon.sandbox.documents import Document
from adapters.amazon.sandbox.replies import Reply, ads_error, json_reply
from adapters.amazon.sandbox.reports import ReportsApi
from adapters.amazon.sandbox.scenarios import Scenario

REPORT_TYPE = "spCampaigns"
MAX_DAYS = 31  # spCampaigns: at most 31 days a report
LOOKBACK_DAYS = 95  # data older than this is gone
ATTRIBUTION_DAYS = 7
COLUMNS = frozenset(
    {
        "date", "startDate", "endDate", "campaignId", "campaignName", "campaignStatus",
        "campaignBudgetAmount", "campaignBudgetType", "campaignBudgetCurrencyCode",
        "impressions", "clicks", "cost", "spend", "costPerClick", "clickThroughRate",
        "purchases1d", "purchases7d", "purchases14d", "purchases30d", "sales1d", "sales7d",
        "sales14d", "sales30d", "unitsSoldClicks1d", "unitsSoldClicks7d",
    }
)  # fmt: skip


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


@define
class _AdsReport:
    report_id: str
    profile_id: str
    scenario: str
    code: str
    request: dict[str, Any]
    start: date
    end: date
    columns: list[str]
    daily: bool
    created: datetime
    status: str = "PENDING"
    document_id: str | None = None
    size: int | None = None
    finished: datetime | None = None


class AdsReportsApi(AdsApi, ReportsApi):
    def reset(self) -> None:
        super().reset()
        with self._lock:
            self.ads_reports: dict[str, _AdsReport] = {}
            self.ads_report_processing = timedelta(0)

    def _ads_scope(
        self, authorization: str | None, client_id: str | None, scope: str | None
    ) -> tuple[Scenario | None, str, Reply | None]:
        token = (authorization or "").removeprefix("Bearer ").strip()
        record = self._access(token, "ads")
        if record is None or client_id != record.client_id:
            return (
                None,
                "",
                ads_error(401, "UNAUTHORIZED", "Not authorized to access this advertiser"),
            )
        scenario = self.scenarios[record.scenario]
        codes = {str(scenario.profile_id(c)): c for c in scenario.profiles}
        if not scope or scope not in codes:
            return None, "", ads_error(401, "UNAUTHORIZED", "Not authorized to access this profile")
        return scenario, codes[scope], None

    def create_ads_report(
        self, authorization: str | None, client_id: str | None, scope: str | None, raw: bytes
    ) -> Reply:
        scenario, code, error = self._ads_scope(authorization, client_id, scope)
        if error is not None or scenario is None or scope is None:
            return error or ads_error(500, "INTERNAL_ERROR", "")
        try:
            body = json.loads(raw or b"null")
            config = body["configuration"]
            start = date.fromisoformat(body["startDate"])
            end = date.fromisoformat(body["endDate"])
            columns = list(config["columns"])
        except (ValueError, KeyError, TypeError):
            return ads_error(
                400, "INVALID_ARGUMENT", "startDate, endDate and configuration are required"
            )
        problem = self._check(config, columns, start, end)
        if problem:
            return ads_error(400, "INVALID_ARGUMENT", problem)
        now = self.now()
        with self._lock:
            report_id = f"{scope[-6:]}-{len(self.ads_reports) + 1:08d}-ads-report"
            self.ads_reports[report_id] = _AdsReport(
                report_id, scope, scenario.name, code, body, start, end, columns,
                config["timeUnit"] == "DAILY", now,
            )  # fmt: skip
        return json_reply(200, self._ads_view(self.ads_reports[report_id]))

    def _check(self, config: Any, columns: list[str], start: date, end: date) -> str:
        if config.get("adProduct") != "SPONSORED_PRODUCTS":
            return "adProduct must be SPONSORED_PRODUCTS"
        if config.get("reportTypeId") != REPORT_TYPE:
            return f"reportTypeId {config.get('reportTypeId')} is not served by the sandbox"
        if config.get("format") != "GZIP_JSON":
            return "format must be GZIP_JSON"
        if "campaign" not in (config.get("groupBy") or []):
            return "groupBy must include campaign"
        if config.get("timeUnit") not in ("DAILY", "SUMMARY"):
            return "timeUnit must be DAILY or SUMMARY"
        if not columns or not set(columns) <= COLUMNS:
            return f"unsupported columns: {sorted(set(columns) - COLUMNS)}"
        if config["timeUnit"] == "DAILY" and "date" not in columns:
            return "a DAILY report needs the date column"
        if start > end or (end - start).days >= MAX_DAYS:
            return f"startDate..endDate spans 1 to {MAX_DAYS} days"
        if start < self.now().date() - timedelta(days=LOOKBACK_DAYS):
            return f"startDate is more than {LOOKBACK_DAYS} days ago"
        return ""

    def get_ads_report(
        self, authorization: str | None, client_id: str | None, scope: str | None, report_id: str
    ) -> Reply:
        scenario, _, error = self._ads_scope(authorization, client_id, scope)
        if error is not None or scenario is None:
            return error or ads_error(500, "INTERNAL_ERROR", "")
        with self._lock:
            report = self.ads_reports.get(report_id)
            if report is None or report.profile_id != scope:
                return ads_error(404, "NOT_FOUND", "Report not found")
            now = self.now()
            if report.status in ("PENDING", "PROCESSING"):
                if now >= report.created + self.ads_report_processing:
                    self._finish_ads(scenario, report, now)
                elif now > report.created:
                    report.status = "PROCESSING"
            return json_reply(200, self._ads_view(report))

    def _finish_ads(self, scenario: Scenario, report: _AdsReport, now: datetime) -> None:
        rows = self.campaign_rows(scenario, report, now)
        content = gzip.compress(json.dumps(rows).encode(), mtime=0)
        report.document_id = f"ads-{report.report_id}"
        self.documents.put(
            report.document_id, Document(report.profile_id, "application/json", content)
        )
        report.status, report.size, report.finished = "COMPLETED", len(content), now

    def campaign_rows(
        self, scenario: Scenario, report: _AdsReport, now: datetime
    ) -> list[dict[str, Any]]:
        last = report_data.last_complete_day(now)
        days = report_data.days(report.start, min(report.end, last))
        rows = []
        for campaign in self.campaigns_of(scenario, report.profile_id, report.code):
            per_day = [self._figures(scenario, campaign, day, now) for day in days]
            if report.daily:
                chunks = [(day.isoformat(), f) for day, f in zip(days, per_day, strict=True)]
            else:
                total = {k: sum(f[k] for f in per_day) for k in per_day[0]} if per_day else {}
                chunks = [("", total)] if per_day else []
            for day_text, figures in chunks:
                row = {
                    "date": day_text,
                    "startDate": report.start.isoformat(),
                    "endDate": report.end.isoformat(),
                    "campaignId": campaign["campaignId"],
                    "campaignName": campaign["name"],
                    "campaignStatus": campaign["state"],
                    "campaignBudgetAmount": campaign["budget"]["budget"],
                    "campaignBudgetType": campaign["budget"]["budgetType"],
                    "campaignBudgetCurrencyCode": "USD",
                    **figures,
                }
                rows.append({c: row[c] for c in report.columns if c in row})
        return rows

    def _figures(
        self, scenario: Scenario, campaign: dict[str, Any], day: date, now: datetime
    ) -> dict[str, Any]:
        seed = (scenario.name, campaign["campaignId"], day.isoformat())
        impressions = 500 + report_data.number(*seed, "impressions") % 5000
        clicks = impressions // 40
        cost = round(clicks * 0.45, 2)
        settled = min(ATTRIBUTION_DAYS, (now.date() - day).days) / ATTRIBUTION_DAYS
        purchases = round((clicks // 8) * settled)
        sales = round(purchases * 24.99, 2)
        return {
            "impressions": impressions, "clicks": clicks, "cost": cost, "spend": cost,
            "costPerClick": round(cost / clicks, 2) if clicks else 0.0,
            "clickThroughRate": round(clicks / impressions, 4),
            "purchases1d": purchases // 2, "purchases7d": purchases, "purchases14d": purchases,
            "purchases30d": purchases, "sales1d": round(sales / 2, 2), "sales7d": sales,
            "sales14d": sales, "sales30d": sales, "unitsSoldClicks1d": purchases // 2,
            "unitsSoldClicks7d": purchases,
        }  # fmt: skip

    def _ads_view(self, report: _AdsReport) -> dict[str, Any]:
        url = expires = None
        if report.document_id is not None and report.finished is not None:
            url = self.documents.url(report.document_id, self.now())
            expires = _iso(self.now() + timedelta(minutes=5))
        return {
            "reportId": report.report_id,
            "name": report.request.get("name"),
            "status": report.status,
            "startDate": report.start.isoformat(),
            "endDate": report.end.isoformat(),
            "configuration": report.request["configuration"],
            "createdAt": _iso(report.created),
            "updatedAt": _iso(report.finished or report.created),
            "generatedAt": _iso(report.finished) if report.finished else None,
            "url": url,
            "urlExpiresAt": expires,
            "fileSize": report.size,
            "failureReason": None,
        }
