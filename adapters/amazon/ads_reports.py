"""Amazon Ads reporting v3 for the `ads_campaigns` dataset (docs/amazon-datasets.md).

`POST /reporting/reports` (media type application/vnd.createasyncreportrequest.v3+json,
headers Authorization, Amazon-Advertising-API-ClientId and -Scope = the selected profile)
with adProduct SPONSORED_PRODUCTS, reportTypeId spCampaigns, groupBy campaign, timeUnit
DAILY, format GZIP_JSON, at most 31 days per report → `{reportId, status}`; then
`GET /reporting/reports/{reportId}` until status COMPLETED with a pre-signed `url` (a
gzipped JSON array of rows; downloaded without the Ads headers) or FAILED. A duplicate
request is answered 425 with the existing report's id in `detail`; sellerlink keeps the id
it got and polls it instead of asking twice.
"""

from __future__ import annotations

import json
import re
from contextlib import ExitStack
from typing import Any
from urllib.parse import quote

import httpx

from adapters.amazon import documents
from adapters.amazon.ads import ads_answer, ads_headers
from adapters.amazon.settings import AmazonSettings, HostFamily
from adapters.amazon.transport import Call, Transport
from application.ports import DatasetFetch, DatasetSource
from domain.errors import AmazonUnavailable, InternalError
from domain.rate_budget import BudgetKey
from domain.secret import Secret

REPORTS_PATH = "/reporting/reports"
CREATE_MEDIA_TYPE = "application/vnd.createasyncreportrequest.v3+json"
COLUMNS = (
    "date",
    "campaignId",
    "campaignName",
    "campaignStatus",
    "impressions",
    "clicks",
    "cost",
    "purchases7d",
    "sales7d",
)
WAITING = ("PENDING", "PROCESSING")
_DUPLICATE = re.compile(r"([0-9a-fA-F-]{36})")


class AdsReportsClient:
    def __init__(self, settings: AmazonSettings, transport: Transport) -> None:
        self._settings = settings
        self._transport = transport

    def campaigns(
        self, source: DatasetSource, access_token: Secret, pending: str | None
    ) -> DatasetFetch:
        if not source.profile_id:
            raise InternalError("Amazon Ads reports need the selected advertising profile.")
        report_id = pending or self._create(source, access_token)
        report = self._get(source, access_token, report_id)
        status = str(report.get("status", ""))
        if status in WAITING:
            return DatasetFetch(pending=report_id)
        if status != "COMPLETED" or not report.get("url"):
            raise AmazonUnavailable(
                f"Amazon Ads could not produce the report ({status or 'no status'}).",
                context={"report_failed": True, "report_id": report_id},
            )
        stack = ExitStack()
        try:
            raw = stack.enter_context(documents.temporary_document())
            self._transport.download(str(report["url"]), raw, label="Amazon Ads report")
            document = stack.enter_context(documents.open_document(raw, "GZIP"))
        except BaseException:
            stack.close()
            raise
        return DatasetFetch(records=documents.ads_campaign_rows(document), close=stack.close)

    def _key(self, source: DatasetSource, operation: str) -> BudgetKey:
        """The bucket the proxy spends for the same Ads call (the profile is the partner)."""
        assert source.profile_id is not None
        return BudgetKey(
            self._settings.ads_client_id, source.profile_id, str(source.region), operation
        )

    def _create(self, source: DatasetSource, token: Secret) -> str:
        assert source.profile_id is not None
        last_day = source.end.date().fromordinal(source.end.date().toordinal() - 1)
        body = {
            "name": f"sellerlink spCampaigns {source.start.date()} {last_day}",
            "startDate": source.start.date().isoformat(),
            "endDate": max(last_day, source.start.date()).isoformat(),
            "configuration": {
                "adProduct": "SPONSORED_PRODUCTS",
                "groupBy": ["campaign"],
                "columns": list(COLUMNS),
                "reportTypeId": "spCampaigns",
                "timeUnit": "DAILY",
                "format": "GZIP_JSON",
            },
        }
        response = self._transport.send(
            Call(
                "POST",
                self._settings.base_url(HostFamily.ADS_API, source.region) + REPORTS_PATH,
                headers={
                    **ads_headers(self._settings, token, source.profile_id),
                    "Content-Type": CREATE_MEDIA_TYPE,
                },
                content=json.dumps(body),
                budget=self._key(source, f"ads POST {REPORTS_PATH}"),
                background=source.background,
                label="Amazon Ads report request",
            )
        )
        if response.status_code == 425:
            found = _DUPLICATE.search(_detail(response))
            if found:
                return found.group(1)
        answer = ads_answer(response, "Amazon Ads report request", dict)
        report_id = answer.get("reportId")
        if not report_id:
            raise AmazonUnavailable("Amazon Ads answered a report request without reportId.")
        return str(report_id)

    def _get(self, source: DatasetSource, token: Secret, report_id: str) -> dict[str, Any]:
        assert source.profile_id is not None
        response = self._transport.send(
            Call(
                "GET",
                self._settings.base_url(HostFamily.ADS_API, source.region)
                + f"{REPORTS_PATH}/{quote(report_id, safe='')}",
                headers=ads_headers(self._settings, token, source.profile_id),
                budget=self._key(source, f"ads GET {REPORTS_PATH}/{{}}"),
                background=source.background,
                label="Amazon Ads report status",
            )
        )
        return ads_answer(response, "Amazon Ads report status", dict)


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
        return str(body.get("detail") or body.get("details") or "")
    except (ValueError, AttributeError):
        return response.text[:400]
