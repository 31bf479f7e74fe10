"""Amazon Ads reporting v3, Sponsored Products campaigns by day (ADS_FACTS.md): create ->
poll -> download GZIP JSON from a signed URL; figures restated over the attribution window."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from adapters.amazon.sandbox.in_process import IN_PROCESS_BASE_URL, InProcessAmazon
from adapters.amazon.sandbox.scenarios import SCENARIOS
from application.ports import ConsentRequest
from domain.authorization import ConsentAsk
from domain.connection import AccountType, Region
from domain.grant import Channel
from domain.secret import Secret
from tests.contract.amazon.sandbox_helpers import sp_campaigns_report

START = datetime(2026, 1, 20, 9, 0, tzinfo=UTC)
MEDIA_TYPE = "application/vnd.createasyncreportrequest.v3+json"


@pytest.fixture
def start() -> datetime:
    return START


def _ads(amazon: InProcessAmazon, account: str) -> tuple[dict[str, str], str]:
    url = amazon.consent_url(
        ConsentRequest(ConsentAsk(Channel.ADS, Region.NA, AccountType.SELLER), "a" * 43)
    )
    code = amazon.consent(url, account)["code"]
    token = amazon.exchange_code(Channel.ADS, Region.NA, code).access_token.reveal()
    profile = amazon.list_profiles(Region.NA, Secret(token))[0]
    headers = {
        "Authorization": f"Bearer {token}",
        "Amazon-Advertising-API-ClientId": amazon.settings.ads_client_id,
        "Amazon-Advertising-API-Scope": profile.profile_id,
    }
    return headers, profile.profile_id


def _rows(amazon: InProcessAmazon, headers: dict[str, str], body: dict[str, Any]) -> list[Any]:
    created = amazon.http.post(
        f"{IN_PROCESS_BASE_URL}/reporting/reports",
        headers={**headers, "Content-Type": MEDIA_TYPE},
        content=json.dumps(body),
    )
    assert created.status_code == 200, created.text
    assert created.json()["status"] == "PENDING"
    polled = amazon.http.get(
        f"{IN_PROCESS_BASE_URL}/reporting/reports/{created.json()['reportId']}", headers=headers
    ).json()
    assert polled["status"] == "COMPLETED"
    download = httpx.URL(polled["url"])
    assert download.scheme == "https"
    rows: list[Any] = json.loads(gzip.decompress(amazon.http.get(download).content))
    return rows


def test_campaigns_by_day_and_the_attribution_window_is_restated(amazon, clock) -> None:
    headers, _ = _ads(amazon, "us-seller")
    body = sp_campaigns_report("2026-01-17", "2026-01-19")
    rows = _rows(amazon, headers, body)
    assert [r["date"] for r in rows] == ["2026-01-17", "2026-01-18", "2026-01-19"]
    assert set(rows[0]) == set(body["configuration"]["columns"])
    clock.advance(timedelta(days=8))
    headers, _ = _ads(amazon, "us-seller")
    later = _rows(amazon, headers, body)
    assert [r["impressions"] for r in later] == [r["impressions"] for r in rows]
    assert later[-1]["sales7d"] >= rows[-1]["sales7d"]
    assert any(a["sales7d"] > b["sales7d"] for a, b in zip(later, rows, strict=True))


@pytest.mark.parametrize(
    "change",
    [
        {"startDate": "2026-01-19", "endDate": "2026-01-17"},
        {"startDate": "2025-09-01", "endDate": "2025-09-02"},
        {"startDate": "2025-12-01", "endDate": "2026-01-19"},
    ],
)
def test_ranges_amazon_refuses(amazon, change: dict[str, str]) -> None:
    headers, _ = _ads(amazon, "us-seller")
    body = {**sp_campaigns_report("2026-01-17", "2026-01-19"), **change}
    refused = amazon.http.post(
        f"{IN_PROCESS_BASE_URL}/reporting/reports", headers=headers, content=json.dumps(body)
    )
    assert refused.status_code == 400
    assert set(refused.json()) == {"code", "details"}


def test_a_report_needs_a_profile_scope_the_user_may_access(amazon) -> None:
    headers, _ = _ads(amazon, "us-seller")
    someone_elses = str(SCENARIOS["eu-seller"].profile_id("UK"))
    foreign = {**headers, "Amazon-Advertising-API-Scope": someone_elses}
    refused = amazon.http.post(
        f"{IN_PROCESS_BASE_URL}/reporting/reports",
        headers=foreign,
        content=json.dumps(sp_campaigns_report("2026-01-17", "2026-01-19")),
    )
    assert refused.status_code == 401
