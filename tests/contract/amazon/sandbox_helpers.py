"""Helpers for the Amazon contract tests: a person clicking through the sandbox, admin
calls, and the shared constants."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from adapters.amazon import AmazonSettings
from adapters.amazon.sandbox import Sandbox
from adapters.amazon.sandbox.serve import SandboxServer
from domain.grant import Channel

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
VERIFIER = "v" * 43 + "-PKCE-verifier-for-sandbox-tests"


class Amazon:
    """Test helpers: a person clicking through the sandbox, and admin calls."""

    def __init__(self, server: SandboxServer, settings: AmazonSettings) -> None:
        self.server = server
        self.base = server.base_url
        self.settings = settings
        self.http = httpx.Client(timeout=10)

    @property
    def sandbox(self) -> Sandbox:
        return self.server.sandbox

    def sp_consent(self, account: str, decision: str = "approve", **query: str) -> httpx.Response:
        params = {
            "application_id": self.settings.sp_api_application_id,
            "state": "state-123",
            "redirect_uri": self.settings.sp_api_redirect_uri,
            **query,
        }
        return self.http.post(
            f"{self.base}/apps/authorize/consent",
            params=params,
            data={**params, "account": account, "decision": decision},
        )

    def ads_consent(
        self, account: str, decision: str = "approve", challenge: str | None = None, **query: str
    ) -> httpx.Response:
        params = {
            "client_id": self.settings.ads_client_id,
            "scope": "advertising::campaign_management",
            "response_type": "code",
            "redirect_uri": self.settings.ads_redirect_uri,
            "state": "state-ads",
            **query,
        }
        if challenge is not None:
            params |= {"code_challenge": challenge, "code_challenge_method": "S256"}
        return self.http.post(
            f"{self.base}/ap/oa", data={**params, "account": account, "decision": decision}
        )

    def sp_code(self, account: str) -> tuple[str, str]:
        """(selling_partner_id, spapi_oauth_code) after approving as `account`."""
        query = redirect_query(self.sp_consent(account))
        return query["selling_partner_id"], query["spapi_oauth_code"]

    def ads_code(self, account: str, challenge: str | None = None) -> str:
        return redirect_query(self.ads_consent(account, challenge=challenge))["code"]

    def admin(self, path: str, body: object = None) -> httpx.Response:
        if body is None and path in ("requests", "listings", "scenarios"):
            return self.http.get(f"{self.base}/_admin/{path}")
        return self.http.post(f"{self.base}/_admin/{path}", json=body or {})

    def faults(self, *faults: dict[str, object]) -> None:
        response = self.admin("faults", {"faults": list(faults)})
        assert response.status_code == 200, response.text

    def sandbox_429s(self, operation: str) -> int:
        return self.sandbox.counters[f"{operation}:throttled"]


def redirect_query(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 302, response.text
    return {k: v[0] for k, v in parse_qs(urlsplit(response.headers["location"]).query).items()}


def sp_campaigns_report(start: str, end: str, unit: str = "DAILY") -> dict[str, Any]:
    """The Ads reporting v3 request for Sponsored Products campaigns by day (ADS_FACTS.md),
    the report sellerlink's advertising dataset reads, from `start` to `end` (ISO dates)."""
    return {
        "name": "SP campaigns",
        "startDate": start,
        "endDate": end,
        "configuration": {
            "adProduct": "SPONSORED_PRODUCTS",
            "groupBy": ["campaign"],
            "columns": ["date", "campaignId", "impressions", "clicks", "cost", "sales7d"],
            "reportTypeId": "spCampaigns",
            "timeUnit": unit,
            "format": "GZIP_JSON",
        },
    }


def channel_code(amazon: Amazon, channel: Channel, account: str) -> str:
    if channel is Channel.ADS:
        return amazon.ads_code(account)
    return amazon.sp_code(account)[1]
